package io.github.ssmonprem.cli;

/**
 * A command did not do what it was asked, for a reason it states itself, with its own exit code: the
 * server refused an authorization request for good (9).
 */
public final class CommandFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String remediation;
    private final int exitCode;

    /**
     * Creates the failure.
     *
     * @param message what happened
     * @param remediation what to do about it
     * @param exitCode the command's exit code
     */
    public CommandFailure(String message, String remediation, int exitCode) {
        super(message);
        this.remediation = remediation;
        this.exitCode = exitCode;
    }

    /**
     * What to do about it.
     *
     * @return the remediation
     */
    public String remediation() {
        return remediation;
    }

    /**
     * The command's exit code.
     *
     * @return the exit code
     */
    public int exitCode() {
        return exitCode;
    }
}
