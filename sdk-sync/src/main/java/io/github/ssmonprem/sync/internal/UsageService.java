package io.github.ssmonprem.sync.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.ssmonprem.core.SsmRoutes;
import io.github.ssmonprem.core.exception.SsmException;
import io.github.ssmonprem.core.exception.SsmServiceException;
import io.github.ssmonprem.core.http.AccessTokenSource;
import io.github.ssmonprem.core.http.SsmHttpClient;
import io.github.ssmonprem.core.http.SsmRequest;
import io.github.ssmonprem.core.http.SsmResponse;
import io.github.ssmonprem.core.internal.JsonCodec;
import io.github.ssmonprem.sync.DeliveryResult;
import io.github.ssmonprem.sync.RequestingSystem;
import io.github.ssmonprem.sync.lock.SyncLease;
import io.github.ssmonprem.sync.lock.SyncLockException;
import io.github.ssmonprem.sync.model.UsageReport;
import io.github.ssmonprem.sync.store.DeadLetter;
import io.github.ssmonprem.sync.store.PendingReport;
import io.github.ssmonprem.sync.store.ReportState;
import io.github.ssmonprem.sync.store.SyncStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers usage reports: stores each durably first, submits it with its nonce as the idempotency
 * key, polls until the acknowledgement arrives or the deadline passes, and persists the poll id before
 * it waits between polls. A report leaves the store only when acknowledged.
 *
 * <p>Claims: a report is submitted only under this node's claim on it in the store
 * ({@link SyncStore#claimPending}, {@link SyncStore#claim}, or the claimed
 * {@link SyncStore#addPending(io.github.ssmonprem.sync.store.PendingReport, String, Duration)}), so nodes
 * sharing a store never submit the same report at once. A claim is trusted for half its lease,
 * measured in this client's clock from before it was taken, then renewed in the store; a claim another
 * node took over (after it expired) ends this node's work on that report. Every delivery-state write
 * is conditional on the claim ({@link SyncStore#updatePending(io.github.ssmonprem.sync.store.PendingReport,
 * String)}): a node that stalled past its claim cannot overwrite the state of the node that took the
 * report over. Claims end with the report's acknowledgement or dead letter, and are released when a
 * delivery leaves a report pending; a dead node's claims expire.
 *
 * <p>Fencing: under a {@link SyncLease}, {@link SyncLease#ensureHeld()} is checked before each
 * submission and each store write; a lost lease stops the delivery with its
 * {@link io.github.ssmonprem.sync.lock.SyncLockLostException} before anything more is sent or written.
 */
public final class UsageService {

    private static final Logger LOG = LoggerFactory.getLogger(UsageService.class);
    private static final Duration DEFAULT_POLL_AFTER = Duration.ofSeconds(5);

    private final SsmHttpClient http;
    private final AccessTokenSource tokens;
    private final SyncStore store;
    private final SsmRoutes routes;
    private final ObjectMapper mapper;
    private final JsonCodec json;
    private final Clock clock;
    private final Duration ackTimeout;
    private final RequestingSystem system;
    private final int concurrency;
    private final String owner;
    private final Duration claimLease;
    /** How many reports a delivery submits at once unless configured. */
    public static final int DEFAULT_CONCURRENCY = 4;
    /** Generates request bodies while the store makes their reports durable: a thread per concurrent submission, idle ones end after a minute. */
    private final ExecutorService bodies = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "ssm-usage-body");
        t.setDaemon(true);
        return t;
    });
    /** The X-CSW-REQUESTING-SYSTEM value, built on the first usage call. */
    private volatile String requestingSystem;

    /**
     * Creates the usage service.
     *
     * @param http the transport
     * @param tokens the token source
     * @param store the pending store
     * @param ackTimeout how long one delivery polls for the acknowledgements
     * @param system the reporting system, or null for this SDK on the local host, whose name is then
     *     resolved on the first usage call rather than when the client is built
     * @param concurrency how many reports {@link #deliverPending(SyncLease)} submits at once (positive)
     * @param owner this node's name for its claims on pending reports, unique among the store's users
     * @param claimLease how long a claim holds unless renewed (positive)
     */
    public UsageService(SsmHttpClient http, AccessTokenSource tokens, SyncStore store, Duration ackTimeout,
            RequestingSystem system, int concurrency, String owner, Duration claimLease) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("delivery concurrency must be positive: " + concurrency);
        }
        this.concurrency = concurrency;
        this.http = http;
        this.tokens = tokens;
        this.store = store;
        this.routes = http.config().routes();
        this.json = new JsonCodec(http.config().baseUrl());
        this.mapper = json.mapper();
        this.clock = http.config().clock();
        this.ackTimeout = ackTimeout;
        this.system = system;
        this.owner = java.util.Objects.requireNonNull(owner, "owner");
        this.claimLease = java.util.Objects.requireNonNull(claimLease, "claimLease");
    }

    private String requestingSystem() {
        String value = requestingSystem;
        if (value == null) {
            RequestingSystem s = system != null ? system : RequestingSystem.ofLocalHost();
            ObjectNode header = mapper.createObjectNode();
            header.put("display_name", s.displayName());
            header.put("host_identifier", s.hostIdentifier());
            value = header.toString();
            requestingSystem = value;
        }
        return value;
    }

    /**
     * Stores the report durably, claimed by this node ({@link SyncStore#addPending(PendingReport,
     * String, Duration)}: no other node can take it in between), then delivers it. This node's own
     * delivery of the pending set, should it run meanwhile, leaves the report to this call. The
     * request body is generated on another thread while the store makes the report durable (a forced
     * file, a committed insert): the body depends on the report alone, and nothing is sent before the
     * store has returned.
     *
     * @param report the report
     * @return DELIVERED, or PENDING with the reason (the report stays stored)
     * @throws io.github.ssmonprem.sync.store.SyncStoreException when it cannot be stored; nothing was sent
     */
    public DeliveryResult submit(UsageReport report) {
        Instant before = clock.instant();
        PendingReport entry = PendingReport.of(report, before);
        boolean tracked = submitting.add(entry.reportId());
        CompletableFuture<byte[]> body = encodeAsync(report);
        try {
            Optional<ReportState> known = store.addPending(entry, owner, claimLease);
            if (known.isPresent()) {
                return known(known.get());
            }
            synchronized (deliveryLock) {
                Claims claims = new Claims(null);
                return deliver(claims.added(entry, before), claims, join(body)).result;
            }
        } finally {
            if (tracked) {
                submitting.remove(entry.reportId());
            }
        }
    }

    /** The report's request body, generated on the body thread; on this one when the service is closed. */
    private CompletableFuture<byte[]> encodeAsync(UsageReport report) {
        try {
            return CompletableFuture.supplyAsync(() -> UsageWireFormat.encode(report), bodies);
        } catch (RejectedExecutionException closed) {
            return CompletableFuture.completedFuture(UsageWireFormat.encode(report));
        }
    }

    private static byte[] join(CompletableFuture<byte[]> body) {
        try {
            return body.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** Stops the body threads; a later submission generates its body on its own thread. */
    public void close() {
        bodies.shutdownNow();
    }

    /**
     * What submitting a known report id returns: its stored state; nothing is sent. A pending one
     * is left for the next delivery, or to the node that holds its claim.
     */
    private DeliveryResult known(ReportState state) {
        switch (state.status()) {
            case DELIVERED:
                return new DeliveryResult(state.reportId(), DeliveryResult.Status.DELIVERED, null, null, null, null);
            case DEAD:
                return new DeliveryResult(state.reportId(), DeliveryResult.Status.DEAD, state.deadLetter().entry().pollId(), null,
                        "refused by the server (HTTP " + state.deadLetter().status() + "); a dead letter until retried or discarded", null);
            default:
                String holder = state.pending().claimOwner();
                boolean elsewhere = holder != null && !holder.equals(owner) && state.pending().claimedUntil() != null
                        && state.pending().claimedUntil().isAfter(clock.instant());
                return new DeliveryResult(state.reportId(), DeliveryResult.Status.PENDING, state.pending().pollId(), null,
                        elsewhere ? "claimed for delivery by another node (" + holder + "), which delivers it"
                                : "already pending; the next delivery sends it", null);
        }
    }

    /**
     * Delivers every pending report this node can claim, pipelined: claims them
     * ({@link SyncStore#claimPending}; those other nodes hold are theirs to deliver), submits those not
     * accepted yet (the oldest alone first, which checks that the server is up, then the rest with
     * bounded concurrency), storing each poll id, then polls the acknowledgements of all of them
     * together, waiting the longest {@code poll_after_seconds} the server asked for between rounds,
     * until each is acknowledged or the acknowledgement timeout passes. A hundred pending reports so
     * cost about one acknowledgement wait, not a hundred. Stops early when the server is unreachable or
     * down, leaving the rest pending untouched.
     *
     * @param lease the sync lease this delivery runs under, checked before each submission and store
     *     write; null when it runs under none
     * @return one result per report this node claimed and attempted, oldest first
     * @throws SyncLockException when the lease was lost or could not be checked: the delivery stopped
     *     there, before its next submission or write
     */
    public List<DeliveryResult> deliverPending(SyncLease lease) {
        return deliverPending(lease, SyncDeadline.none(clock));
    }

    /**
     * Does what {@link #deliverPending(SyncLease)} does within a sync's deadline: each request is cut at
     * it ({@code SsmRequest.deadline}), no report is submitted once it passed (the rest stay pending,
     * their claims released), and the acknowledgements are polled until it at the latest.
     *
     * @param lease the sync lease, or null
     * @param deadline when the delivery must be over
     * @return one result per report this node claimed and attempted, oldest first
     */
    public List<DeliveryResult> deliverPending(SyncLease lease, SyncDeadline deadline) {
        synchronized (deliveryLock) {
            Claims claims = new Claims(lease, deadline);
            List<PendingReport> entries = claims.takeAll();
            Map<String, DeliveryResult> results = new ConcurrentHashMap<>();
            List<PendingReport> polling = java.util.Collections.synchronizedList(new ArrayList<>());
            List<PendingReport> toSubmit = new ArrayList<>();
            for (PendingReport entry : entries) {
                (entry.pollId() != null ? polling : toSubmit).add(entry);
            }
            AtomicBoolean serverDown = new AtomicBoolean();
            AtomicReference<SyncLockException> lost = new AtomicReference<>();
            if (!toSubmit.isEmpty() && !deadline.passed()) {
                submitForPolling(toSubmit.get(0), results, polling, serverDown, claims, lost);
            }
            List<PendingReport> rest = toSubmit.subList(Math.min(1, toSubmit.size()), toSubmit.size());
            if (!serverDown.get() && lost.get() == null && !rest.isEmpty()) {
                ExecutorService pool = Executors.newFixedThreadPool(Math.min(concurrency, rest.size()), r -> {
                    Thread t = new Thread(r, "ssm-usage-submit");
                    t.setDaemon(true);
                    return t;
                });
                try {
                    List<Future<?>> work = new ArrayList<>();
                    for (PendingReport entry : rest) {
                        work.add(pool.submit(() -> {
                            if (!serverDown.get() && lost.get() == null && !deadline.passed()) {
                                submitForPolling(entry, results, polling, serverDown, claims, lost);
                            }
                        }));
                    }
                    for (Future<?> f : work) {
                        try {
                            f.get();
                        } catch (ExecutionException e) {
                            throw new IllegalStateException("a usage submission failed unexpectedly", e.getCause());
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            break;
                        }
                    }
                } finally {
                    pool.shutdownNow();
                }
            }
            if (lost.get() != null) {
                throw lost.get();
            }
            List<PendingReport> accepted = new ArrayList<>(polling);
            if (serverDown.get()) {
                accepted.forEach(claims::release);
            } else {
                pollTogether(accepted, results, claims);
            }
            for (PendingReport entry : toSubmit) {
                if (!results.containsKey(entry.reportId()) && accepted.stream().noneMatch(a -> a.reportId().equals(entry.reportId()))) {
                    claims.release(entry);    // not attempted: the server went down first
                }
            }
            List<DeliveryResult> ordered = new ArrayList<>();
            for (PendingReport entry : entries) {
                DeliveryResult r = results.get(entry.reportId());
                if (r != null) {
                    ordered.add(r);
                }
            }
            return ordered;
        }
    }

    /**
     * Submits one report under its claim and stores its poll id; on failure records the result (and
     * whether the server is down); a lost lease is recorded in {@code lost}.
     */
    private void submitForPolling(PendingReport entry, Map<String, DeliveryResult> results, List<PendingReport> polling,
            AtomicBoolean serverDown, Claims claims, AtomicReference<SyncLockException> lost) {
        try {
            PendingReport mine = entry;
            try {
                mine = claims.hold(entry);
                if (mine == null) {
                    return;                      // another node took it over: it is that node's to deliver
                }
                if (mine.pollId() != null) {
                    polling.add(mine);           // another node had it accepted meanwhile: poll it
                    return;
                }
                claims.fence();
                PendingReport accepted = mine.withPollId(submitOnce(mine.report(), UsageWireFormat.encode(mine.report()), claims.deadline));
                claims.fence();
                if (!store.updatePending(accepted, owner)) {
                    claims.forget(accepted);     // another node took it over meanwhile: it polls it
                    LOG.debug("Usage report {} was taken over by another node while this node submitted it", accepted.reportId());
                    return;
                }
                polling.add(accepted);
            } catch (SyncLockException e) {
                throw e;
            } catch (SsmException e) {
                Attempt attempt = failed(mine, e, claims);
                results.put(entry.reportId(), attempt.result);
                if (attempt.serverWide) {
                    serverDown.set(true);
                    LOG.debug("The server is unreachable or failing; leaving the remaining pending reports for the next sync");
                }
            }
        } catch (SyncLockException e) {
            lost.compareAndSet(null, e);
        }
    }

    /**
     * Polls the acknowledgements of the accepted reports round by round until all arrive or the
     * deadline passes, renewing their claims as they age; releases the claims of those left pending.
     */
    private void pollTogether(List<PendingReport> waiting, Map<String, DeliveryResult> results, Claims claims) {
        Instant deadline = clock.instant().plus(ackTimeout);
        boolean syncBound = claims.deadline.bounded() && claims.deadline.at().isBefore(deadline);
        if (syncBound) {
            deadline = claims.deadline.at();
        }
        while (!waiting.isEmpty()) {
            Duration wait = Duration.ZERO;
            List<PendingReport> still = new ArrayList<>();
            for (int i = 0; i < waiting.size(); i++) {
                PendingReport entry = waiting.get(i);
                try {
                    if (claims.hold(entry) == null) {
                        continue;                // another node took it over
                    }
                    Poll poll = pollOnce(entry, claims.deadline);
                    if (poll.ack != null) {
                        claims.fence();
                        store.markDelivered(entry.reportId());
                        claims.forget(entry);
                        results.put(entry.reportId(),
                                new DeliveryResult(entry.reportId(), DeliveryResult.Status.DELIVERED, entry.pollId(), poll.ack, null, null));
                    } else {
                        still.add(entry);
                        wait = wait.compareTo(poll.delay) < 0 ? poll.delay : wait;
                    }
                } catch (SyncLockException e) {
                    throw e;
                } catch (SsmException e) {
                    Attempt attempt = failed(entry, e, claims);
                    results.put(entry.reportId(), attempt.result);
                    if (attempt.serverWide) {
                        still.addAll(waiting.subList(i + 1, waiting.size()));
                        leavePending(still, results, claims, "the server failed while polling; polling resumes at the next delivery");
                        return;
                    }
                }
            }
            waiting = still;
            if (waiting.isEmpty()) {
                return;
            }
            if (Duration.between(clock.instant(), deadline).compareTo(wait) < 0) {
                leavePending(waiting, results, claims, (syncBound ? "the sync's time (syncTimeout) ran out before the acknowledgement"
                        : "no acknowledgement within " + ackTimeout.toSeconds() + " s") + "; polling resumes at the next delivery");
                return;
            }
            try {
                http.config().sleeper().sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                leavePending(waiting, results, claims, "interrupted while waiting for the acknowledgement; polling resumes at the next delivery");
                return;
            }
        }
    }

    private static void leavePending(List<PendingReport> entries, Map<String, DeliveryResult> results, Claims claims, String why) {
        for (PendingReport entry : entries) {
            results.put(entry.reportId(), new DeliveryResult(entry.reportId(), DeliveryResult.Status.PENDING, entry.pollId(), null, why, null));
            claims.release(entry);
        }
    }

    /** Deliveries run one at a time, so two threads never submit or poll the same entry. */
    private final Object deliveryLock = new Object();

    /** The ids of the reports {@link #submit} calls are delivering: this node's delivery of the pending set leaves them alone. */
    private final Set<String> submitting = ConcurrentHashMap.newKeySet();

    /** One delivery's result, and whether its failure concerns the server rather than the report. */
    private static final class Attempt {
        final DeliveryResult result;
        final boolean serverWide;

        Attempt(DeliveryResult result, boolean serverWide) {
            this.result = result;
            this.serverWide = serverWide;
        }
    }

    /**
     * The claims one delivery holds, each with the instant, in this client's clock, from before it was
     * taken: the store's claim lasts at least {@code claimLease} from then. A claim is trusted for
     * half its lease, then renewed in the store; every store write is fenced by the lease, if any.
     */
    private final class Claims {
        private final SyncLease lease;
        /** When this delivery must be over (a sync's deadline), or none. */
        private final SyncDeadline deadline;
        private final Map<String, Instant> takenAt = new ConcurrentHashMap<>();

        Claims(SyncLease lease) {
            this(lease, SyncDeadline.none(clock));
        }

        Claims(SyncLease lease, SyncDeadline deadline) {
            this.lease = lease;
            this.deadline = deadline;
        }

        /** Checks the sync lease, if any: throws when it was lost. */
        void fence() {
            if (lease != null) {
                lease.ensureHeld();
            }
        }

        /** Claims every pending report no other node holds, but those this node's submit calls deliver. */
        List<PendingReport> takeAll() {
            fence();
            Instant before = clock.instant();
            List<PendingReport> mine = new ArrayList<>(store.claimPending(owner, Integer.MAX_VALUE, claimLease));
            mine.removeIf(e -> submitting.contains(e.reportId()));   // a submit call on this node delivers those
            mine.forEach(e -> takenAt.put(e.reportId(), before));
            return mine;
        }

        /** A report just added claimed for this node, at or after {@code before}: the report as claimed. */
        PendingReport added(PendingReport entry, Instant before) {
            takenAt.put(entry.reportId(), before);
            // The store's claim lasts at least this long: its clock read the time after before did.
            return entry.withClaim(owner, before.plus(claimLease));
        }

        /** Claims or renews one report; null when it is not pending or another node holds it. */
        PendingReport take(String reportId) {
            fence();
            Instant before = clock.instant();
            Optional<PendingReport> mine = store.claim(reportId, owner, claimLease);
            if (mine.isPresent()) {
                takenAt.put(reportId, before);
            } else {
                takenAt.remove(reportId);
                LOG.debug("Usage report {} is claimed by another node or no longer pending; this node leaves it", reportId);
            }
            return mine.orElse(null);
        }

        /** The report as stored, when this node may work on it now (its claim renewed once half its lease passed); else null. */
        PendingReport hold(PendingReport entry) {
            Instant at = takenAt.get(entry.reportId());
            if (at != null && clock.instant().isBefore(at.plus(claimLease.dividedBy(2)))) {
                return entry;
            }
            return take(entry.reportId());
        }

        /** Whether this node's claim on the report still holds, by its own clock. */
        boolean holds(PendingReport entry) {
            Instant at = takenAt.get(entry.reportId());
            return at != null && clock.instant().isBefore(at.plus(claimLease));
        }

        /** The report left the pending set (acknowledged or dead): its claim went with it. */
        void forget(PendingReport entry) {
            takenAt.remove(entry.reportId());
        }

        /** Releases the claim on a report left pending, while this node holds it, for any node's next delivery. */
        void release(PendingReport entry) {
            if (!holds(entry)) {
                return;
            }
            takenAt.remove(entry.reportId());
            try {
                fence();
                store.updatePending(entry.withClaim(null, null), owner);
            } catch (SyncLockException e) {
                throw e;
            } catch (SsmException e) {
                LOG.debug("Could not release the claim on usage report {} ({}); it expires by itself",
                        entry.reportId(), e.getClass().getSimpleName());
            }
        }
    }

    /** Delivers one report this node just claimed: submits it, then polls for its acknowledgement. */
    private Attempt deliver(PendingReport stored, Claims claims, byte[] body) {
        PendingReport entry = stored;
        try {
            boolean pollIdStored = entry.pollId() != null;
            if (!pollIdStored) {
                entry = entry.withPollId(submitOnce(entry.report(), body, claims.deadline));
            }
            String ack = awaitAcknowledgement(entry, pollIdStored, claims);
            if (ack == null) {
                boolean interrupted = Thread.currentThread().isInterrupted();
                boolean lost = !interrupted && !claims.holds(entry);
                String why = (interrupted ? "interrupted while waiting for the acknowledgement"
                        : lost ? "another node took over its claim" : "no acknowledgement within " + ackTimeout.toSeconds() + " s")
                        + "; polling resumes at the next delivery";
                claims.release(entry);
                // An interrupted thread is being stopped: leave the other pending reports for later too.
                return new Attempt(new DeliveryResult(entry.reportId(), DeliveryResult.Status.PENDING, entry.pollId(), null, why, null),
                        interrupted);
            }
            store.markDelivered(entry.reportId());
            claims.forget(entry);
            LOG.debug("Usage report {} acknowledged and removed from the pending store", entry.reportId());
            return new Attempt(new DeliveryResult(entry.reportId(), DeliveryResult.Status.DELIVERED, entry.pollId(), ack, null, null), false);
        } catch (SsmException e) {
            return failed(entry, e, claims);
        }
    }

    /**
     * Records a failed attempt: a dead letter when refused for good, else one more failure on the
     * pending entry, whose claim it releases. Writes nothing once this node's claim lapsed (another
     * node may hold the report now).
     */
    private Attempt failed(PendingReport entry, SsmException e, Claims claims) {
        boolean serverWide = e.isServerWide();
        String why = e.getClass().getSimpleName() + ": " + e.detail();
        if (e instanceof SsmServiceException && refusedForGood(((SsmServiceException) e).statusCode())) {
            SsmServiceException refusal = (SsmServiceException) e;
            try {
                claims.fence();
                if (store.moveToDead(new DeadLetter(entry.withFailure(why).withClaim(null, null), refusal.statusCode(),
                        refusal.errorCode(), refusal.serverMessage(), clock.instant()))) {
                    claims.forget(entry);
                    LOG.warn("Usage report {} was refused by the server (HTTP {}) and moved to the dead letters; "
                            + "fix the cause, then retry or discard it", entry.reportId(), refusal.statusCode());
                    return new Attempt(new DeliveryResult(entry.reportId(), DeliveryResult.Status.DEAD, entry.pollId(), null,
                            why, e), false);
                }
            } catch (SyncLockException lost) {
                throw lost;
            } catch (SsmException notMoved) {
                LOG.warn("Could not move refused usage report {} to the dead letters ({}); it stays pending",
                        entry.reportId(), notMoved.getClass().getSimpleName());
            }
        }
        if (claims.holds(entry)) {
            claims.forget(entry);
            try {
                claims.fence();
                store.updatePending(entry.withFailure(why).withClaim(null, null), owner);
            } catch (SyncLockException lost) {
                throw lost;
            } catch (SsmException notRecorded) {
                LOG.warn("Could not record the failed attempt of usage report {} ({}); it stays pending as it was",
                        entry.reportId(), notRecorded.getClass().getSimpleName());
            }
        }
        LOG.debug("Usage report {} stays pending: {}", entry.reportId(), why);
        return new Attempt(new DeliveryResult(entry.reportId(), DeliveryResult.Status.PENDING, entry.pollId(), null, why, e),
                serverWide);
    }

    /**
     * Whether a status refuses the report itself, for good: a 4xx other than 401 (the token, retried
     * with a new one), 408 (a timeout) and 429 (rate limiting).
     */
    static boolean refusedForGood(int status) {
        return status >= 400 && status < 500 && status != 401 && status != 408 && status != 429;
    }

    /**
     * A usage call, safe to repeat, so the transport retries it on a transient failure: a submission
     * carries the report's nonce (the server counts it once), and an acknowledgement poll only reads.
     */
    private SsmRequest.Builder usageRequest(String operation, String path, UsageReport report) {
        return SsmRequest.post(operation, path)
                .header("X-CSW-SMART-ACCOUNT-ID", report.account())
                .header("X-CSW-VIRTUAL-ACCOUNT-ID", report.virtualAccount())
                .header("X-CSW-REQUESTING-SYSTEM", requestingSystem())
                .idempotent(true)
                .bearer(tokens);
    }

    private String submitOnce(UsageReport report, byte[] body, SyncDeadline deadline) {
        SsmRequest request = usageRequest("usage.report", routes.usageReportPath(), report)
                .header("Idempotency-Key", report.reportId())
                .jsonBody(body)
                .deadline(deadline.at())
                .build();
        SsmResponse response = http.execute(request);
        JsonNode answer = json.decode(request, response, JsonNode.class);
        JsonNode pollId = answer.path("data").path("poll_id");
        if (!pollId.isValueNode() || pollId.asText().isBlank()) {
            throw json.malformed(request, response, "has no data.poll_id");
        }
        return pollId.asText();
    }

    /**
     * Polls for the report's acknowledgement until it arrives, the deadline passes or another node
     * takes over the report's claim.
     *
     * @param pollIdStored whether the store holds the poll id already; when not, it is stored before
     *     the first wait, or before giving up, so that a later delivery resumes polling. An
     *     acknowledgement on the first poll needs no store write: a crash before it only makes the
     *     report be submitted again with its nonce, which the server counts once.
     * @return the acknowledgement, or null
     */
    private String awaitAcknowledgement(PendingReport entry, boolean pollIdStored, Claims claims) {
        boolean stored = pollIdStored;
        Instant deadline = clock.instant().plus(ackTimeout);
        while (true) {
            Poll poll = pollOnce(entry, claims.deadline);
            if (poll.ack != null) {
                return poll.ack;
            }
            if (!stored) {
                if (!store.updatePending(entry, owner)) {
                    claims.forget(entry);        // another node took it over: it polls it from now on
                    return null;
                }
                stored = true;
            }
            Duration left = Duration.between(clock.instant(), deadline);
            if (left.compareTo(poll.delay) < 0) {
                return null;
            }
            try {
                http.config().sleeper().sleep(poll.delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
            if (claims.hold(entry) == null) {
                return null;
            }
        }
    }

    /** One poll's answer: the acknowledgement ({@code smart_license}), or null and how long to wait before the next poll. */
    private record Poll(String ack, Duration delay) {
    }

    private Poll pollOnce(PendingReport entry, SyncDeadline deadline) {
        ObjectNode data = mapper.createObjectNode();
        data.put("timestamp", clock.millis());
        data.put("nonce", entry.reportId());
        data.put("poll_id", entry.pollId());
        data.put("type", "usage");
        data.put("action", "acknowledgements");
        ObjectNode body = mapper.createObjectNode();
        body.set("data", data);
        SsmRequest request = usageRequest("usage.poll", routes.pollPath(), entry.report()).jsonBody(body).deadline(deadline.at()).build();
        SsmResponse response = http.execute(request);
        JsonNode answer = json.decode(request, response, JsonNode.class);
        String status = answer.path("status").asText("");
        if ("COMPLETE".equalsIgnoreCase(status)) {
            for (JsonNode ack : answer.path("data").path("acknowledgements")) {
                if (entry.reportId().equals(ack.path("nonce").asText())) {
                    return new Poll(ack.path("smart_license").asText(""), Duration.ZERO);
                }
            }
            throw json.malformed(request, response, "is COMPLETE but holds no acknowledgement for nonce " + entry.reportId());
        }
        if (!"OK_POLL".equalsIgnoreCase(status)) {
            throw json.malformed(request, response, "has poll status '" + status + "', expected OK_POLL or COMPLETE");
        }
        JsonNode after = answer.path("poll_after_seconds");
        return new Poll(null, after.canConvertToLong() && after.asLong() > 0 ? Duration.ofSeconds(after.asLong()) : DEFAULT_POLL_AFTER);
    }
}
