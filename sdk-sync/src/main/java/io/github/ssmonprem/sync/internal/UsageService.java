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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers usage reports: stores each durably first, submits it with its nonce as the idempotency
 * key, polls until the acknowledgement arrives or the deadline passes, and persists the poll id before
 * it waits between polls. A report leaves the store only when acknowledged.
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
    /** How many reports a delivery submits at once unless configured. */
    public static final int DEFAULT_CONCURRENCY = 4;
    /** The X-CSW-REQUESTING-SYSTEM value, built on the first usage call. */
    private volatile String requestingSystem;

    /**
     * Creates the usage service.
     *
     * @param http the transport
     * @param tokens the token source
     * @param store the pending store
     * @param ackTimeout how long one delivery polls for the acknowledgement
     * @param system the reporting system, or null for this SDK on the local host, whose name is then
     *     resolved on the first usage call rather than when the client is built
     */
    public UsageService(SsmHttpClient http, AccessTokenSource tokens, SyncStore store, Duration ackTimeout,
            RequestingSystem system) {
        this(http, tokens, store, ackTimeout, system, DEFAULT_CONCURRENCY);
    }

    /**
     * Creates the usage service.
     *
     * @param http the transport
     * @param tokens the token source
     * @param store the pending store
     * @param ackTimeout how long one delivery polls for the acknowledgements
     * @param system the reporting system, or null for this SDK on the local host
     * @param concurrency how many reports {@link #deliverPending()} submits at once (positive)
     */
    public UsageService(SsmHttpClient http, AccessTokenSource tokens, SyncStore store, Duration ackTimeout,
            RequestingSystem system, int concurrency) {
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
     * Stores the report durably, then delivers it.
     *
     * @param report the report
     * @return DELIVERED, or PENDING with the reason (the report stays stored)
     * @throws io.github.ssmonprem.sync.store.SyncStoreException when it cannot be stored; nothing was sent
     */
    public DeliveryResult submit(UsageReport report) {
        PendingReport entry = PendingReport.of(report, clock.instant());
        Optional<ReportState> known = store.addPending(entry);
        synchronized (deliveryLock) {
            if (known.isPresent()) {
                return known(known.get());
            }
            return deliver(entry, null).result;
        }
    }

    /**
     * What submitting a known report id returns: its stored state; nothing is sent. A pending one
     * is left for the next delivery.
     */
    private static DeliveryResult known(ReportState state) {
        switch (state.status()) {
            case DELIVERED:
                return new DeliveryResult(state.reportId(), DeliveryResult.Status.DELIVERED, null, null, null, null);
            case DEAD:
                return new DeliveryResult(state.reportId(), DeliveryResult.Status.DEAD, state.deadLetter().entry().pollId(), null,
                        "refused by the server (HTTP " + state.deadLetter().status() + "); a dead letter until retried or discarded", null);
            default:
                return new DeliveryResult(state.reportId(), DeliveryResult.Status.PENDING, state.pending().pollId(), null,
                        "already pending; the next delivery sends it", null);
        }
    }

    /**
     * Delivers every pending report, pipelined: submits those not accepted yet (the oldest alone
     * first, which checks that the server is up, then the rest with bounded concurrency), storing each
     * poll id, then polls the acknowledgements of all of them together, waiting the longest
     * {@code poll_after_seconds} the server asked for between rounds, until each is acknowledged or
     * the acknowledgement timeout passes. A hundred pending reports so cost about one acknowledgement
     * wait, not a hundred. Stops early when the server is unreachable or down, leaving the rest
     * pending untouched.
     *
     * @return one result per report that was attempted, in the order of the pending reports
     */
    public List<DeliveryResult> deliverPending() {
        synchronized (deliveryLock) {
            List<PendingReport> entries = store.pendingReports();
            Map<String, DeliveryResult> results = new ConcurrentHashMap<>();
            List<PendingReport> polling = java.util.Collections.synchronizedList(new ArrayList<>());
            List<PendingReport> toSubmit = new ArrayList<>();
            for (PendingReport entry : entries) {
                (entry.pollId() != null ? polling : toSubmit).add(entry);
            }
            AtomicBoolean serverDown = new AtomicBoolean();
            if (!toSubmit.isEmpty()) {
                submitForPolling(toSubmit.get(0), results, polling, serverDown);
            }
            List<PendingReport> rest = toSubmit.subList(Math.min(1, toSubmit.size()), toSubmit.size());
            if (!serverDown.get() && !rest.isEmpty()) {
                ExecutorService pool = Executors.newFixedThreadPool(Math.min(concurrency, rest.size()), r -> {
                    Thread t = new Thread(r, "ssm-usage-submit");
                    t.setDaemon(true);
                    return t;
                });
                try {
                    List<Future<?>> work = new ArrayList<>();
                    for (PendingReport entry : rest) {
                        work.add(pool.submit(() -> {
                            if (!serverDown.get()) {
                                submitForPolling(entry, results, polling, serverDown);
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
            if (!serverDown.get()) {
                pollTogether(new ArrayList<>(polling), results);
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

    /** Submits one report and stores its poll id; on failure records the result (and whether the server is down). */
    private void submitForPolling(PendingReport entry, Map<String, DeliveryResult> results, List<PendingReport> polling,
            AtomicBoolean serverDown) {
        try {
            PendingReport accepted = entry.withPollId(submitOnce(entry.report(), UsageWireFormat.encode(entry.report())));
            store.updatePending(accepted);
            polling.add(accepted);
        } catch (SsmException e) {
            Attempt attempt = failed(entry, e);
            results.put(entry.reportId(), attempt.result);
            if (attempt.serverWide) {
                serverDown.set(true);
                LOG.debug("The server is unreachable or failing; leaving the remaining pending reports for the next sync");
            }
        }
    }

    /** Polls the acknowledgements of the accepted reports round by round until all arrive or the deadline passes. */
    private void pollTogether(List<PendingReport> waiting, Map<String, DeliveryResult> results) {
        Instant deadline = clock.instant().plus(ackTimeout);
        while (!waiting.isEmpty()) {
            Duration wait = Duration.ZERO;
            List<PendingReport> still = new ArrayList<>();
            for (PendingReport entry : waiting) {
                try {
                    Poll poll = pollOnce(entry);
                    if (poll.ack != null) {
                        store.markDelivered(entry.reportId());
                        results.put(entry.reportId(),
                                new DeliveryResult(entry.reportId(), DeliveryResult.Status.DELIVERED, entry.pollId(), poll.ack, null, null));
                    } else {
                        still.add(entry);
                        wait = wait.compareTo(poll.delay) < 0 ? poll.delay : wait;
                    }
                } catch (SsmException e) {
                    Attempt attempt = failed(entry, e);
                    results.put(entry.reportId(), attempt.result);
                    if (attempt.serverWide) {
                        leavePending(still, results, "the server failed while polling; polling resumes at the next delivery");
                        leavePending(waiting.subList(waiting.indexOf(entry) + 1, waiting.size()), results,
                                "the server failed while polling; polling resumes at the next delivery");
                        return;
                    }
                }
            }
            waiting = still;
            if (waiting.isEmpty()) {
                return;
            }
            if (Duration.between(clock.instant(), deadline).compareTo(wait) < 0) {
                leavePending(waiting, results, "no acknowledgement within " + ackTimeout.toSeconds() + " s; polling resumes at the next delivery");
                return;
            }
            try {
                http.config().sleeper().sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                leavePending(waiting, results, "interrupted while waiting for the acknowledgement; polling resumes at the next delivery");
                return;
            }
        }
    }

    private static void leavePending(List<PendingReport> entries, Map<String, DeliveryResult> results, String why) {
        for (PendingReport entry : entries) {
            results.put(entry.reportId(), new DeliveryResult(entry.reportId(), DeliveryResult.Status.PENDING, entry.pollId(), null, why, null));
        }
    }

    /** Deliveries run one at a time, so two threads never submit or poll the same entry. */
    private final Object deliveryLock = new Object();

    /** One delivery's result, and whether its failure concerns the server rather than the report. */
    private static final class Attempt {
        final DeliveryResult result;
        final boolean serverWide;

        Attempt(DeliveryResult result, boolean serverWide) {
            this.result = result;
            this.serverWide = serverWide;
        }
    }

    private Attempt deliver(PendingReport stored, byte[] encodedBody) {
        PendingReport entry = stored;
        try {
            boolean pollIdStored = entry.pollId() != null;
            if (!pollIdStored) {
                byte[] body = encodedBody != null ? encodedBody : UsageWireFormat.encode(entry.report());
                String pollId = submitOnce(entry.report(), body);
                entry = entry.withPollId(pollId);
            }
            String ack = awaitAcknowledgement(entry, pollIdStored);
            if (ack == null) {
                boolean interrupted = Thread.currentThread().isInterrupted();
                String why = (interrupted ? "interrupted while waiting for the acknowledgement"
                        : "no acknowledgement within " + ackTimeout.toSeconds() + " s") + "; polling resumes at the next delivery";
                // An interrupted thread is being stopped: leave the other pending reports for later too.
                return new Attempt(new DeliveryResult(entry.reportId(), DeliveryResult.Status.PENDING, entry.pollId(), null, why, null),
                        interrupted);
            }
            store.markDelivered(entry.reportId());
            LOG.debug("Usage report {} acknowledged and removed from the pending store", entry.reportId());
            return new Attempt(new DeliveryResult(entry.reportId(), DeliveryResult.Status.DELIVERED, entry.pollId(), ack, null, null), false);
        } catch (SsmException e) {
            return failed(entry, e);
        }
    }

    /** Records a failed attempt: a dead letter when refused for good, else one more failure on the pending entry. */
    private Attempt failed(PendingReport entry, SsmException e) {
        boolean serverWide = e.isServerWide();
        String why = e.getClass().getSimpleName() + ": " + e.detail();
        if (e instanceof SsmServiceException && refusedForGood(((SsmServiceException) e).statusCode())) {
            SsmServiceException refusal = (SsmServiceException) e;
            try {
                if (store.moveToDead(new DeadLetter(entry.withFailure(why), refusal.statusCode(), refusal.errorCode(),
                        refusal.serverMessage(), clock.instant()))) {
                    LOG.warn("Usage report {} was refused by the server (HTTP {}) and moved to the dead letters; "
                            + "fix the cause, then retry or discard it", entry.reportId(), refusal.statusCode());
                    return new Attempt(new DeliveryResult(entry.reportId(), DeliveryResult.Status.DEAD, entry.pollId(), null,
                            why, e), false);
                }
            } catch (SsmException notMoved) {
                LOG.warn("Could not move refused usage report {} to the dead letters ({}); it stays pending",
                        entry.reportId(), notMoved.getClass().getSimpleName());
            }
        }
        try {
            store.updatePending(entry.withFailure(why));
        } catch (SsmException notRecorded) {
            LOG.warn("Could not record the failed attempt of usage report {} ({}); it stays pending as it was",
                    entry.reportId(), notRecorded.getClass().getSimpleName());
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

    private SsmRequest.Builder usageRequest(String operation, String path, UsageReport report) {
        return SsmRequest.post(operation, path)
                .header("X-CSW-SMART-ACCOUNT-ID", report.account())
                .header("X-CSW-VIRTUAL-ACCOUNT-ID", report.virtualAccount())
                .header("X-CSW-REQUESTING-SYSTEM", requestingSystem())
                .idempotent(true)
                .bearer(tokens);
    }

    private String submitOnce(UsageReport report, byte[] body) {
        SsmRequest request = usageRequest("usage.report", routes.usageReportPath(), report)
                .header("Idempotency-Key", report.reportId())
                .jsonBody(body)
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
     * Polls for the report's acknowledgement until it arrives or the deadline passes.
     *
     * @param pollIdStored whether the store holds the poll id already; when not, it is stored before
     *     the first wait, or before giving up, so that a later delivery resumes polling. An
     *     acknowledgement on the first poll needs no store write: a crash before it only makes the
     *     report be submitted again with its nonce, which the server counts once.
     */
    private String awaitAcknowledgement(PendingReport entry, boolean pollIdStored) {
        boolean stored = pollIdStored;
        Instant deadline = clock.instant().plus(ackTimeout);
        while (true) {
            Poll poll = pollOnce(entry);
            if (poll.ack != null) {
                return poll.ack;
            }
            if (!stored) {
                store.updatePending(entry);
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
        }
    }

    /** One poll's answer: the acknowledgement ({@code smart_license}), or null and how long to wait before the next poll. */
    private record Poll(String ack, Duration delay) {
    }

    private Poll pollOnce(PendingReport entry) {
        ObjectNode data = mapper.createObjectNode();
        data.put("timestamp", clock.millis());
        data.put("nonce", entry.reportId());
        data.put("poll_id", entry.pollId());
        data.put("type", "usage");
        data.put("action", "acknowledgements");
        ObjectNode body = mapper.createObjectNode();
        body.set("data", data);
        SsmRequest request = usageRequest("usage.poll", routes.pollPath(), entry.report()).jsonBody(body).build();
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
