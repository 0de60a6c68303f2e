package io.github.ssmonprem.sync.internal.usage;

import io.github.ssmonprem.core.exception.SsmException;
import io.github.ssmonprem.core.exception.SsmServiceException;
import io.github.ssmonprem.core.internal.ErrorMapper;
import io.github.ssmonprem.sync.AccountNotFoundException;
import io.github.ssmonprem.sync.internal.usage.Run.Outcome;
import io.github.ssmonprem.sync.store.DeadLetter;
import io.github.ssmonprem.sync.store.DeliveredReport;
import io.github.ssmonprem.sync.store.PendingReport;
import io.github.ssmonprem.sync.store.SyncStore;
import io.github.ssmonprem.sync.store.SyncStoreException;
import io.github.ssmonprem.sync.usage.Acknowledgement;
import io.github.ssmonprem.sync.usage.DeliveryResult;
import io.github.ssmonprem.sync.usage.ReportStatus;
import io.github.ssmonprem.sync.usage.ServerMessage;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a delivery records of a report in the store, and the result it gives: delivered with its
 * acknowledgements (stored before anyone is told), a dead letter, one more failed attempt, or left
 * pending with its claim released. Each result says what really happened to the report, whichever
 * store write succeeded or failed.
 */
final class Outcomes {

    private static final Logger LOG = LoggerFactory.getLogger(Outcomes.class);

    private final SyncStore store;
    private final Clock clock;
    private final Consumer<Acknowledgement> listener;

    Outcomes(SyncStore store, Clock clock, Consumer<Acknowledgement> listener) {
        this.store = store;
        this.clock = clock;
        this.listener = listener;
    }

    /** {@return the current instant to the millisecond, as every store keeps it} */
    Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    static DeliveryResult pending(String reportId, String pollId, String why, SsmException failure) {
        return new DeliveryResult(reportId, ReportStatus.PENDING, pollId, List.of(), why, null, failure);
    }

    /** Records that the server has a report, with its acknowledgements, durably; then hands them to the listener. */
    DeliveryResult delivered(PendingReport entry, ReportStatus status, List<Acknowledgement> acks, ServerMessage server, String pollId,
            String detail, Claims claims) {
        boolean recorded;
        try {
            recorded = store.acknowledge(new DeliveredReport(entry.reportId(), status, now(), pollId, server, acks));
        } catch (SyncStoreException e) {
            LOG.warn("Usage report {} was acknowledged, but the store could not record it ({}); the next delivery polls for it again",
                    entry.reportId(), e.getMessage());
            claims.release(entry);
            return new DeliveryResult(entry.reportId(), ReportStatus.PENDING, pollId, List.of(),
                    "acknowledged by the server, but not recorded in the store (" + e.detail() + "); the next delivery polls for it again",
                    server, e);
        }
        claims.forget(entry);
        if (recorded) {
            LOG.debug("Usage report {} {} with {} acknowledgements", entry.reportId(),
                    status == ReportStatus.DELIVERED ? "acknowledged" : "already received", acks.size());
            tell(acks);
        }
        return new DeliveryResult(entry.reportId(), status, pollId, acks, detail, server, null);
    }

    /** Moves a report the server refused for good to the dead letters (with any acknowledgements that did arrive). */
    DeliveryResult dead(PendingReport entry, int httpStatus, ServerMessage server, String why, List<Acknowledgement> acks, Claims claims) {
        return dead(entry, httpStatus, server, why, acks, claims, null);
    }

    private DeliveryResult dead(PendingReport entry, int httpStatus, ServerMessage server, String why, List<Acknowledgement> acks,
            Claims claims, SsmException failure) {
        try {
            if (store.refuse(new DeadLetter(entry.withFailure(why).withClaim(null, null), httpStatus, server, now(), acks), claims.node())) {
                claims.forget(entry);
                if (failure instanceof AccountNotFoundException) {
                    // Not the server's refusal: a submission discards it at once, a sync reports it as its failure.
                    LOG.debug("Usage report {} cannot be sent and was moved to the dead letters: {}", entry.reportId(), why);
                } else {
                    LOG.warn("Usage report {} was refused by the server and moved to the dead letters: {}; fix the cause, then retry "
                            + "or discard it", entry.reportId(), ErrorMapper.inSentence(why));
                }
                tell(acks);
                return new DeliveryResult(entry.reportId(), ReportStatus.DEAD, entry.pollId(), acks, why, server, failure);
            }
            claims.forget(entry);
            return pending(entry.reportId(), entry.pollId(), "refused by the server (" + why + "), but another node had taken over "
                    + "its claim; that node delivers it", null);
        } catch (SsmException e) {
            LOG.warn("Could not move refused usage report {} to the dead letters ({}); it stays pending", entry.reportId(), e.getMessage());
            claims.release(entry);
            return pending(entry.reportId(), entry.pollId(), "refused by the server (" + why + "), but the store could not make it a "
                    + "dead letter (" + e.detail() + "); it stays pending", e);
        }
    }

    /**
     * A failed attempt: a dead letter when the server refused the report for good (a 4xx other than
     * 401, 408 and 429), or when the API Toolkit grant does not see its account or virtual account (it
     * cannot be sent until an operator gives the grant access and retries it, or discards it); else
     * one more failure on the pending report, whose claim it releases.
     */
    Outcome failed(PendingReport entry, SsmException e, Claims claims) {
        if (e instanceof SsmServiceException refusal && (refusedForGood(refusal.statusCode()) || e instanceof AccountNotFoundException)) {
            ServerMessage server = new ServerMessage("HTTP " + refusal.statusCode(), refusal.errorCode(), refusal.serverMessage(), null);
            return new Outcome(dead(entry, refusal.statusCode(), server, e.detail(), List.of(), claims, e), false);
        }
        String why = e.detail();
        if (claims.holds(entry)) {
            try {
                if (!claims.write(entry.withFailure(why).withClaim(null, null))) {
                    LOG.debug("Usage report {} was taken over by another node", entry.reportId());
                }
            } catch (SsmException notRecorded) {
                LOG.warn("Could not record the failed attempt of usage report {} ({}); it stays pending as it was", entry.reportId(),
                        notRecorded.getClass().getSimpleName());
            }
            claims.forget(entry);
        }
        LOG.debug("Usage report {} stays pending: {}", entry.reportId(), why);
        return new Outcome(pending(entry.reportId(), entry.pollId(), e.detail(), e), e.isServerWide());
    }

    /** Leaves a report pending with why, releasing its claim with its latest delivery state. */
    static void leave(PendingReport entry, Run run, String why) {
        run.claims.release(entry);
        run.put(pending(entry.reportId(), entry.pollId(), why, null));
    }

    private void tell(List<Acknowledgement> acks) {
        for (Acknowledgement a : acks) {
            try {
                listener.accept(a);
            } catch (RuntimeException e) {
                LOG.warn("An acknowledgement listener failed on {} ({}); the acknowledgement stays in the store until taken", a.id(),
                        e.getClass().getSimpleName());
            }
        }
    }

    /** Whether a status refuses the report itself, for good: a 4xx other than 401, 408 and 429. */
    static boolean refusedForGood(int status) {
        return status >= 400 && status < 500 && status != 401 && status != 408 && status != 429;
    }
}
