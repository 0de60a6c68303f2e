package io.github.ssmonprem.cli;

/** A command was used wrongly: a missing setting, a file that cannot be read. Exit code 2. */
public final class UsageError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String remediation;

    /**
     * Creates the error.
     *
     * @param message what is wrong
     * @param remediation how to call the command instead
     */
    public UsageError(String message, String remediation) {
        super(message);
        this.remediation = remediation;
    }

    /**
     * How to call the command instead.
     *
     * @return the remediation
     */
    public String remediation() {
        return remediation;
    }
}
