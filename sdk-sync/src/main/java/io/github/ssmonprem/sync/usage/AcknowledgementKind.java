package io.github.ssmonprem.sync.usage;

/**
 * What an {@link Acknowledgement} is: every kind is text from the server that one device must import
 * ({@code license smart import}), kept in the store until the application takes it.
 */
public enum AcknowledgementKind {
    /** The acknowledgement of a device's RUM reports, from a usage report's delivery. */
    USAGE,
    /** An authorization code (HSEC, SLAC) the server issued for a device, on request. */
    AUTHORIZATION,
    /** The server's confirmation that a device's authorization code was returned. */
    RETURN
}
