package io.github.ssmonprem.sync;

import io.github.ssmonprem.core.exception.ResourceNotFoundException;

/** The server does not know the smart account (404 on the licenses route). */
public class AccountNotFoundException extends ResourceNotFoundException {

    private static final long serialVersionUID = 1L;

    /** The smart account that was not found. */
    private final String account;

    /**
     * Creates the exception.
     *
     * @param account the smart account domain asked for
     * @param detail what went wrong, with the server's message
     * @param serverMessage the server's message, or null
     * @param requestId the {@code X-Request-Id}, or null
     */
    public AccountNotFoundException(String account, String detail, String serverMessage, String requestId) {
        super(detail, "Check the smart account domain '" + account + "': `ssm accounts` (or SsmSyncClient.listAccounts()) "
                + "lists the accounts this user can see.", 404, "ERROR", serverMessage, requestId);
        this.account = account;
    }

    /** {@return the smart account domain that was not found} */
    public String account() {
        return account;
    }
}
