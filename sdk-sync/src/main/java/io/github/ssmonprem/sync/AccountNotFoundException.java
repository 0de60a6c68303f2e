package io.github.ssmonprem.sync;

import io.github.ssmonprem.core.exception.ResourceNotFoundException;
import java.util.Optional;

/**
 * The server does not know the smart account, or the API Toolkit grant does not see it or its virtual
 * account: a 404 on the licenses route, or an account search that does not list it. Its
 * {@link #setting()} is {@code account} or {@code virtualAccount}, whichever is not found.
 */
public class AccountNotFoundException extends ResourceNotFoundException {

    private static final long serialVersionUID = 1L;

    /** The smart account asked for. */
    private final String account;
    /** The virtual account not found in a smart account that was, or null. */
    private final String virtualAccount;

    /**
     * Creates the exception.
     *
     * @param account the smart account domain asked for
     * @param virtualAccount the virtual account not found in that smart account, or null when the smart
     *     account itself was not found
     * @param detail what went wrong, with the server's message
     * @param statusCode the HTTP status of the answer that showed it (404 on the licenses route, 200 for
     *     an account search that does not list it)
     * @param errorCode the server's error code, or null
     * @param serverMessage the server's message, or null
     * @param requestId the {@code X-Request-Id}, or null
     */
    public AccountNotFoundException(String account, String virtualAccount, String detail, int statusCode, String errorCode,
            String serverMessage, String requestId) {
        super(detail, virtualAccount == null
                ? "Check the smart account domain '" + account + "': SsmSyncClient.listAccounts() lists the accounts this user can see."
                : "Check the virtual account '" + virtualAccount + "' of '" + account + "': SsmSyncClient.listAccounts() lists the "
                        + "virtual accounts this user can see.",
                statusCode, errorCode, serverMessage, requestId);
        this.account = account;
        this.virtualAccount = virtualAccount;
        recordSetting(virtualAccount == null ? "account" : "virtualAccount");
    }

    /** {@return the smart account domain asked for} */
    public String account() {
        return account;
    }

    /** {@return the virtual account not found in a smart account that was; empty when the smart account itself was not} */
    public Optional<String> virtualAccount() {
        return Optional.ofNullable(virtualAccount);
    }
}
