package io.github.ssmonprem.cli;

import java.time.Duration;

/** A command did not finish within {@code --deadline}: exit code 6, as for a server that does not answer. */
public final class DeadlineExceeded extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param deadline the limit that passed
     */
    public DeadlineExceeded(Duration deadline) {
        super("No result within --deadline " + deadline.toSeconds() + " s (retries included); the command was abandoned.");
    }

    /**
     * What to do about it.
     *
     * @return the remediation
     */
    public String remediation() {
        return "Run `ssm doctor` to see where the server stops answering, or give a longer --deadline. "
                + "A usage report that was being pushed stays pending in the state directory; `ssm sync` delivers it.";
    }
}
