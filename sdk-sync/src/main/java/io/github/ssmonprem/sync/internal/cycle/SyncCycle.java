package io.github.ssmonprem.sync.internal.cycle;

import io.github.ssmonprem.auth.OAuthTokenProvider;
import io.github.ssmonprem.core.exception.SsmException;
import io.github.ssmonprem.core.internal.SdkMdc;
import io.github.ssmonprem.core.internal.SdkObservations;
import io.github.ssmonprem.sync.AccountSelection;
import io.github.ssmonprem.sync.SyncDeadlineExceededException;
import io.github.ssmonprem.sync.SyncResult;
import io.github.ssmonprem.sync.internal.LicenseService;
import io.github.ssmonprem.sync.internal.SyncDeadline;
import io.github.ssmonprem.sync.internal.SyncFailures;
import io.github.ssmonprem.sync.internal.usage.UsageDelivery;
import io.github.ssmonprem.sync.lock.SyncLease;
import io.github.ssmonprem.sync.lock.SyncLockException;
import io.github.ssmonprem.sync.store.SyncOutcome;
import io.github.ssmonprem.sync.store.SyncStore;
import io.github.ssmonprem.sync.usage.DeliveryResult;
import io.github.ssmonprem.sync.usage.ReportStatus;
import io.github.ssmonprem.sync.usage.UsageDeliveryException;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One sync, the order written once: the token, the licenses of every configured account (at most half
 * of the sync's time), the pending usage (the rest of it), the outcome. A step's failure does not hold
 * back the next: a failed license pull leaves the usage, which the server may well accept, to go ahead.
 * A lost sync lease ends the sync. The sync runs in the observation {@code ssm.sync}, with the MDC keys
 * {@code ssm.sync.id} and {@code ssm.node} on its thread until it ends.
 */
public final class SyncCycle {

    private static final Logger LOG = LoggerFactory.getLogger(SyncCycle.class);

    private final OAuthTokenProvider tokens;
    private final LicenseStep licenses;
    private final UsageDelivery usage;
    private final OutcomeStep outcome;
    private final Clock clock;
    private final Duration timeout;
    private final String node;
    private final ObservationRegistry observations;

    /**
     * Creates the cycle of a client.
     *
     * @param parts what the client's sync uses
     * @param accounts the accounts whose licenses it pulls; none for a client that only delivers usage
     * @param timeout the limit of one sync
     * @param node the client's node name
     */
    public SyncCycle(Parts parts, List<AccountSelection> accounts, Duration timeout, String node) {
        this.tokens = parts.tokens();
        this.licenses = accounts.isEmpty() ? null
                : new LicenseStep(parts.licenses(), parts.store(), accounts, parts.clock(), parts.metrics());
        this.usage = parts.usage();
        this.outcome = new OutcomeStep(parts.store(), parts.clock(), node, parts.metrics());
        this.clock = parts.clock();
        this.timeout = timeout;
        this.node = node;
        this.observations = parts.observations();
    }

    /**
     * The parts of a client a sync uses.
     *
     * @param tokens the token provider
     * @param licenses the license pull
     * @param usage the usage delivery
     * @param store the store
     * @param metrics the client's metrics
     * @param clock the client's clock
     * @param observations the observation registry
     */
    public record Parts(OAuthTokenProvider tokens, LicenseService licenses, UsageDelivery usage, SyncStore store, SyncMetrics metrics,
            Clock clock, ObservationRegistry observations) {
    }

    /**
     * Runs one sync, observed. Failures are in the result, not thrown.
     *
     * @param lease the sync lease it runs under, or null
     * @return the result
     */
    public SyncResult run(SyncLease lease) {
        Observation observation = SdkObservations.start(observations, SdkObservations.SYNC, "ssm sync");
        try (SdkMdc.Scope mdc = SdkMdc.put(SdkMdc.SYNC_ID, UUID.randomUUID().toString()).and(SdkMdc.put(SdkMdc.NODE, node));
                Observation.Scope scope = observation.openScope()) {
            SyncResult result = steps(lease);
            result.failure().ifPresentOrElse(e -> SdkObservations.fail(observation, e, "failure"),
                    () -> SdkObservations.stop(observation, "success"));
            return result;
        } catch (RuntimeException | Error e) {
            SdkObservations.fail(observation, e, "failure");
            throw e;
        }
    }

    private SyncResult steps(SyncLease lease) {
        Instant started = clock.instant();
        long startNanos = System.nanoTime();
        SyncDeadline deadline = SyncDeadline.after(clock, timeout);
        LicenseStep.Pulled pulled;
        if (licenses == null) {
            LOG.warn("No smart account is configured: this sync pulls no licenses and only delivers pending usage. "
                    + "Name the accounts to sync to pull licenses: SsmSyncClientBuilder.account(...), or ssm.onprem.accounts "
                    + "with the Spring Boot starter.");
            pulled = new LicenseStep.Pulled(Map.of(), 0, null);
        } else {
            pulled = licenses.run(tokens::token, lease, deadline.atMost(timeout.dividedBy(2)));
        }
        List<DeliveryResult> deliveries = new ArrayList<>();
        SsmException usageFailure = pulled.failure() instanceof SyncLockException lost ? lost : usage(deadline, deliveries);
        List<SyncOutcome.Step> steps = new ArrayList<>();
        if (licenses != null) {
            steps.add(SyncFailures.step("licenses", pulled.failure()));
        }
        steps.add(SyncFailures.step("usage", usageFailure));
        SsmException failure = pulled.failure() != null ? pulled.failure() : usageFailure;
        return outcome.record(new OutcomeStep.Done(started, startNanos, pulled, deliveries, steps, failure), lease);
    }

    /** The usage step: delivers the pending reports; a dead letter or a failed attempt fails it, a wait for an acknowledgement does not. */
    private SsmException usage(SyncDeadline deadline, List<DeliveryResult> deliveries) {
        SsmException failure = step(() -> deliveries.addAll(usage.deliverPending(deadline)));
        if (failure == null) {
            failure = deliveries.stream().filter(d -> d.status() == ReportStatus.DEAD || d.failure() != null).findFirst()
                    .map(d -> (SsmException) new UsageDeliveryException(d)).orElse(null);
        }
        return overrun("usage", deadline, failure, deliveries.stream().filter(d -> !d.delivered()).count()
                + " of the reports it worked on still pending, delivered by the next sync");
    }

    /** Runs a step, returning its failure instead of throwing it. */
    static SsmException step(Runnable body) {
        try {
            body.run();
            return null;
        } catch (SsmException e) {
            return e;
        } catch (RuntimeException e) {
            return SyncFailures.unexpected(e);
        }
    }

    /**
     * A step's failure, as a {@link SyncDeadlineExceededException} when its deadline passed (whatever
     * the failure it caused); otherwise unchanged.
     */
    static SsmException overrun(String step, SyncDeadline deadline, SsmException failure, String what) {
        if (failure == null || failure instanceof SyncDeadlineExceededException || !deadline.passed()) {
            return failure;
        }
        return new SyncDeadlineExceededException(step, deadline.at(), deadline.limit(), what, failure);
    }
}
