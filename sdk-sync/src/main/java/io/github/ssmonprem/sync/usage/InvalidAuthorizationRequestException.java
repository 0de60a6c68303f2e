package io.github.ssmonprem.sync.usage;

import io.github.ssmonprem.core.exception.SsmException;

/**
 * An authorization-code request (or return) is not valid: no device, a blank or unprintable host name,
 * entitlement tag or remove code, a count below one, an account that is not named. Thrown before
 * anything is sent.
 */
public class InvalidAuthorizationRequestException extends SsmException {

    private static final long serialVersionUID = 1L;

    /** What is wrong, without the prefix. */
    private final String problem;

    /**
     * Creates the exception.
     *
     * @param problem what is wrong, naming the field
     */
    public InvalidAuthorizationRequestException(String problem) {
        super("Invalid authorization request: " + problem + ".", "Correct the request and make it again; nothing was sent.", false,
                null);
        this.problem = problem;
    }

    /** {@return what is wrong, naming the field} */
    public String problem() {
        return problem;
    }
}
