package io.github.ssmonprem.sync.internal.usage;

import io.github.ssmonprem.core.exception.SsmException;
import io.github.ssmonprem.core.internal.SdkMdc;
import io.github.ssmonprem.sync.internal.usage.UsageProtocol.AccountIds;
import io.github.ssmonprem.sync.internal.usage.UsageProtocol.Upload;
import io.github.ssmonprem.sync.store.PendingReport;
import io.github.ssmonprem.sync.store.ReportState;
import io.github.ssmonprem.sync.store.SyncStore;
import io.github.ssmonprem.sync.usage.ReportStatus;
import io.github.ssmonprem.sync.usage.RumReport;
import io.github.ssmonprem.sync.usage.ServerMessage;
import io.github.ssmonprem.sync.usage.UsageReport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import io.github.ssmonprem.core.internal.DaemonThreads;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upload step of a delivery: the oldest report alone first (which checks that the server is up),
 * then the rest with bounded concurrency; each accepted upload's poll id stored at once, under the
 * report's claim, before it joins the polling. A report the server already has is delivered, or split
 * when it may have part of it; any other refusal is a dead letter.
 */
final class Uploads {

    private static final Logger LOG = LoggerFactory.getLogger(Uploads.class);

    private final UsageProtocol protocol;
    private final SyncStore store;
    private final Clock clock;
    private final UsageDelivery.Settings settings;
    private final Outcomes outcomes;
    private final Set<String> inDelivery;

    Uploads(UsageProtocol protocol, SyncStore store, Clock clock, UsageDelivery.Settings settings, Outcomes outcomes,
            Set<String> inDelivery) {
        this.protocol = protocol;
        this.store = store;
        this.clock = clock;
        this.settings = settings;
        this.outcomes = outcomes;
        this.inDelivery = inDelivery;
    }

    /** Uploads the reports; those accepted join {@link Run#polling}. */
    void uploadAll(List<PendingReport> toUpload, Run run) {
        if (toUpload.isEmpty() || run.stopped()) {
            return;
        }
        uploadOne(toUpload.get(0), run);
        List<PendingReport> rest = toUpload.subList(1, toUpload.size());
        if (rest.isEmpty() || run.stopped()) {
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(settings.concurrency(), rest.size()),
                DaemonThreads.named("ssm-usage-upload"));
        try {
            List<Future<?>> work = new ArrayList<>();
            for (PendingReport entry : rest) {
                work.add(pool.submit(() -> {
                    if (!run.stopped()) {
                        uploadOne(entry, run);
                    }
                }));
            }
            for (Future<?> f : work) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    throw new IllegalStateException("a usage upload failed unexpectedly", e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Uploads one report under its claim; an accepted one joins the polling, with its poll id stored. */
    private void uploadOne(PendingReport entry, Run run) {
        try (SdkMdc.Scope mdc = SdkMdc.put(SdkMdc.REPORT_ID, entry.reportId())) {
            PendingReport mine = run.claims.hold(entry);
            if (mine == null) {
                return;                              // another node took it over: it is that node's to deliver
            }
            AccountIds ids;
            try {
                ids = protocol.ids(mine.report().account(), mine.report().virtualAccount(), run.claims.deadline().at());
            } catch (SsmException e) {
                run.record(outcomes.failed(mine, e, run.claims));
                return;
            }
            if (mine.pollId() != null) {
                run.polling.add(new Polling(mine, ids, Duration.ZERO));   // another node had it accepted meanwhile
                return;
            }
            Polling accepted = upload(mine, ids, run);
            if (accepted != null) {
                run.polling.add(accepted);
            }
        }
    }

    /** Uploads a report; returns it to poll for when accepted, else records its result and returns null. */
    private Polling upload(PendingReport entry, AccountIds ids, Run run) {
        Upload answer;
        try {
            answer = protocol.upload(entry.report(), ids, run.claims.deadline().at());
        } catch (SsmException e) {
            run.record(outcomes.failed(entry, e, run.claims));
            return null;
        } catch (RuntimeException e) {
            // A report that cannot be encoded or sent must not block the others: a dead letter, with why.
            String why = "cannot be encoded or sent (" + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")";
            run.put(outcomes.dead(entry, 0, new ServerMessage(null, null, null, null), why, List.of(), run.claims));
            return null;
        }
        switch (answer.status()) {
            case ACCEPTED: {
                PendingReport accepted = entry.withUpload(answer.pollId(), answer.nonce());
                if (!run.claims.write(accepted)) {
                    LOG.debug("Usage report {} was taken over by another node while this node uploaded it", entry.reportId());
                    run.put(Outcomes.pending(entry.reportId(), answer.pollId(), "uploaded, but another node took over its "
                            + "claim meanwhile; that node polls for its acknowledgement", null));
                    return null;
                }
                return new Polling(accepted, ids, PollRounds.bounded(answer.pollInterval(), Duration.ZERO, settings.maxPollInterval()));
            }
            case ALREADY_RECEIVED:
                run.put(entry.report().reports().size() > 1 ? splitUp(entry, answer.server(), run)
                        : outcomes.delivered(entry, ReportStatus.ALREADY_RECEIVED, List.of(), answer.server(), null,
                                "the server already has it (" + answer.server().describe() + "); no acknowledgement came with this upload",
                                run.claims));
                return null;
            default:
                run.put(outcomes.dead(entry, answer.httpStatus(), answer.server(),
                        "the upload was refused (" + answer.server().describe() + ")", List.of(), run.claims));
                return null;
        }
    }

    /**
     * A report of several RUM reports the server refused as already received: it may have some of them
     * only, and a refused upload tells not which. The report is split in two halves, each stored
     * (claimed by this node) and delivered on its own, so the new RUM reports still go up and the
     * received ones end as already received, each half splitting again as needed. The halves are
     * stored before the report leaves the pending set: a crash in between leaves it pending, and the
     * next delivery splits it the same way, finding the halves stored.
     */
    private io.github.ssmonprem.sync.usage.DeliveryResult splitUp(PendingReport entry, ServerMessage server, Run run) {
        UsageReport report = entry.report();
        int middle = report.reports().size() / 2;
        List<String> parts = new ArrayList<>();
        try {
            for (List<RumReport> half : List.of(report.reports().subList(0, middle), report.reports().subList(middle, report.reports().size()))) {
                UsageReport part = UsageReport.of(report.account(), report.virtualAccount(), half, clock);
                parts.add(part.reportId());
                Instant before = clock.instant();
                Optional<ReportState> known = store.add(part, settings.node(), settings.claimLease());
                PendingReport mine = known.isEmpty() ? run.claims.added(PendingReport.of(part, before), before)
                        : known.get().status() == ReportStatus.PENDING ? run.claims.hold(known.get().pending()) : null;
                if (mine != null && inDelivery.add(mine.reportId())) {
                    run.split.add(mine);
                }
            }
        } catch (SsmException e) {
            return outcomes.failed(entry, e, run.claims).result();
        }
        LOG.info("Usage report {}: the server already has some of its {} RUM reports; split into {}, each delivered on its own",
                entry.reportId(), report.reports().size(), parts);
        return outcomes.delivered(entry, ReportStatus.ALREADY_RECEIVED, List.of(), server, null, "the server already had some of its RUM "
                + "reports (" + server.describe() + "); split into " + String.join(" and ", parts) + ", each delivered on its own",
                run.claims);
    }
}
