package io.github.ssmonprem.sync.internal.usage;

import io.github.ssmonprem.core.Sleeper;
import io.github.ssmonprem.core.exception.SsmException;
import io.github.ssmonprem.core.exception.SsmServiceException;
import io.github.ssmonprem.sync.internal.usage.UsageProtocol.AccountIds;
import io.github.ssmonprem.sync.internal.usage.UsageProtocol.AckEntry;
import io.github.ssmonprem.sync.internal.usage.UsageProtocol.Poll;
import io.github.ssmonprem.sync.internal.usage.UsageProtocol.Upload;
import io.github.ssmonprem.sync.lock.SyncLease;
import io.github.ssmonprem.sync.lock.SyncLockException;
import io.github.ssmonprem.sync.store.DeadLetter;
import io.github.ssmonprem.sync.store.DeliveredReport;
import io.github.ssmonprem.sync.store.PendingReport;
import io.github.ssmonprem.sync.store.ReportState;
import io.github.ssmonprem.sync.store.SyncStore;
import io.github.ssmonprem.sync.store.SyncStoreException;
import io.github.ssmonprem.sync.usage.Acknowledgement;
import io.github.ssmonprem.sync.usage.DeliveryResult;
import io.github.ssmonprem.sync.usage.ReportStatus;
import io.github.ssmonprem.sync.usage.ServerMessage;
import io.github.ssmonprem.sync.usage.Sudi;
import io.github.ssmonprem.sync.usage.UsageReport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers usage reports, the one path for a submission and for the pending set: claim, upload, poll
 * rounds, acknowledgement. Reports not uploaded yet are uploaded (the oldest alone first, which checks
 * that the server is up, then the rest with bounded concurrency), each accepted upload's poll id is
 * stored at once, then the acknowledgements of all of them are polled together, round by round,
 * waiting what the server asks between rounds (within bounds), until each is in or the
 * acknowledgement timeout passes. Acknowledgements are stored the moment they arrive, with the
 * report's move to the delivered ones, then handed to the listener.
 *
 * <p>What the server's answers mean: {@code FAILED} for reports it already has makes the report
 * delivered ({@link ReportStatus#ALREADY_RECEIVED}), any other {@code FAILED} or a 4xx refusal a dead
 * letter; a poll id the server no longer knows makes the report be uploaded again; a server that is
 * down or unreachable stops the delivery and leaves the rest pending, each with why.
 *
 * <p>Each report is worked on by one thread of this node at a time (a submission and a delivery of
 * the pending set never take the same report), and by one node at a time through its claim in the
 * store ({@link Claims}). Deliveries of different reports run at the same time.
 */
public final class UsageDelivery {

    private static final Logger LOG = LoggerFactory.getLogger(UsageDelivery.class);
    /** The wait between polls when the server does not say. */
    static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(5);
    /** The shortest wait between polls, whatever the server says. */
    static final Duration MIN_POLL_INTERVAL = Duration.ofSeconds(1);

    /**
     * How deliveries behave.
     *
     * @param owner this node's name for its claims, unique among the store's users
     * @param claimLease how long a claim holds unless renewed
     * @param ackTimeout how long one delivery polls for acknowledgements
     * @param concurrency how many uploads run at once
     * @param maxPollInterval the longest wait between polls, whatever the server asks
     * @param maxUploadBytes the largest upload body; larger reports are split
     */
    public record Settings(String owner, Duration claimLease, Duration ackTimeout, int concurrency, Duration maxPollInterval,
            int maxUploadBytes) {
    }

    private final UsageProtocol protocol;
    private final SyncStore store;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Settings settings;
    private final Consumer<Acknowledgement> listener;
    /** The reports a thread of this node is delivering: no other thread of this node takes them meanwhile. */
    private final Set<String> inDelivery = ConcurrentHashMap.newKeySet();

    /**
     * Creates the delivery.
     *
     * @param protocol the wire protocol
     * @param store the store
     * @param clock the client's clock
     * @param sleeper how to wait between polls
     * @param settings the settings
     * @param listener called with each acknowledgement once it is stored
     */
    public UsageDelivery(UsageProtocol protocol, SyncStore store, Clock clock, Sleeper sleeper, Settings settings,
            Consumer<Acknowledgement> listener) {
        this.protocol = protocol;
        this.store = store;
        this.clock = clock;
        this.sleeper = sleeper;
        this.settings = settings;
        this.listener = listener;
    }

    /**
     * Stores a report durably, claimed by this node (split into several when its upload would exceed
     * {@link Settings#maxUploadBytes()}), then delivers it. A part whose id is known is not stored
     * again: a delivered or dead one returns its state and is not sent; a pending one this node can
     * claim is delivered now.
     *
     * @param report the report
     * @return one result per part, in order
     * @throws SyncStoreException when a part cannot be stored; nothing of it was sent (parts stored
     *     before it stay pending)
     */
    public List<DeliveryResult> submit(UsageReport report) {
        List<UsageReport> parts = UploadSplitter.split(report, settings.maxUploadBytes(), clock);
        Claims claims = new Claims(store, clock, settings.owner(), settings.claimLease(), null);
        Map<String, DeliveryResult> results = new LinkedHashMap<>();
        List<PendingReport> mine = new ArrayList<>();
        try {
            for (UsageReport part : parts) {
                results.put(part.reportId(), null);
                if (!inDelivery.add(part.reportId())) {
                    results.put(part.reportId(), pending(part.reportId(), null, "being delivered by another call on this node", null));
                    continue;
                }
                Instant before = clock.instant();
                Optional<ReportState> known;
                try {
                    known = store.add(part, settings.owner(), settings.claimLease());
                } catch (RuntimeException e) {
                    inDelivery.remove(part.reportId());
                    throw e;
                }
                if (known.isEmpty()) {
                    mine.add(claims.added(PendingReport.of(part, before), before));
                } else {
                    PendingReport resumed = known.get().status() == ReportStatus.PENDING ? claims.hold(known.get().pending()) : null;
                    if (resumed != null) {
                        mine.add(resumed);
                    } else {
                        inDelivery.remove(part.reportId());
                        results.put(part.reportId(), known(known.get()));
                    }
                }
            }
            for (DeliveryResult r : deliver(mine, claims)) {
                results.put(r.reportId(), r);
            }
        } finally {
            mine.forEach(e -> inDelivery.remove(e.reportId()));
        }
        return results.values().stream().filter(java.util.Objects::nonNull).toList();
    }

    /**
     * Delivers every pending report that no other node holds and no other thread of this node is
     * delivering.
     *
     * @param lease the sync lease this delivery runs under, checked before each upload and store
     *     write; null when it runs under none
     * @return one result per report it worked on, oldest first
     * @throws SyncLockException when the lease was lost or could not be checked: the delivery stopped
     *     before its next upload or write
     */
    public List<DeliveryResult> deliverPending(SyncLease lease) {
        Claims claims = new Claims(store, clock, settings.owner(), settings.claimLease(), lease);
        List<PendingReport> mine = new ArrayList<>();
        for (PendingReport entry : claims.takeAll()) {
            if (inDelivery.add(entry.reportId())) {
                mine.add(entry);
            }
        }
        try {
            return deliver(mine, claims);
        } finally {
            mine.forEach(e -> inDelivery.remove(e.reportId()));
        }
    }

    /** What a report whose id is known stands at, for a submission that sends nothing. */
    private DeliveryResult known(ReportState state) {
        switch (state.status()) {
            case DEAD: {
                DeadLetter d = state.deadLetter();
                return new DeliveryResult(state.reportId(), ReportStatus.DEAD, d.entry().pollId(), d.acknowledgements(),
                        "a dead letter: refused by the server (" + d.server().describe() + "); retry or discard it", d.server(), null);
            }
            case PENDING: {
                PendingReport p = state.pending();
                return pending(p.reportId(), p.pollId(), "claimed for delivery by node " + p.claimOwner() + " until " + p.claimedUntil()
                        + ", which delivers it", null);
            }
            default: {
                DeliveredReport d = state.delivered();
                return new DeliveryResult(state.reportId(), d.status(), d.pollId(), d.acknowledgements(),
                        "delivered already, at " + d.deliveredAt() + "; nothing was sent", d.server(), null);
            }
        }
    }

    private static DeliveryResult pending(String reportId, String pollId, String why, SsmException failure) {
        return new DeliveryResult(reportId, ReportStatus.PENDING, pollId, List.of(), why, null, failure);
    }

    /** A report being polled for, with what the poll needs. */
    private static final class Polling {
        PendingReport entry;
        final AccountIds ids;
        Duration wait;
        boolean noted;

        Polling(PendingReport entry, AccountIds ids, Duration wait) {
            this.entry = entry;
            this.ids = ids;
            this.wait = wait;
        }

        Sudi device() {
            return entry.report().devices().get(0);
        }
    }

    /** One delivery of claimed reports: the one path. */
    private List<DeliveryResult> deliver(List<PendingReport> entries, Claims claims) {
        if (entries.isEmpty()) {
            return List.of();
        }
        Map<String, DeliveryResult> results = new ConcurrentHashMap<>();
        List<Polling> polling = Collections.synchronizedList(new ArrayList<>());
        List<PendingReport> split = Collections.synchronizedList(new ArrayList<>());
        List<PendingReport> toUpload = new ArrayList<>();
        AtomicReference<SsmException> serverDown = new AtomicReference<>();
        AtomicReference<SyncLockException> lost = new AtomicReference<>();
        for (PendingReport entry : entries) {
            if (entry.pollId() == null) {
                toUpload.add(entry);
            } else {
                try {
                    polling.add(new Polling(entry, protocol.ids(entry.report().account(), entry.report().virtualAccount()), Duration.ZERO));
                } catch (SsmException e) {
                    record(results, serverDown, failed(entry, e, claims));
                }
            }
        }
        uploadAll(toUpload, claims, results, polling, split, serverDown, lost);
        if (lost.get() != null) {
            throw lost.get();
        }
        if (serverDown.get() == null) {
            pollRounds(new ArrayList<>(polling), claims, results, serverDown);
        } else {
            polling.forEach(p -> leave(p.entry, claims, results, "the server failed on another report first ("
                    + serverDown.get().getClass().getSimpleName() + "); polling resumes at the next delivery"));
        }
        List<DeliveryResult> ordered = new ArrayList<>();
        for (PendingReport entry : entries) {
            DeliveryResult r = results.get(entry.reportId());
            if (r == null && serverDown.get() != null) {
                claims.release(entry);
                r = pending(entry.reportId(), entry.pollId(), "not attempted: the server failed on another report first ("
                        + serverDown.get().getMessage() + ")", null);
            }
            if (r != null) {
                ordered.add(r);
            }
        }
        if (!split.isEmpty()) {
            try {
                ordered.addAll(serverDown.get() == null ? deliver(List.copyOf(split), claims) : List.of());
            } finally {
                split.forEach(e -> inDelivery.remove(e.reportId()));
            }
        }
        return ordered;
    }

    private void record(Map<String, DeliveryResult> results, AtomicReference<SsmException> serverDown, Outcome outcome) {
        results.put(outcome.result.reportId(), outcome.result);
        if (outcome.serverWide && outcome.result.failure() != null) {
            serverDown.compareAndSet(null, outcome.result.failure());
        }
    }

    /** A report's result, and whether its failure concerns the whole server. */
    private record Outcome(DeliveryResult result, boolean serverWide) {
    }

    private void uploadAll(List<PendingReport> toUpload, Claims claims, Map<String, DeliveryResult> results, List<Polling> polling,
            List<PendingReport> split, AtomicReference<SsmException> serverDown, AtomicReference<SyncLockException> lost) {
        if (toUpload.isEmpty()) {
            return;
        }
        uploadOne(toUpload.get(0), claims, results, polling, split, serverDown, lost);
        List<PendingReport> rest = toUpload.subList(1, toUpload.size());
        if (rest.isEmpty() || serverDown.get() != null || lost.get() != null) {
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(settings.concurrency(), rest.size()), r -> {
            Thread t = new Thread(r, "ssm-usage-upload");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> work = new ArrayList<>();
            for (PendingReport entry : rest) {
                work.add(pool.submit(() -> {
                    if (serverDown.get() == null && lost.get() == null) {
                        uploadOne(entry, claims, results, polling, split, serverDown, lost);
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
    private void uploadOne(PendingReport entry, Claims claims, Map<String, DeliveryResult> results, List<Polling> polling,
            List<PendingReport> split, AtomicReference<SsmException> serverDown, AtomicReference<SyncLockException> lost) {
        try {
            PendingReport mine = claims.hold(entry);
            if (mine == null) {
                return;                              // another node took it over: it is that node's to deliver
            }
            AccountIds ids;
            try {
                ids = protocol.ids(mine.report().account(), mine.report().virtualAccount());
            } catch (SsmException e) {
                record(results, serverDown, failed(mine, e, claims));
                return;
            }
            if (mine.pollId() != null) {
                polling.add(new Polling(mine, ids, Duration.ZERO));   // another node had it accepted meanwhile
                return;
            }
            Polling accepted = upload(mine, ids, claims, results, split, serverDown);
            if (accepted != null) {
                polling.add(accepted);
            }
        } catch (SyncLockException e) {
            lost.compareAndSet(null, e);
        }
    }

    /** Uploads a report; returns it to poll for when accepted, else records its result and returns null. */
    private Polling upload(PendingReport entry, AccountIds ids, Claims claims, Map<String, DeliveryResult> results,
            List<PendingReport> split, AtomicReference<SsmException> serverDown) {
        Upload answer;
        try {
            claims.fence();
            answer = protocol.upload(entry.report(), ids);
        } catch (SyncLockException e) {
            throw e;
        } catch (SsmException e) {
            record(results, serverDown, failed(entry, e, claims));
            return null;
        } catch (RuntimeException e) {
            // A report that cannot be encoded or sent must not block the others: a dead letter, with why.
            String why = "cannot be encoded or sent (" + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")";
            results.put(entry.reportId(), dead(entry, 0, new ServerMessage(null, null, null, null), why, List.of(), claims));
            return null;
        }
        switch (answer.status()) {
            case ACCEPTED: {
                PendingReport accepted = entry.withUpload(answer.pollId(), answer.nonce());
                if (!claims.write(accepted)) {
                    LOG.debug("Usage report {} was taken over by another node while this node uploaded it", entry.reportId());
                    results.put(entry.reportId(), pending(entry.reportId(), answer.pollId(), "uploaded, but another node took over its "
                            + "claim meanwhile; that node polls for its acknowledgement", null));
                    return null;
                }
                return new Polling(accepted, ids, bounded(answer.pollInterval(), Duration.ZERO));
            }
            case ALREADY_RECEIVED:
                if (entry.report().reports().size() > 1) {
                    results.put(entry.reportId(), splitUp(entry, answer.server(), claims, split));
                } else {
                    results.put(entry.reportId(), delivered(entry, ReportStatus.ALREADY_RECEIVED, List.of(), answer.server(), null,
                            "the server already has it (" + answer.server().describe() + "); no acknowledgement came with this upload",
                            claims));
                }
                return null;
            default:
                results.put(entry.reportId(), dead(entry, answer.httpStatus(), answer.server(),
                        "the upload was refused (" + answer.server().describe() + ")", List.of(), claims));
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
    private DeliveryResult splitUp(PendingReport entry, ServerMessage server, Claims claims, List<PendingReport> split) {
        UsageReport report = entry.report();
        int middle = report.reports().size() / 2;
        List<String> parts = new ArrayList<>();
        try {
            for (List<io.github.ssmonprem.sync.usage.RumReport> half : List.of(report.reports().subList(0, middle),
                    report.reports().subList(middle, report.reports().size()))) {
                UsageReport part = UsageReport.of(report.account(), report.virtualAccount(), half, clock);
                parts.add(part.reportId());
                Instant before = clock.instant();
                Optional<ReportState> known = store.add(part, settings.owner(), settings.claimLease());
                PendingReport mine = known.isEmpty() ? claims.added(PendingReport.of(part, before), before)
                        : known.get().status() == ReportStatus.PENDING ? claims.hold(known.get().pending()) : null;
                if (mine != null && inDelivery.add(mine.reportId())) {
                    split.add(mine);
                }
            }
        } catch (SsmException e) {
            return failed(entry, e, claims).result();
        }
        LOG.info("Usage report {}: the server already has some of its {} RUM reports; split into {}, each delivered on its own",
                entry.reportId(), report.reports().size(), parts);
        return delivered(entry, ReportStatus.ALREADY_RECEIVED, List.of(), server, null, "the server already had some of its RUM "
                + "reports (" + server.describe() + "); split into " + String.join(" and ", parts) + ", each delivered on its own", claims);
    }

    /** Polls the accepted reports round by round until each is done or the acknowledgement timeout passes. */
    private void pollRounds(List<Polling> waiting, Claims claims, Map<String, DeliveryResult> results,
            AtomicReference<SsmException> serverDown) {
        Instant started = clock.instant();
        Instant deadline = started.plus(settings.ackTimeout());
        Duration wait = waiting.stream().map(p -> p.wait).max(Duration::compareTo).orElse(Duration.ZERO);
        while (!waiting.isEmpty()) {
            if (!wait.isZero()) {
                if (Duration.between(clock.instant(), deadline).compareTo(wait) < 0) {
                    String why = "no acknowledgement after " + seconds(Duration.between(started, clock.instant())) + "; the server asks "
                            + "to poll again in " + seconds(wait) + ", after the acknowledgement timeout of " + seconds(settings.ackTimeout())
                            + "; polling resumes at the next delivery";
                    waiting.forEach(p -> leave(p.entry, claims, results, p.noted ? why + "; " + p.entry.lastError() : why));
                    return;
                }
                try {
                    sleeper.sleep(wait);
                } catch (InterruptedException e) {
                    // Release first: on an interrupted thread a file store's lock cannot be taken.
                    waiting.forEach(p -> leave(p.entry, claims, results, "interrupted while waiting for the acknowledgement; "
                            + "polling resumes at the next delivery"));
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            List<Polling> still = new ArrayList<>();
            Duration next = Duration.ZERO;
            for (int i = 0; i < waiting.size(); i++) {
                Polling p = waiting.get(i);
                try {
                    if (pollOnce(p, claims, results)) {
                        still.add(p);
                        next = next.compareTo(p.wait) < 0 ? p.wait : next;
                    }
                } catch (SyncLockException e) {
                    throw e;
                } catch (SsmException e) {
                    Outcome outcome = failed(p.entry, e, claims);
                    record(results, serverDown, outcome);
                    if (outcome.serverWide) {
                        String why = "the server failed while polling (" + e.getClass().getSimpleName() + "); polling resumes at the next delivery";
                        waiting.subList(i + 1, waiting.size()).forEach(q -> leave(q.entry, claims, results, why));
                        still.forEach(q -> leave(q.entry, claims, results, why));
                        return;
                    }
                }
            }
            waiting = still;
            wait = next;
        }
    }

    /** Polls one report once; true when it is still to poll (its wait set), false when it is done. */
    private boolean pollOnce(Polling p, Claims claims, Map<String, DeliveryResult> results) {
        PendingReport held = claims.hold(p.entry);
        if (held == null) {
            return false;                            // another node took it over
        }
        p.entry = held;
        Poll answer = protocol.poll(p.ids, p.device(), held.pollId(), held.nonce());
        switch (answer.status()) {
            case COMPLETE:
                results.put(held.reportId(), complete(held, answer, claims));
                return false;
            case NOT_READY:
                if (answer.server().hasMessage() && !p.noted) {
                    p.noted = true;
                    LOG.warn("Usage report {}: the server is not done with poll {} and says {}", held.reportId(), held.pollId(),
                            answer.server().describe());
                    p.entry = held.withNote("the server says " + answer.server().describe());
                }
                p.wait = bounded(answer.pollInterval(), DEFAULT_POLL_INTERVAL);
                return true;
            case UNKNOWN_POLL: {
                LOG.info("Usage report {}: the server no longer knows poll {} ({}); uploading the report again", held.reportId(),
                        held.pollId(), answer.server().describe());
                Upload again = protocol.upload(held.report(), p.ids);
                switch (again.status()) {
                    case ACCEPTED: {
                        PendingReport accepted = held.withUpload(again.pollId(), again.nonce());
                        if (!claims.write(accepted)) {
                            return false;
                        }
                        p.entry = accepted;
                        p.wait = bounded(again.pollInterval(), DEFAULT_POLL_INTERVAL);
                        return true;
                    }
                    case ALREADY_RECEIVED:
                        results.put(held.reportId(), delivered(held, ReportStatus.ALREADY_RECEIVED, List.of(), again.server(), null,
                                "the server has these reports, but no longer knows poll " + held.pollId()
                                        + ", so no acknowledgement can be fetched for them", claims));
                        return false;
                    default:
                        results.put(held.reportId(), dead(held, again.httpStatus(), again.server(),
                                "uploaded again after its poll id was unknown, and refused (" + again.server().describe() + ")", List.of(), claims));
                        return false;
                }
            }
            default:
                if (protocol.isAlreadyReceived(answer.server())) {
                    results.put(held.reportId(), delivered(held, ReportStatus.ALREADY_RECEIVED, List.of(), answer.server(), held.pollId(),
                            "the server already has these reports (" + answer.server().describe() + ")", claims));
                } else {
                    results.put(held.reportId(), dead(held, 200, answer.server(),
                            "the server refused the reports after accepting the upload (" + answer.server().describe() + ")", List.of(), claims));
                }
                return false;
        }
    }

    /** A {@code COMPLETE} answer: one acknowledgement per device, matched by SUDI. */
    private DeliveryResult complete(PendingReport entry, Poll answer, Claims claims) {
        UsageReport report = entry.report();
        List<Sudi> devices = report.devices();
        Instant now = clock.instant();
        Map<Sudi, Acknowledgement> acks = new LinkedHashMap<>();
        List<String> refused = new ArrayList<>();
        for (AckEntry a : answer.acknowledgements()) {
            int index = devices.indexOf(a.sudi());
            if (index < 0) {
                LOG.warn("Usage report {}: the server acknowledged device {}, which is not in the report; ignored", entry.reportId(), a.sudi());
            } else if (a.error() != null) {
                refused.add(a.sudi() + " (" + a.error() + ")");
            } else {
                acks.putIfAbsent(a.sudi(), new Acknowledgement(report.reportId() + "-" + (index + 1), report.reportId(), report.account(),
                        report.virtualAccount(), a.sudi(), a.softwareTag(), report.reportIdsOf(a.sudi()), a.smartLicense(),
                        answer.server().correlationId(), now));
            }
        }
        List<Acknowledgement> received = List.copyOf(acks.values());
        if (!refused.isEmpty()) {
            return dead(entry, 200, answer.server(), "the server refused the reports of " + String.join(", ", refused)
                    + (received.isEmpty() ? "" : "; the acknowledgements of the other devices are kept"), received, claims);
        }
        List<Sudi> missing = devices.stream().filter(d -> !acks.containsKey(d)).toList();
        String detail = null;
        if (!missing.isEmpty()) {
            detail = "the server completed the upload without an acknowledgement for " + missing.size() + " of its devices: "
                    + missing.stream().map(Sudi::toString).collect(java.util.stream.Collectors.joining(", "));
            LOG.warn("Usage report {}: {}; those devices get no acknowledgement from it", entry.reportId(), detail);
        }
        return delivered(entry, ReportStatus.DELIVERED, received, answer.server(), entry.pollId(), detail, claims);
    }

    /** Records that the server has a report, with its acknowledgements, durably; then hands them to the listener. */
    private DeliveryResult delivered(PendingReport entry, ReportStatus status, List<Acknowledgement> acks, ServerMessage server,
            String pollId, String detail, Claims claims) {
        boolean recorded;
        try {
            recorded = store.acknowledge(new DeliveredReport(entry.reportId(), status, clock.instant(), pollId, server, acks));
        } catch (SyncStoreException e) {
            LOG.warn("Usage report {} was acknowledged, but the store could not record it ({}); the next delivery polls for it again",
                    entry.reportId(), e.getMessage());
            claims.release(entry);
            return new DeliveryResult(entry.reportId(), ReportStatus.PENDING, pollId, List.of(),
                    "acknowledged by the server, but not recorded in the store (" + e.getMessage() + "); the next delivery polls for it again",
                    server, e);
        }
        claims.forget(entry);
        if (recorded) {
            LOG.debug("Usage report {} {} with {} acknowledgements", entry.reportId(), status == ReportStatus.DELIVERED ? "acknowledged"
                    : "already received", acks.size());
            notifyListener(acks);
        }
        return new DeliveryResult(entry.reportId(), status, pollId, acks, detail, server, null);
    }

    /** Moves a report the server refused for good to the dead letters (with any acknowledgements that did arrive). */
    private DeliveryResult dead(PendingReport entry, int httpStatus, ServerMessage server, String why, List<Acknowledgement> acks,
            Claims claims) {
        try {
            claims.fence();
            if (store.refuse(new DeadLetter(entry.withFailure(why).withClaim(null, null), httpStatus, server, clock.instant(), acks),
                    claims.owner())) {
                claims.forget(entry);
                LOG.warn("Usage report {} was refused by the server and moved to the dead letters: {}; fix the cause, then retry or "
                        + "discard it", entry.reportId(), why);
                notifyListener(acks);
                return new DeliveryResult(entry.reportId(), ReportStatus.DEAD, entry.pollId(), acks, why, server, null);
            }
            claims.forget(entry);
            return pending(entry.reportId(), entry.pollId(), "refused by the server (" + why + "), but another node had taken over "
                    + "its claim; that node delivers it", null);
        } catch (SyncLockException e) {
            throw e;
        } catch (SsmException e) {
            LOG.warn("Could not move refused usage report {} to the dead letters ({}); it stays pending", entry.reportId(), e.getMessage());
            claims.release(entry);
            return pending(entry.reportId(), entry.pollId(), "refused by the server (" + why + "), but the store could not make it a "
                    + "dead letter (" + e.getMessage() + "); it stays pending", e);
        }
    }

    /**
     * A failed attempt: a dead letter when the server refused the report for good (a 4xx other than
     * 401, 408 and 429), else one more failure on the pending report, whose claim it releases.
     */
    private Outcome failed(PendingReport entry, SsmException e, Claims claims) {
        if (e instanceof SsmServiceException refusal && refusedForGood(refusal.statusCode())) {
            ServerMessage server = new ServerMessage("HTTP " + refusal.statusCode(), refusal.errorCode(), refusal.serverMessage(), null);
            return new Outcome(dead(entry, refusal.statusCode(), server, e.getMessage(), List.of(), claims), false);
        }
        String why = e.getClass().getSimpleName() + ": " + e.detail();
        if (claims.holds(entry)) {
            try {
                if (!claims.write(entry.withFailure(why).withClaim(null, null))) {
                    LOG.debug("Usage report {} was taken over by another node", entry.reportId());
                }
            } catch (SyncLockException lost) {
                throw lost;
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
    private static void leave(PendingReport entry, Claims claims, Map<String, DeliveryResult> results, String why) {
        claims.release(entry);
        results.put(entry.reportId(), pending(entry.reportId(), entry.pollId(), why, null));
    }

    private void notifyListener(List<Acknowledgement> acks) {
        for (Acknowledgement a : acks) {
            try {
                listener.accept(a);
            } catch (RuntimeException e) {
                LOG.warn("An acknowledgement listener failed on {} ({}); the acknowledgement stays in the store until taken", a.id(),
                        e.getClass().getSimpleName());
            }
        }
    }

    /** The wait the server asked for, within bounds; {@code absent} when it asked for none (or for less than nothing). */
    private Duration bounded(Duration asked, Duration absent) {
        if (asked == null || asked.isNegative()) {
            return absent;
        }
        if (asked.compareTo(settings.maxPollInterval()) > 0) {
            LOG.debug("The server asks to wait {} between polls; waiting at most {} (maxPollInterval)", asked, settings.maxPollInterval());
            return settings.maxPollInterval();
        }
        return asked.compareTo(MIN_POLL_INTERVAL) < 0 ? MIN_POLL_INTERVAL : asked;
    }

    private static String seconds(Duration d) {
        return d.toSeconds() + " s";
    }

    /** Whether a status refuses the report itself, for good: a 4xx other than 401, 408 and 429. */
    static boolean refusedForGood(int status) {
        return status >= 400 && status < 500 && status != 401 && status != 408 && status != 429;
    }
}
