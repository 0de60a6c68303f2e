package io.github.ssmonprem.sync;

import io.github.ssmonprem.auth.OAuthGrant;
import io.github.ssmonprem.auth.OAuthTokenProvider;
import io.github.ssmonprem.core.SsmClientConfig;
import io.github.ssmonprem.core.exception.SsmConfigurationException;
import io.github.ssmonprem.core.exception.SsmException;
import io.github.ssmonprem.core.exception.SsmServiceException;
import io.github.ssmonprem.core.http.SsmHttpClient;
import io.github.ssmonprem.sync.internal.LicenseService;
import io.github.ssmonprem.sync.internal.SyncDeadline;
import io.github.ssmonprem.sync.internal.usage.Authorizations;
import io.github.ssmonprem.sync.internal.usage.UsageDelivery;
import io.github.ssmonprem.sync.internal.usage.UsageProtocol;
import io.github.ssmonprem.sync.model.Account;
import io.github.ssmonprem.sync.model.License;
import io.github.ssmonprem.sync.lock.SyncLease;
import io.github.ssmonprem.sync.lock.SyncLockException;
import io.github.ssmonprem.sync.store.FileSyncStore;
import io.github.ssmonprem.sync.store.LicenseSnapshot;
import io.github.ssmonprem.sync.store.DeadLetter;
import io.github.ssmonprem.sync.store.Quarantine;
import io.github.ssmonprem.sync.store.QuarantinedEntry;
import io.github.ssmonprem.sync.store.UsageCounts;
import io.github.ssmonprem.sync.usage.Acknowledgement;
import io.github.ssmonprem.sync.usage.AuthorizationRequest;
import io.github.ssmonprem.sync.usage.DeliveryResult;
import io.github.ssmonprem.sync.usage.ReportStatus;
import io.github.ssmonprem.sync.usage.Sudi;
import io.github.ssmonprem.sync.usage.UsageDeliveryException;
import io.github.ssmonprem.sync.usage.UsageReport;
import io.github.ssmonprem.sync.store.ReportState;
import io.github.ssmonprem.sync.store.SyncOutcome;
import io.github.ssmonprem.sync.store.SyncStore;
import io.github.ssmonprem.core.internal.Meters;
import io.github.ssmonprem.core.internal.SdkMdc;
import io.github.ssmonprem.core.internal.SdkObservations;
import io.micrometer.observation.Observation;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SDK's entry point for a licensing application: one client per SSM On-Prem server and grant.
 * It lists accounts, pulls licenses, submits usage reports through the durable pending store, and
 * runs the sync cycle (token, licenses of each configured account, pending usage, outcome).
 * Thread-safe; close it when done.
 *
 * <pre>{@code
 * try (SsmSyncClient ssm = SsmSyncClient.builder()
 *         .config(SsmClientConfig.builder().baseUrl("https://ssm.example.net:8443").build())
 *         .grant(OAuthGrant.password(clientId, clientSecret, "svc-sdwan", password))
 *         .account(AccountSelection.of("acme.example", "Branch-East"))
 *         .stateDirectory(Path.of("/var/lib/sdwan/ssm"))
 *         .build()) {
 *     SyncResult result = ssm.sync();
 *     result.changes().forEach((account, changes) -> ...);
 * }
 * }</pre>
 *
 * <p>Metrics, with a registry in the configuration: {@code ssm.sync.runs} (counter: outcome),
 * {@code ssm.sync.duration} (timer: outcome), {@code ssm.sync.last.success} (gauge, epoch seconds),
 * {@code ssm.usage.pending} (gauge), {@code ssm.licenses} (gauge: licenses in the last pull).
 */
public final class SsmSyncClient implements SyncTask, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SsmSyncClient.class);
    /** The largest upload body unless configured: 512 KiB, well under nginx's default 1 MiB. */
    public static final int DEFAULT_MAX_UPLOAD_BYTES = 512 * 1024;
    /** What a {@code FAILED} answer for reports the server already has says, unless configured. */
    public static final java.util.regex.Pattern DEFAULT_ALREADY_RECEIVED = java.util.regex.Pattern.compile(
            "(?i)already\\s+(been\\s+)?(received|reported|uploaded|processed|exists)|duplicate");
    /** How long a claim on a pending report holds unless renewed, unless configured. */
    private static final Duration DEFAULT_CLAIM_LEASE = Duration.ofMinutes(5);
    /** The overall limit of one sync unless configured. */
    public static final Duration DEFAULT_SYNC_TIMEOUT = Duration.ofMinutes(15);
    /** The most licenses one pull accepts unless configured. */
    public static final long DEFAULT_MAX_LICENSES = 1_000_000;
    /** The most pages one pull asks for unless configured. */
    public static final int DEFAULT_MAX_LICENSE_PAGES = 10_000;

    private final SsmHttpClient http;
    private final boolean ownsHttp;
    private final boolean ownsStore;
    private final boolean ownsTokens;
    private final OAuthTokenProvider tokens;
    private final SyncStore store;
    private final List<AccountSelection> accounts;
    private final LicenseService licenses;
    private final UsageDelivery usage;
    private final Authorizations authorizations;
    private final UsageOperations operations;
    private final Clock clock;
    private final MeterRegistry registry;
    private final AtomicLong lastSuccessEpochSeconds = new AtomicLong();
    private final AtomicLong licensesInLastPull = new AtomicLong();
    private final int deliveryConcurrency;
    private final String nodeName;
    private final Duration claimLease;
    private final Duration syncTimeout;
    private final Object asyncLock = new Object();
    /** Asynchronous submissions not started yet, each with its claim: whoever sets it runs or cancels it. */
    private final Map<CompletableFuture<List<DeliveryResult>>, AtomicBoolean> asyncQueued = new ConcurrentHashMap<>();
    private ExecutorService asyncExecutor;
    private boolean closed;

    private SsmSyncClient(Builder b) {
        this.ownsHttp = b.http == null;
        this.http = b.http != null ? b.http : SsmHttpClient.create(b.config);
        this.ownsTokens = b.tokenProvider == null;
        if (b.tokenProvider != null) {
            this.tokens = b.tokenProvider;
        } else {
            OAuthTokenProvider.Builder tokenBuilder = OAuthTokenProvider.builder(http).grant(b.grant);
            if (b.tokenCustomizer != null) {
                b.tokenCustomizer.accept(tokenBuilder);
            }
            this.tokens = tokenBuilder.build();
        }
        this.ownsStore = b.store == null;
        this.store = b.store != null ? b.store : new FileSyncStore(b.stateDirectory, http.config().clock());
        this.accounts = List.copyOf(b.accounts);
        this.deliveryConcurrency = b.deliveryConcurrency;
        this.licenses = new LicenseService(http, tokens, b.pageSize, b.maxLicenses, b.maxLicensePages);
        this.syncTimeout = b.syncTimeout;
        this.nodeName = b.nodeName != null ? b.nodeName : defaultNodeName();
        this.claimLease = b.claimLease;
        this.clock = http.config().clock();
        this.operations = new UsageOperations(store);
        UsageProtocol protocol = new UsageProtocol(http, tokens, b.requestingSystem, b.alreadyReceived);
        this.usage = new UsageDelivery(protocol, store, clock, http.config().sleeper(), new UsageDelivery.Settings(nodeName,
                b.claimLease, b.ackTimeout, b.deliveryConcurrency, b.maxPollInterval, b.maxUploadBytes), b.acknowledgementListener);
        this.authorizations = new Authorizations(protocol, store, clock, http.config().sleeper(), b.ackTimeout, b.maxPollInterval,
                b.acknowledgementListener);
        this.registry = http.config().meterRegistry().orElse(null);
        store.lastOutcome().filter(SyncOutcome::success)
                .ifPresent(o -> lastSuccessEpochSeconds.set(o.finishedAt().getEpochSecond()));
        Meters.gauge(registry, "ssm.sync.last.success", "When the last successful sync finished, epoch seconds", "seconds",
                lastSuccessEpochSeconds, AtomicLong::doubleValue);
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
     * Returns a builder.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the transport, for other calls against the same server.
     *
     * @return the transport, for other calls against the same server
     */
    public SsmHttpClient http() {
        return http;
    }

    /**
     * Returns the token provider.
     *
     * @return the token provider
     */
    public OAuthTokenProvider tokens() {
        return tokens;
    }

    /**
     * Returns the state store.
     *
     * @return the state store
     */
    public SyncStore store() {
        return store;
    }

    /**
     * Returns the name this client claims pending reports under ({@link Builder#nodeName(String)}).
     *
     * @return the node name
     */
    public String nodeName() {
        return nodeName;
    }

    /**
     * Returns how long this client's claim on a pending report holds unless renewed
     * ({@link Builder#claimLease(Duration)}).
     *
     * @return the claim's lease
     */
    public Duration claimLease() {
        return claimLease;
    }

    private static final AtomicInteger CLIENTS = new AtomicInteger();

    /** The host name, the process id and a number for this client within the process: unique among a store's users. */
    private static String defaultNodeName() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "unknown-host";
        }
        String suffix = "/" + ProcessHandle.current().pid() + "/" + CLIENTS.incrementAndGet();
        return host.substring(0, Math.min(host.length(), 200 - suffix.length())) + suffix;
    }

    /**
     * Returns the overall limit of one sync ({@link Builder#syncTimeout(Duration)}).
     *
     * @return the limit
     */
    public Duration syncTimeout() {
        return syncTimeout;
    }

    /**
     * Returns the accounts {@link #sync()} covers.
     *
     * @return the accounts {@link #sync()} covers
     */
    public List<AccountSelection> accounts() {
        return accounts;
    }

    /**
     * Lists the smart accounts and virtual accounts the user can see.
     *
     * @return the accounts
     */
    public List<Account> listAccounts() {
        return licenses.accounts();
    }

    /**
     * Streams the licenses of an account, one page in memory at a time.
     *
     * @param account the smart account domain
     * @param virtualAccounts the virtual accounts; empty for all
     * @return a lazy stream of licenses
     * @throws AccountNotFoundException (when consumed) for an unknown account
     */
    public Stream<License> streamLicenses(String account, List<String> virtualAccounts) {
        return licenses.stream(account, virtualAccounts);
    }

    /**
     * Pulls every license of an account.
     *
     * @param account the smart account domain
     * @param virtualAccounts the virtual accounts; empty for all
     * @return all licenses, every page
     */
    public List<License> licenses(String account, List<String> virtualAccounts) {
        try (Stream<License> stream = streamLicenses(account, virtualAccounts)) {
            return stream.collect(Collectors.toList());
        }
    }

    /**
     * Stores a usage report durably, claimed by this client, then uploads it and polls for its
     * acknowledgements, which are stored the moment they arrive (and handed to the
     * {@link Builder#acknowledgementListener acknowledgement listener}). A report whose upload would
     * exceed {@link Builder#maxUploadBytes(int)} is stored and delivered as several, each acknowledged
     * on its own. A report whose id is known sends nothing: a delivered or dead one returns its state; a
     * pending one is delivered now, unless another node holds it.
     *
     * <p>This call blocks the calling thread until the server acknowledges the report or the
     * acknowledgement timeout ({@link Builder#ackTimeout(Duration)}) passes, polling as the server asks:
     * with a real server that takes minutes. Use {@link #submitUsageAsync(UsageReport)} not to block.
     *
     * @param report the report
     * @return one result per stored report (one, unless it was split), in order
     * @throws io.github.ssmonprem.sync.store.SyncStoreException when it cannot be stored; nothing of it was sent
     * @throws io.github.ssmonprem.sync.usage.InvalidUsageReportException when a RUM report alone exceeds
     *     the upload size; nothing was stored or sent
     */
    public List<DeliveryResult> submitUsage(UsageReport report) {
        return usage.submit(Objects.requireNonNull(report, "report"));
    }

    /**
     * Does what {@link #submitUsage(UsageReport)} does on a thread the client owns, and returns at once.
     * The client's threads (as many as {@link Builder#deliveryConcurrency(int)}, daemon) start with the
     * first call and stop when the client closes. A report whose submission has not started when the
     * client closes completes exceptionally with an {@link IllegalStateException} (it was not stored);
     * one being delivered stays stored and pending, and a later sync delivers it.
     *
     * @param report the report
     * @return the delivery's result; completes exceptionally with what {@code submitUsage} throws
     */
    public CompletableFuture<List<DeliveryResult>> submitUsageAsync(UsageReport report) {
        Objects.requireNonNull(report, "report");
        ExecutorService executor;
        synchronized (asyncLock) {
            if (closed) {
                return CompletableFuture.failedFuture(new IllegalStateException("The SSM sync client is closed; usage report "
                        + report.reportId() + " was not stored or sent."));
            }
            if (asyncExecutor == null) {
                AtomicInteger n = new AtomicInteger();
                asyncExecutor = Executors.newFixedThreadPool(deliveryConcurrency, r -> {
                    Thread t = new Thread(r, "ssm-usage-submit-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
            }
            executor = asyncExecutor;
        }
        return submitUsageAsync(report, executor);
    }

    /**
     * Does what {@link #submitUsage(UsageReport)} does on the given executor, and returns at once. The
     * caller owns the executor: closing the client does not stop it.
     *
     * @param report the report
     * @param executor where the submission runs
     * @return the delivery's result; completes exceptionally with what {@code submitUsage} throws, or
     *     with the executor's {@link RejectedExecutionException}
     */
    public CompletableFuture<List<DeliveryResult>> submitUsageAsync(UsageReport report, Executor executor) {
        Objects.requireNonNull(report, "report");
        Objects.requireNonNull(executor, "executor");
        CompletableFuture<List<DeliveryResult>> future = new CompletableFuture<>();
        AtomicBoolean claimed = new AtomicBoolean();
        asyncQueued.put(future, claimed);
        try {
            executor.execute(() -> {
                asyncQueued.remove(future);
                if (!claimed.compareAndSet(false, true)) {
                    return;
                }
                try {
                    future.complete(submitUsage(report));
                } catch (RuntimeException | Error e) {
                    future.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            asyncQueued.remove(future);
            future.completeExceptionally(e);
        }
        return future;
    }

    /**
     * Delivers every pending usage report that no other node has claimed: claims them in the store,
     * uploads those not accepted yet, then polls their acknowledgements together. Reports another
     * node (another client on the same store) claimed are left to it, so two nodes delivering at once
     * never upload the same report; reports a submission on this client is delivering are left to it.
     *
     * @return one result per report this client claimed and attempted, oldest first
     * @throws io.github.ssmonprem.sync.store.SyncStoreException when the pending reports cannot be claimed
     */
    public List<DeliveryResult> deliverPending() {
        return usage.deliverPending(null);
    }

    /**
     * Requests an authorization code (HSEC, SLAC) for a device, or returns the code it holds
     * ({@link AuthorizationRequest#returnOf}), and waits for the server's answer through the same
     * request-then-poll exchange as usage: polling as the server asks until the code comes or the
     * acknowledgement timeout ({@link Builder#ackTimeout(Duration)}) passes. The request is made in the
     * device's name (its SUDI is the requesting system).
     *
     * <p>The code comes back as an {@link Acknowledgement} of kind
     * {@link io.github.ssmonprem.sync.usage.AcknowledgementKind#AUTHORIZATION} (or {@code RETURN}, the
     * confirmation of a return): it is kept in the store before this method returns, handed to the
     * {@link Builder#acknowledgementListener acknowledgement listener}, and listed by
     * {@link UsageOperations#acknowledgements()} until taken, as usage acknowledgements are.
     *
     * <p>Unlike a usage report, the request is not stored: it holds nothing the device cannot give
     * again, so a request that got no code (the server unreachable, or slower than the timeout) is
     * simply made again, as a new request with a new id. Blocks the calling thread meanwhile.
     *
     * <pre>{@code
     * DeliveryResult r = ssm.requestAuthorization("acme.example", "SDWAN",
     *         AuthorizationRequest.of(new Sudi("C8300-1N1S-6T", "FDO2601X1AB"), "edge-17", hsecTag));
     * if (r.delivered()) {
     *     devices.importCode(r.acknowledgements().get(0));    // then ssm.usage().take(its id)
     * }
     * }</pre>
     *
     * @param account the smart account domain
     * @param virtualAccount the virtual account's name
     * @param request what is requested or returned
     * @return its result, the request's id as {@link DeliveryResult#reportId()}:
     *     {@link ReportStatus#DELIVERED} with the code in {@link DeliveryResult#acknowledgements()};
     *     {@link ReportStatus#DEAD} when the server refused it, with its message;
     *     {@link ReportStatus#PENDING} when no code came in time or the server could not be reached, with
     *     why (and the failure): make the request again later
     * @throws AccountNotFoundException when the grant sees no such account or virtual account; nothing was requested
     * @throws io.github.ssmonprem.sync.usage.InvalidAuthorizationRequestException when the account or
     *     virtual account is not named; nothing was requested
     */
    public DeliveryResult requestAuthorization(String account, String virtualAccount, AuthorizationRequest request) {
        return authorizations.request(account, virtualAccount, request);
    }

    /**
     * Returns the last sync's outcome, stored durably and readable while offline.
     *
     * @return the last sync's outcome, stored durably and readable while offline
     */
    public Optional<SyncOutcome> lastOutcome() {
        return store.lastOutcome();
    }

    /**
     * Returns the last pulled licenses of the account, stored durably and readable while offline.
     *
     * @param account the smart account domain
     * @return the last pulled licenses of the account, stored durably and readable while offline
     */
    public Optional<LicenseSnapshot> lastSnapshot(String account) {
        return store.loadSnapshot(account);
    }

    /**
     * {@return what an application and its operators do with the stored usage: list, retry and discard
     * reports, take acknowledgements}
     */
    public UsageOperations usage() {
        return operations;
    }

    /**
     * The state an operator checks: the last sync's outcome, how many reports are pending and dead,
     * how many acknowledgements wait to be taken, and how many entries are quarantined.
     *
     * @return the status
     * @throws io.github.ssmonprem.sync.store.SyncStoreException when the store cannot be read
     */
    public SyncStatus status() {
        UsageCounts counts = store.counts();
        return new SyncStatus(store.lastOutcome().orElse(null), counts.pending(), counts.dead(), counts.acknowledgements(),
                quarantined().size());
    }

    private List<QuarantinedEntry> quarantined() {
        return store.quarantine().map(Quarantine::quarantined).orElse(List.of());
    }

    private static double count(SyncStore store, java.util.function.ToIntFunction<UsageCounts> which) {
        try {
            return which.applyAsInt(store.counts());
        } catch (SsmException e) {
            return Double.NaN;
        }
    }

    /**
     * Runs one sync: obtains or reuses a token, pulls the licenses of every configured account and
     * compares them with the last pull, delivers pending usage, and records the outcome with each
     * step's result. Failures do not throw: they are in the result (and its stored outcome). The two
     * steps are independent: a failed license pull or snapshot write does not hold back the pending
     * usage, which the server may well accept. An account the server refuses (a 4xx such as an
     * unknown domain) does not hold back the other accounts; a server that is down or unreachable
     * ends the license step where it is.
     *
     * <p>The sync as a whole is bounded by {@link Builder#syncTimeout(Duration)} (default 15 min): the
     * license step may use at most half of it, so a server that keeps the pull busy never keeps the
     * pending usage from being delivered, and the usage step the rest. A step that runs out of time ends
     * where it is (its requests cut, nothing more sent, pending reports left pending) and the result
     * carries a {@link SyncDeadlineExceededException}.
     *
     * <p>With no account configured (a client that only delivers usage) there is no license step: the
     * sync logs a warning, pulls nothing, delivers the pending usage, and its result says so with
     * {@link SyncResult#licensesSkipped()}; it is a success when the usage step succeeds.
     *
     * @return the result
     */
    @Override
    public SyncResult sync() {
        return run(null);
    }

    /**
     * Runs one sync under a lease of the cluster's sync lock, as {@link SyncScheduler} does on a
     * cluster: before it stores a license snapshot, before each usage submission and each store write
     * of the delivery, and before it records the outcome, it checks that the lease is still held
     * ({@link SyncLease#ensureHeld()}), so a node that lost its lease stops before it sends or writes
     * anything more and reports a {@link io.github.ssmonprem.sync.lock.SyncLockLostException}.
     *
     * @param lease the lease held for this sync
     * @return the result
     */
    @Override
    public SyncResult sync(SyncLease lease) {
        return run(Objects.requireNonNull(lease, "lease"));
    }

    private static void fence(SyncLease lease) {
        if (lease != null) {
            lease.ensureHeld();
        }
    }

    /**
     * One sync, observed: the observation {@code ssm.sync} around it (outcome {@code success} or
     * {@code failure}), and the MDC keys {@code ssm.sync.id} and {@code ssm.node} on its thread until it ends.
     */
    private SyncResult run(SyncLease lease) {
        Observation observation = SdkObservations.start(http.config().observationRegistry(), SdkObservations.SYNC, "ssm sync");
        try (SdkMdc.Scope mdc = SdkMdc.put(SdkMdc.SYNC_ID, UUID.randomUUID().toString()).and(SdkMdc.put(SdkMdc.NODE, nodeName));
                Observation.Scope scope = observation.openScope()) {
            SyncResult result = runSync(lease);
            if (result.isSuccess()) {
                SdkObservations.stop(observation, "success");
            } else {
                SdkObservations.fail(observation, result.failure().orElse(null), "failure");
            }
            return result;
        } catch (RuntimeException | Error e) {
            SdkObservations.fail(observation, e, "failure");
            throw e;
        }
    }

    private SyncResult runSync(SyncLease lease) {
        Instant started = clock.instant();
        long startNanos = System.nanoTime();
        Map<String, LicenseChanges> changes = new LinkedHashMap<>();
        List<DeliveryResult> deliveries = new ArrayList<>();
        long[] pulled = {0};
        boolean noAccount = accounts.isEmpty();
        if (noAccount) {
            LOG.warn("No smart account is configured: this sync pulls no licenses and only delivers pending usage. "
                    + "Configure SsmSyncClient.Builder.account(...) to pull licenses.");
        }
        SyncDeadline deadline = SyncDeadline.after(clock, syncTimeout);
        SyncDeadline licenseDeadline = deadline.atMost(syncTimeout.dividedBy(2));
        SsmException licenseError = noAccount ? null
                : overrun("licenses", licenseDeadline, step(() -> pullLicenses(changes, pulled, lease, licenseDeadline)),
                        pulled[0] + " licenses pulled, the rest left for the next sync");
        SsmException usageError = step(() -> deliveries.addAll(usage.deliverPending(lease, deadline)));
        if (usageError == null) {
            // Awaiting an acknowledgement is no failure; a dead letter or a failed attempt is.
            usageError = deliveries.stream().filter(d -> d.status() == ReportStatus.DEAD || d.failure() != null).findFirst()
                    .map(d -> (SsmException) new UsageDeliveryException(d)).orElse(null);
        }
        usageError = overrun("usage", deadline, usageError, deliveries.stream().filter(d -> !d.delivered()).count()
                + " of the reports it worked on still pending, delivered by the next sync");
        SsmException error = licenseError != null ? licenseError : usageError;
        List<SyncOutcome.Step> steps = noAccount ? List.of(stepResult("usage", usageError))
                : List.of(stepResult("licenses", licenseError), stepResult("usage", usageError));
        int delivered = (int) deliveries.stream().filter(DeliveryResult::delivered).count();
        UsageCounts counts = readCounts();
        int pending = counts == null ? -1 : counts.pending();
        if (counts != null && pending > deliveries.stream().filter(d -> d.status() == ReportStatus.PENDING).count()) {
            deliveries.addAll(heldElsewhere(deliveries));
        }
        List<DeadLetter> dead = counts == null || counts.dead() == 0 ? List.of() : readOrEmpty(store::dead);
        List<QuarantinedEntry> quarantined = readOrEmpty(this::quarantined);
        Instant finished = clock.instant();
        SyncOutcome outcome = new SyncOutcome(started, finished, error == null, pulled[0], delivered, pending,
                error == null ? null : error.getClass().getSimpleName(), error == null ? null : error.getMessage(),
                dead.stream().map(DeadLetter::reportId).toList(), quarantined.stream().map(QuarantinedEntry::id).toList(), steps);
        try {
            if (!(error instanceof SyncLockException)) {
                // With the lease lost or unverifiable, the outcome another node records must stand.
                fence(lease);
                store.saveOutcome(outcome);
            }
        } catch (SsmException e) {
            LOG.warn("Could not record the sync outcome: {}", e.getMessage());
            if (error == null) {
                error = e;
            }
        }
        if (error == null) {
            lastSuccessEpochSeconds.set(finished.getEpochSecond());
        }
        String tag = error == null ? "success" : "failure";
        Meters.count(registry, "ssm.sync.runs", "Sync runs", "runs", "outcome", tag);
        Meters.time(registry, "ssm.sync.duration", "Sync duration", System.nanoTime() - startNanos, "outcome", tag);
        SyncResult result = new SyncResult(outcome, changes, deliveries,
                quarantined.stream().map(QuarantinedEntry::description).toList(), error, dead);
        LOG.info("SSM sync {}: {} licenses pulled, {} usage reports delivered, {} pending, {} dead, {} acknowledgements not taken, "
                + "{} quarantined{}", error == null ? "succeeded" : "failed", pulled[0], delivered, pending, dead.size(),
                counts == null ? "?" : counts.acknowledgements(), quarantined.size(),
                error == null ? "" : " (" + error.getClass().getSimpleName() + ")");
        return result;
    }

    /**
     * A step's failure, as a {@link SyncDeadlineExceededException} when its deadline passed (whatever
     * the failure it caused); otherwise unchanged.
     */
    private static SsmException overrun(String step, SyncDeadline deadline, SsmException failure, String what) {
        if (failure == null || failure instanceof SyncDeadlineExceededException || !deadline.passed()) {
            return failure;
        }
        return new SyncDeadlineExceededException(step, deadline.at(), deadline.limit(), what, failure);
    }

    /** Pulls and snapshots every account; returns normally when only some accounts were refused, throwing the first refusal after. */
    private void pullLicenses(Map<String, LicenseChanges> changes, long[] pulled, SyncLease lease, SyncDeadline deadline) {
        SsmException refused = null;
        tokens.token();
        for (AccountSelection selection : accounts) {
            if (deadline.passed()) {
                throw new SyncDeadlineExceededException("licenses", deadline.at(), deadline.limit(),
                        "the pull stopped before smart account " + selection.account() + "; " + pulled[0] + " licenses pulled", null);
            }
            try (SdkMdc.Scope account = SdkMdc.put(SdkMdc.ACCOUNT, selection.account())) {
                List<License> current;
                try (Stream<License> stream = licenses.stream(selection.account(), selection.virtualAccounts(), deadline)) {
                    current = stream.collect(Collectors.toList());
                }
                pulled[0] += current.size();
                List<License> previous = store.loadSnapshot(selection.account()).map(LicenseSnapshot::licenses).orElse(null);
                changes.put(selection.account(), LicenseChanges.between(previous, current));
                fence(lease);
                store.saveSnapshot(new LicenseSnapshot(selection.account(), selection.virtualAccounts(), clock.instant(), current));
            } catch (SsmServiceException e) {
                if (e.isRetryable() || e.statusCode() >= 500) {
                    throw e;
                }
                // This account was refused (a 404 for a mistyped domain, say); the others still go ahead.
                refused = refused == null ? e : refused;
            } catch (io.github.ssmonprem.sync.store.SyncStoreException e) {
                // The snapshot could not be written (a full disk): the other accounts and the usage still go ahead.
                refused = refused == null ? e : refused;
            }
        }
        licensesInLastPull.set(pulled[0]);
        if (refused != null) {
            throw refused;
        }
    }

    /** Runs a step, returning its failure instead of throwing it. */
    private static SsmException step(Runnable body) {
        try {
            body.run();
            return null;
        } catch (SsmException e) {
            return e;
        } catch (RuntimeException e) {
            return new SsmException("The sync failed unexpectedly: " + e.getClass().getSimpleName() + ".",
                    "This is a bug in the SDK or the store in use; report it with the log.", false, e);
        }
    }

    private static SyncOutcome.Step stepResult(String name, SsmException error) {
        return new SyncOutcome.Step(name, error == null, error == null ? null : error.getClass().getSimpleName(),
                error == null ? null : error.getMessage());
    }

    private UsageCounts readCounts() {
        try {
            return store.counts();
        } catch (SsmException e) {
            LOG.warn("Could not read the sync state: {}", e.getMessage());
            return null;
        }
    }

    /** The pending reports other nodes hold, each with whose claim and until when. */
    private List<DeliveryResult> heldElsewhere(List<DeliveryResult> known) {
        Instant now = clock.instant();
        List<DeliveryResult> out = new ArrayList<>();
        for (io.github.ssmonprem.sync.store.PendingReport p : readOrEmpty(store::pending)) {
            boolean mine = known.stream().anyMatch(d -> d.reportId().equals(p.reportId()));
            if (!mine && p.claimOwner() != null && !p.claimOwner().equals(nodeName) && p.claimedUntil() != null
                    && p.claimedUntil().isAfter(now)) {
                out.add(new DeliveryResult(p.reportId(), ReportStatus.PENDING, p.pollId(), List.of(), "claimed by node "
                        + p.claimOwner() + " until " + p.claimedUntil() + ", which delivers it", null, null));
            }
        }
        return out;
    }

    private static <T> List<T> readOrEmpty(java.util.function.Supplier<List<T>> read) {
        try {
            return read.get();
        } catch (SsmException e) {
            LOG.warn("Could not read the sync state: {}", e.getMessage());
            return List.of();
        }
    }

    /**
     * Closes what this client created: its token provider, the transport, the store of its state directory, the
     * threads that generate request bodies, and the threads of {@link #submitUsageAsync(UsageReport)} (interrupting a
     * delivery under way, whose report stays pending, waiting up to 10 s). A transport, store or token
     * provider given to the builder stays open: its owner closes it.
     */
    @Override
    public void close() {
        ExecutorService executor;
        synchronized (asyncLock) {
            closed = true;
            executor = asyncExecutor;
        }
        if (executor != null) {
            executor.shutdownNow();
            try {
                if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                    LOG.warn("Usage submissions still running after 10 s; closing the client under them");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        asyncQueued.forEach((future, claimed) -> {
            if (claimed.compareAndSet(false, true)) {
                future.completeExceptionally(new IllegalStateException(
                        "The SSM sync client was closed before this usage report was submitted; it was not stored or sent."));
            }
        });
        asyncQueued.clear();
        if (ownsTokens) {
            tokens.close();
        }
        if (ownsHttp) {
            http.close();
        }
        if (ownsStore) {
            store.close();
        }
    }

    @Override
    public String toString() {
        return "SsmSyncClient{" + http + ", " + tokens.grant() + ", store=" + store + ", accounts=" + accounts + "}";
    }

    /** Builds an {@link SsmSyncClient}. */
    public static final class Builder {
        private SsmClientConfig config;
        private SsmHttpClient http;
        private OAuthGrant grant;
        private Consumer<OAuthTokenProvider.Builder> tokenCustomizer;
        private OAuthTokenProvider tokenProvider;
        private SyncStore store;
        private Path stateDirectory;
        private final List<AccountSelection> accounts = new ArrayList<>();
        private int pageSize = 100;
        private Duration ackTimeout = Duration.ofMinutes(10);
        private int deliveryConcurrency = 4;
        private Sudi requestingSystem;
        private int maxUploadBytes = DEFAULT_MAX_UPLOAD_BYTES;
        private Duration maxPollInterval = Duration.ofMinutes(5);
        private java.util.regex.Pattern alreadyReceived = DEFAULT_ALREADY_RECEIVED;
        private Consumer<Acknowledgement> acknowledgementListener = ack -> { };
        private String nodeName;
        private Duration claimLease = DEFAULT_CLAIM_LEASE;
        private Duration syncTimeout = DEFAULT_SYNC_TIMEOUT;
        private long maxLicenses = DEFAULT_MAX_LICENSES;
        private int maxLicensePages = DEFAULT_MAX_LICENSE_PAGES;

        private Builder() {
        }

        /**
         * Sets the overall limit of one {@link SsmSyncClient#sync()} (default 15 min), whoever runs it (the
         * {@link SyncScheduler}, the command line, your code). The license step may use at most half of it;
         * the usage step the rest. A sync that runs out of time ends where it is, with a
         * {@link SyncDeadlineExceededException} in its result.
         *
         * @param timeout the limit, at least 1 s
         * @return this builder
         */
        public Builder syncTimeout(Duration timeout) {
            this.syncTimeout = timeout;
            return this;
        }

        /**
         * Sets the most licenses one pull of an account accepts (default 1,000,000): a server announcing or
         * sending more fails the pull with a {@code MalformedResponseException} instead of filling the heap.
         *
         * @param max the cap, at least 1
         * @return this builder
         */
        public Builder maxLicenses(long max) {
            this.maxLicenses = max;
            return this;
        }

        /**
         * Sets the most pages one pull of an account asks for (default 10,000): a server that never says the
         * listing is done (short pages forever) fails the pull there.
         *
         * @param max the cap, at least 1
         * @return this builder
         */
        public Builder maxLicensePages(int max) {
            this.maxLicensePages = max;
            return this;
        }

        /**
         * Sets the server and transport configuration; required unless {@link #http} is given.
         *
         * @param config the server and transport configuration; required unless {@link #http} is given
         * @return this builder
         */
        public Builder config(SsmClientConfig config) {
            this.config = config;
            return this;
        }

        /**
         * Sets an existing transport to share (not closed by this client).
         *
         * @param http an existing transport to share (not closed by this client)
         * @return this builder
         */
        public Builder http(SsmHttpClient http) {
            this.http = http;
            return this;
        }

        /**
         * Sets the API Toolkit grant; required unless a {@link #tokenProvider token provider} is given.
         *
         * @param grant the API Toolkit grant
         * @return this builder
         */
        public Builder grant(OAuthGrant grant) {
            this.grant = grant;
            return this;
        }

        /**
         * Adjusts the token provider (margins, scope, client authentication).
         *
         * @param customizer adjusts the token provider (margins, scope, client authentication)
         * @return this builder
         */
        public Builder tokens(Consumer<OAuthTokenProvider.Builder> customizer) {
            this.tokenCustomizer = customizer;
            return this;
        }

        /**
         * Sets an existing token provider to share (not closed by this client), instead of a
         * {@link #grant grant}: the client and the other users of the provider then hold one token
         * cache and cause one token request per refresh between them. The provider's grant is the
         * client's; it should use the same server as {@link #config config} or {@link #http http}.
         * Not combined with {@link #grant} or {@link #tokens}.
         *
         * @param provider the token provider to share
         * @return this builder
         */
        public Builder tokenProvider(OAuthTokenProvider provider) {
            this.tokenProvider = Objects.requireNonNull(provider, "provider");
            return this;
        }

        /**
         * Sets where pending usage, snapshots and outcomes live.
         *
         * @param store where pending usage, snapshots and outcomes live
         * @return this builder
         */
        public Builder store(SyncStore store) {
            this.store = store;
            return this;
        }

        /**
         * Sets the state directory of a {@link FileSyncStore} (the default store).
         *
         * @param directory the state directory of a {@link FileSyncStore} (the default store)
         * @return this builder
         */
        public Builder stateDirectory(Path directory) {
            this.stateDirectory = directory;
            return this;
        }

        /**
         * Sets an account for {@link SsmSyncClient#sync()}.
         *
         * @param selection an account for {@link SsmSyncClient#sync()}
         * @return this builder
         */
        public Builder account(AccountSelection selection) {
            this.accounts.add(Objects.requireNonNull(selection));
            return this;
        }

        /**
         * Sets the accounts for {@link SsmSyncClient#sync()}.
         *
         * @param selections the accounts for {@link SsmSyncClient#sync()}
         * @return this builder
         */
        public Builder accounts(List<AccountSelection> selections) {
            this.accounts.clear();
            this.accounts.addAll(selections);
            return this;
        }

        /**
         * Sets how many licenses a page holds (default 100).
         *
         * @param size licenses per page (default 100)
         * @return this builder
         */
        public Builder pageSize(int size) {
            this.pageSize = size;
            return this;
        }

        /**
         * Sets how many pending reports a delivery submits at once (default 4). Their
         * acknowledgements are then polled together, so the wait for them is paid about once.
         *
         * @param reports at most this many submissions in flight (positive)
         * @return this builder
         */
        public Builder deliveryConcurrency(int reports) {
            this.deliveryConcurrency = reports;
            return this;
        }

        /**
         * Sets how long one delivery polls for the acknowledgement (default 10 min).
         *
         * @param timeout how long one delivery polls for the acknowledgement (default 10 min)
         * @return this builder
         */
        public Builder ackTimeout(Duration timeout) {
            this.ackTimeout = timeout;
            return this;
        }

        /**
         * Sets the name this client claims pending reports under while it delivers them (default: the
         * host name, the process id and a number for the client, such as {@code vmanage-2/4711/1}). It
         * must be unique among the clients sharing a store; a stable name lets a restarted node resume
         * its own claims at once instead of waiting for them to expire.
         *
         * @param name the node name, 1 to 200 characters
         * @return this builder
         */
        public Builder nodeName(String name) {
            this.nodeName = name;
            return this;
        }

        /**
         * Sets how long a claim on a pending report holds unless renewed (default 5 min): how soon the
         * reports of a node that died mid-delivery are delivered by another. Renewed while the delivery
         * runs. On a cluster keep it no longer than the sync lock's lease time, so the node that takes
         * over a dead node's lease finds its reports free.
         *
         * @param lease the claim's lease, at least 1 s
         * @return this builder
         */
        public Builder claimLease(Duration lease) {
            this.claimLease = lease;
            return this;
        }

        /**
         * Sets the identity of the system that uploads usage, sent with every usage call as
         * {@code X-CSW-REQUESTING-SYSTEM}: the management application's own UDI (product id and serial
         * number). Without it, each upload names its first device.
         *
         * @param system the application's UDI
         * @return this builder
         */
        public Builder requestingSystem(Sudi system) {
            this.requestingSystem = system;
            return this;
        }

        /**
         * Sets the largest upload body (default 512 KiB, well under the 1 MiB nginx in front of SSM
         * On-Prem accepts by default): a report whose upload would be larger is stored and delivered
         * as several, each acknowledged on its own.
         *
         * @param bytes at least 4 KiB
         * @return this builder
         */
        public Builder maxUploadBytes(int bytes) {
            this.maxUploadBytes = bytes;
            return this;
        }

        /**
         * Sets the longest wait between acknowledgement polls, whatever the server asks with
         * {@code poll_interval} (default 5 min; real servers ask for 300 s).
         *
         * @param interval at least 1 s
         * @return this builder
         */
        public Builder maxPollInterval(Duration interval) {
            this.maxPollInterval = interval;
            return this;
        }

        /**
         * Sets what a {@code FAILED} answer's message or message code matches when the server refuses
         * reports it already has (a second upload): such a report is delivered
         * ({@link io.github.ssmonprem.sync.usage.ReportStatus#ALREADY_RECEIVED}), not a dead letter. The
         * server's exact wording is not documented; the default,
         * {@code (?i)already\s+(been\s+)?(received|reported|uploaded|processed|exists)|duplicate},
         * covers the usual ones. Change it when your server words it otherwise.
         *
         * @param pattern searched for in the message and the message code
         * @return this builder
         */
        public Builder alreadyReceivedPattern(java.util.regex.Pattern pattern) {
            this.alreadyReceived = Objects.requireNonNull(pattern, "pattern");
            return this;
        }

        /**
         * Sets who is told of each acknowledgement once it is stored (on the delivering thread; a
         * listener that throws is logged and skipped). The acknowledgement stays in the store until
         * taken ({@link UsageOperations#take}), whatever the listener does.
         *
         * @param listener called with each acknowledgement
         * @return this builder
         */
        public Builder acknowledgementListener(Consumer<Acknowledgement> listener) {
            this.acknowledgementListener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Validates and builds. Without a store or state directory, the state lives in
         * {@code ~/.ssm-onprem-sdk/state}.
         *
         * @return the client
         * @throws SsmConfigurationException naming the invalid setting
         */
        public SsmSyncClient build() {
            if (config == null && http == null) {
                throw new SsmConfigurationException("config", "the server configuration (SsmClientConfig) is required");
            }
            if (tokenProvider != null && (grant != null || tokenCustomizer != null)) {
                throw new SsmConfigurationException("tokenProvider",
                        "give either a token provider or a grant (with its token settings), not both");
            }
            if (grant == null && tokenProvider == null) {
                throw new SsmConfigurationException("grant", "an API Toolkit grant (password or client credentials) is required");
            }
            if (store != null && stateDirectory != null) {
                throw new SsmConfigurationException("store", "give either a store or a state directory, not both");
            }
            if (store == null && stateDirectory == null) {
                stateDirectory = Path.of(System.getProperty("user.home"), ".ssm-onprem-sdk", "state");
            }
            if (pageSize < 1 || pageSize > 10_000) {
                throw new SsmConfigurationException("pageSize", "must be between 1 and 10000, was " + pageSize);
            }
            if (maxUploadBytes < 4096) {
                throw new SsmConfigurationException("maxUploadBytes", "must be at least 4096, was " + maxUploadBytes);
            }
            if (maxPollInterval == null || maxPollInterval.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new SsmConfigurationException("maxPollInterval", "must be at least 1 s, was " + maxPollInterval);
            }
            if (deliveryConcurrency < 1 || deliveryConcurrency > 64) {
                throw new SsmConfigurationException("deliveryConcurrency", "must be 1 to 64, was " + deliveryConcurrency);
            }
            if (nodeName != null && (nodeName.isBlank() || nodeName.length() > 200)) {
                throw new SsmConfigurationException("nodeName", "must be 1 to 200 characters and not blank");
            }
            if (claimLease == null || claimLease.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new SsmConfigurationException("claimLease", "must be at least 1 s, was " + claimLease);
            }
            if (syncTimeout == null || syncTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new SsmConfigurationException("syncTimeout", "must be at least 1 s, was " + syncTimeout);
            }
            if (maxLicenses < 1) {
                throw new SsmConfigurationException("maxLicenses", "must be at least 1, was " + maxLicenses);
            }
            if (maxLicensePages < 1) {
                throw new SsmConfigurationException("maxLicensePages", "must be at least 1, was " + maxLicensePages);
            }
            if (ackTimeout == null || ackTimeout.isNegative()) {
                throw new SsmConfigurationException("ackTimeout", "must be zero or positive, was " + ackTimeout);
            }
            return new SsmSyncClient(this);
        }
    }
}
