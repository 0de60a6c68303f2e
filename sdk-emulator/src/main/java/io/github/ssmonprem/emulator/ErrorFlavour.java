package io.github.ssmonprem.emulator;

/** How the emulator's OAuth route words its errors. */
public enum ErrorFlavour {
    /** SSM On-Prem: {@code error_message}, and 403 for an unknown grant ({@code invalid_client}). */
    SSM_ON_PREM,
    /** Stock Doorkeeper 5.x: {@code error_description}, and 401 for {@code invalid_client}. */
    DOORKEEPER
}
