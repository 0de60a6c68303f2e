package io.github.ssmonprem.sync;

import io.github.ssmonprem.core.exception.SsmException;
import java.time.Duration;
import java.time.Instant;

/**
 * A sync ran out of its overall time ({@code SsmSyncClientBuilder.syncTimeout}, default 15 min) and
 * ended where it was: requests still running were cut, nothing more was sent, pending usage reports
 * stay pending for the next run. Reported in the {@link SyncResult}, never thrown by {@code sync()}.
 */
public class SyncDeadlineExceededException extends SsmException {

    private static final long serialVersionUID = 1L;

    /** The step that ran out of time. */
    private final String step;
    /** The instant the step had to be over by. */
    private final Instant deadline;

    /**
     * Creates the exception.
     *
     * @param step the step that ran out of time ({@code licenses} or {@code usage})
     * @param deadline the instant it had to be over by
     * @param limit the limit that instant came from, as the user configured it
     * @param what what the step was doing, for the message
     * @param cause the failure the deadline caused, or null
     */
    public SyncDeadlineExceededException(String step, Instant deadline, Duration limit, String what, SsmException cause) {
        super("The sync's " + step + " step did not finish by " + deadline + " (" + limit.toSeconds()
                        + " s, within the sync's limit): " + what + ".",
                "The server is too slow, or keeps the client busy (endless pages, dripped answers); the next sync goes on from "
                        + "where this one stopped, and pending usage stays stored. Check the server's health; raise syncTimeout "
                        + "(--deadline on the command line) only if syncs legitimately take longer.", true, cause);
        this.step = step;
        this.deadline = deadline;
        if (cause != null) {
            recordAttempts(cause.attempts());
        }
    }

    /** {@return the step that ran out of time: {@code licenses} or {@code usage}} */
    public String step() {
        return step;
    }

    /** {@return the instant the step had to be over by} */
    public Instant deadline() {
        return deadline;
    }
}
