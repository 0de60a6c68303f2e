package io.github.ssmonprem.sync.internal;

import io.github.ssmonprem.core.exception.SsmException;
import io.github.ssmonprem.sync.SyncResult;
import io.github.ssmonprem.sync.store.SyncOutcome;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;

/**
 * A sync's failure, in one model: the {@link SsmException} a {@link SyncResult} carries
 * ({@link SyncResult#failure()}). What the store keeps of it (the outcome's and each step's error type
 * and message) is derived here, and only here, from that exception.
 */
public final class SyncFailures {

    private SyncFailures() {
    }

    /**
     * {@return the result of a sync step: succeeded, or failed with the type and message of its failure}
     *
     * @param name the step
     * @param failure its failure, or null when it succeeded
     */
    public static SyncOutcome.Step step(String name, SsmException failure) {
        return new SyncOutcome.Step(name, failure == null, type(failure), message(failure));
    }

    /**
     * {@return the stored name of a failure's type, the simple name of its class; null for none}
     *
     * @param failure the failure, or null
     */
    public static String type(SsmException failure) {
        return failure == null ? null : failure.getClass().getSimpleName();
    }

    /**
     * {@return the stored message of a failure; null for none}
     *
     * @param failure the failure, or null
     */
    public static String message(SsmException failure) {
        return failure == null ? null : failure.getMessage();
    }

    /**
     * {@return a result for a sync that did not run its steps, failed with {@code failure} at {@code at}}
     *
     * @param at when
     * @param failure why
     */
    public static SyncResult failed(Instant at, SsmException failure) {
        return new SyncResult(new SyncOutcome(at, at, false, 0, 0, 0, type(failure), message(failure)), Map.of(), List.of(),
                List.of(), failure);
    }

    /**
     * {@return a successful result standing for a sync another node ran, which ended at {@code at}: its
     * times and no counts (the counts are in the shared store's outcome)}
     *
     * @param at when that sync ended
     */
    public static SyncResult servedElsewhere(Instant at) {
        return new SyncResult(new SyncOutcome(at, at, true, 0, 0, 0, null, null), Map.of(), List.of(), List.of(), null);
    }

    /**
     * {@return a step's failure that is not an {@link SsmException}: a bug in the SDK or the store in use}
     *
     * @param e what the step threw
     */
    public static SsmException unexpected(RuntimeException e) {
        return new SsmException("The sync failed unexpectedly: " + e.getClass().getSimpleName() + ".",
                "This is a bug in the SDK or the store in use; report it with the log.", false, e);
    }

    /**
     * What a scheduled run that {@code what} failed with {@code e} (not an {@link SsmException})
     * reports; an {@link Error} is logged at ERROR with its stack trace.
     *
     * @param what who threw, such as "The sync task"
     * @param e what it threw
     * @param log where an {@link Error} is logged
     * @param logger the class named in the remediation as the one that logged the stack trace
     * @return the failure
     */
    public static SsmException unexpected(String what, Throwable e, Logger log, Class<?> logger) {
        String message = what + " failed: " + e.getClass().getSimpleName();
        if (e instanceof LinkageError) {
            // Such as a library older than the SDK was built with.
            log.error("{}; the schedule goes on after the failure back-off", message, e);
            return new SsmException(message + " (" + e.getMessage() + ").",
                    "A library on the class path is not the version the SDK was built with (usually an older HttpClient"
                            + " 5 or HttpCore 5: the SDK needs HttpClient 5.4 and HttpCore 5.3 or newer); align the versions.", false, e);
        }
        if (e instanceof Error) {
            log.error("{}; the schedule goes on after the failure back-off", message, e);
            return new SsmException(message + ".", "An error in the sync or in code it calls, such as a listener; see"
                    + " the stack trace logged at ERROR by " + logger.getName() + ".", false, e);
        }
        return new SsmException(message + ".", "This is a bug in the sync task; report it with the log.", false, e);
    }
}
