package io.github.ssmonprem.sync.internal.cycle;

import io.github.ssmonprem.core.exception.SsmException;
import io.github.ssmonprem.core.internal.Meters;
import io.github.ssmonprem.sync.store.SyncOutcome;
import io.github.ssmonprem.sync.store.SyncStore;
import io.github.ssmonprem.sync.store.UsageCounts;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToIntFunction;

/**
 * A client's sync metrics, registered once per client: {@code ssm.sync.runs} and {@code ssm.sync.duration}
 * per sync, and the gauges {@code ssm.sync.last.success}, {@code ssm.usage.pending},
 * {@code ssm.usage.dead}, {@code ssm.usage.acknowledgements} and {@code ssm.licenses}. Without a
 * registry it records nothing.
 *
 * <p>The last success has one source, the outcomes in the store: the newest successful outcome this
 * client saw there or recorded itself ({@link #lastSuccess()}). The store keeps the last outcome only,
 * so a failure that replaces a success does not make the success forgotten.
 */
public final class SyncMetrics {

    private final MeterRegistry registry;
    private final SyncStore store;
    private final AtomicReference<Instant> lastSuccess = new AtomicReference<>();
    private final AtomicLong licensesInLastPull = new AtomicLong();

    /**
     * Registers the gauges of a client.
     *
     * @param registry the registry, or null for none
     * @param store the client's store
     */
    public SyncMetrics(MeterRegistry registry, SyncStore store) {
        this.registry = registry;
        this.store = store;
        Meters.gauge(registry, "ssm.sync.last.success", "When the last successful sync finished, epoch seconds", "seconds",
                this, m -> m.lastSuccess().map(Instant::getEpochSecond).orElse(0L).doubleValue());
        Meters.gauge(registry, "ssm.usage.pending", "Usage reports waiting for delivery or acknowledgement", "reports",
                store, s -> count(s, UsageCounts::pending));
        Meters.gauge(registry, "ssm.usage.dead",
                "Usage reports the server refused for good, waiting for an operator to retry or discard them", "reports",
                store, s -> count(s, UsageCounts::dead));
        Meters.gauge(registry, "ssm.usage.acknowledgements",
                "Acknowledgements received and not yet taken by the application for their devices", "acknowledgements",
                store, s -> count(s, UsageCounts::acknowledgements));
        Meters.gauge(registry, "ssm.licenses", "Licenses in the last pull", "licenses", licensesInLastPull, AtomicLong::doubleValue);
    }

    /**
     * {@return when the last successful sync finished, as the store's outcomes say; empty before any}
     */
    public Optional<Instant> lastSuccess() {
        try {
            store.lastOutcome().ifPresent(this::recorded);
        } catch (SsmException e) {
            // unreadable now: what was seen before stands
        }
        return Optional.ofNullable(lastSuccess.get());
    }

    /**
     * Notes an outcome this client recorded or read.
     *
     * @param outcome the outcome
     */
    void recorded(SyncOutcome outcome) {
        if (outcome.success()) {
            lastSuccess.accumulateAndGet(outcome.finishedAt(), (a, b) -> a == null || b.isAfter(a) ? b : a);
        }
    }

    /**
     * Counts a sync.
     *
     * @param succeeded whether it succeeded
     * @param nanos how long it took
     */
    void ran(boolean succeeded, long nanos) {
        String tag = succeeded ? "success" : "failure";
        Meters.count(registry, "ssm.sync.runs", "Sync runs", "runs", "outcome", tag);
        Meters.time(registry, "ssm.sync.duration", "Sync duration", nanos, "outcome", tag);
    }

    /**
     * Sets the licenses of the last pull.
     *
     * @param licenses how many
     */
    void pulled(long licenses) {
        licensesInLastPull.set(licenses);
    }

    private static double count(SyncStore store, ToIntFunction<UsageCounts> which) {
        try {
            return which.applyAsInt(store.counts());
        } catch (SsmException e) {
            return Double.NaN;
        }
    }
}
