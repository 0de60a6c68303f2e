package io.github.ssmonprem.sync.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The instant by which one step of a sync must be over, in the client's clock, passed down to the
 * step: a step checks {@link #passed()} before each request it would send and gives {@link #at()} to
 * each request ({@code SsmRequest.Builder.deadline}), which cuts its retries and its attempt at that
 * instant. Immutable.
 *
 * <p>A sync of limit L gives its license step at most half of L, so a server that keeps the license
 * pull busy (endless pages, dripped answers) never keeps the pending usage from being delivered; the
 * usage step gets the whole remaining time.
 *
 * @param at when the step must be over
 * @param limit the configured limit this deadline comes from, for messages
 * @param clock the clock the instant is read on
 */
public record SyncDeadline(Instant at, Duration limit, Clock clock) {

    /**
     * {@return a deadline {@code limit} from now}
     *
     * @param clock the client's clock
     * @param limit the limit
     */
    public static SyncDeadline after(Clock clock, Duration limit) {
        return new SyncDeadline(clock.instant().plus(limit), limit, clock);
    }

    /**
     * {@return no deadline, one that never passes: for a step run outside a sync ({@code deliverPending()},
     * {@code licenses()})}
     *
     * @param clock the client's clock
     */
    public static SyncDeadline none(Clock clock) {
        return new SyncDeadline(null, null, clock);
    }

    /**
     * {@return the deadline of a step that may use at most this share of the whole, and never later than
     * this one}
     *
     * @param share the most the step may use, from now
     */
    public SyncDeadline atMost(Duration share) {
        Instant cap = clock.instant().plus(share);
        return at == null || cap.isBefore(at) ? new SyncDeadline(cap, share, clock) : this;
    }

    /** {@return whether the deadline has passed: the step must stop} */
    public boolean passed() {
        return at != null && !clock.instant().isBefore(at);
    }

    /** {@return whether there is a deadline at all: false for {@link #none(Clock)}} */
    public boolean bounded() {
        return at != null;
    }
}
