package io.github.ssmonprem.sync;

import io.github.ssmonprem.auth.OAuthTokenProvider;
import io.github.ssmonprem.core.http.SsmHttpClient;
import io.github.ssmonprem.sync.internal.AsyncSubmissions;
import io.github.ssmonprem.sync.internal.LicenseService;
import io.github.ssmonprem.sync.internal.NodeNames;
import io.github.ssmonprem.sync.internal.cycle.SyncCycle;
import io.github.ssmonprem.sync.internal.cycle.SyncMetrics;
import io.github.ssmonprem.sync.internal.usage.Authorizations;
import io.github.ssmonprem.sync.internal.usage.UsageDelivery;
import io.github.ssmonprem.sync.internal.usage.UsageProtocol;
import io.github.ssmonprem.sync.lock.SyncLease;
import io.github.ssmonprem.sync.model.Account;
import io.github.ssmonprem.sync.model.License;
import io.github.ssmonprem.sync.store.FileSyncStore;
import io.github.ssmonprem.sync.store.LicenseSnapshot;
import io.github.ssmonprem.sync.store.Quarantine;
import io.github.ssmonprem.sync.store.SyncOutcome;
import io.github.ssmonprem.sync.store.SyncStore;
import io.github.ssmonprem.sync.store.UsageCounts;
import io.github.ssmonprem.sync.usage.Acknowledgement;
import io.github.ssmonprem.sync.usage.AuthorizationRequest;
import io.github.ssmonprem.sync.usage.DeliveryResult;
import io.github.ssmonprem.sync.usage.ReportStatus;
import io.github.ssmonprem.sync.usage.UsageReport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.stream.Collectors;
import java.util.stream.Stream;

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

    private final SsmHttpClient http;
    private final boolean ownsHttp;
    private final OAuthTokenProvider tokens;
    private final boolean ownsTokens;
    private final SyncStore store;
    private final boolean ownsStore;
    private final List<AccountSelection> accounts;
    private final String nodeName;
    private final Duration claimLease;
    private final Duration syncTimeout;
    private final LicenseService licenses;
    private final UsageDelivery usage;
    private final Authorizations authorizations;
    private final UsageOperations operations;
    private final SyncMetrics metrics;
    private final SyncCycle cycle;
    private final AsyncSubmissions<List<DeliveryResult>> async;

    SsmSyncClient(SsmSyncClientBuilder b) {
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
        Clock clock = http.config().clock();
        this.ownsStore = b.store == null;
        this.store = b.store != null ? b.store : new FileSyncStore(b.stateDirectory, clock);
        this.accounts = List.copyOf(b.accounts);
        this.nodeName = b.nodeName != null ? b.nodeName : NodeNames.nextClient();
        this.claimLease = b.claimLease;
        this.syncTimeout = b.syncTimeout;
        this.licenses = new LicenseService(http, tokens, b.pageSize, b.maxLicenses, b.maxLicensePages);
        UsageProtocol protocol = new UsageProtocol(http, tokens, b.requestingSystem, b.alreadyReceived);
        this.usage = new UsageDelivery(protocol, store, clock, http.config().sleeper(), new UsageDelivery.Settings(nodeName,
                b.claimLease, b.ackTimeout, b.deliveryConcurrency, b.maxPollInterval, b.maxUploadBytes), b.acknowledgementListener);
        this.authorizations = new Authorizations(protocol, store, clock, http.config().sleeper(), b.ackTimeout, b.maxPollInterval,
                b.acknowledgementListener);
        this.operations = new UsageOperations(store);
        this.metrics = new SyncMetrics(http.config().meterRegistry().orElse(null), store);
        this.cycle = new SyncCycle(new SyncCycle.Parts(tokens, licenses, usage, store, metrics, clock,
                http.config().observationRegistry()), accounts, syncTimeout, nodeName);
        this.async = new AsyncSubmissions<>(b.deliveryConcurrency);
    }

    /** {@return a builder} */
    public static SsmSyncClientBuilder builder() {
        return new SsmSyncClientBuilder();
    }

    /** {@return the transport, for other calls against the same server} */
    public SsmHttpClient http() {
        return http;
    }

    /** {@return the token provider} */
    public OAuthTokenProvider tokens() {
        return tokens;
    }

    /** {@return the state store} */
    public SyncStore store() {
        return store;
    }

    /**
     * {@return the node name this client claims pending reports under, and holds the cluster's sync lock
     * under when a {@link SyncScheduler} with a lock runs it ({@link SsmSyncClientBuilder#nodeName(String)})}
     */
    @Override
    public String nodeName() {
        return nodeName;
    }

    /**
     * {@return how long this client's claim on a pending report holds unless renewed
     * ({@link SsmSyncClientBuilder#claimLease(Duration)})}
     */
    public Duration claimLease() {
        return claimLease;
    }

    /** {@return the overall limit of one sync ({@link SsmSyncClientBuilder#syncTimeout(Duration)})} */
    public Duration syncTimeout() {
        return syncTimeout;
    }

    /** {@return the accounts {@link #sync()} covers} */
    public List<AccountSelection> accounts() {
        return accounts;
    }

    /** {@return the smart accounts and virtual accounts the user can see} */
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
     * {@return every license of an account, all pages}
     *
     * @param account the smart account domain
     * @param virtualAccounts the virtual accounts; empty for all
     */
    public List<License> licenses(String account, List<String> virtualAccounts) {
        try (Stream<License> stream = streamLicenses(account, virtualAccounts)) {
            return stream.collect(Collectors.toList());
        }
    }

    /**
     * Stores a usage report durably, claimed by this client, then uploads it and polls for its
     * acknowledgements, which are stored the moment they arrive (and handed to the
     * {@link SsmSyncClientBuilder#acknowledgementListener acknowledgement listener}). A report whose
     * upload would exceed {@link SsmSyncClientBuilder#maxUploadBytes(int)} is stored and delivered as
     * several, each acknowledged on its own. A report whose id is known sends nothing: a delivered or
     * dead one returns its state; a pending one is delivered now, unless another node holds it. A new
     * report whose account or virtual account the grant does not see (the account search, before any
     * of it is sent, tells) is discarded rather than kept as a dead letter, and the error thrown.
     *
     * <p>This call blocks the calling thread until the server acknowledges the report or the
     * acknowledgement timeout ({@link SsmSyncClientBuilder#ackTimeout(Duration)}) passes, polling as
     * the server asks: with a real server that takes minutes. Use {@link #submitUsageAsync(UsageReport)}
     * not to block.
     *
     * @param report the report
     * @return one result per stored report (one, unless it was split), in order
     * @throws io.github.ssmonprem.sync.store.SyncStoreException when it cannot be stored; nothing of it was sent
     * @throws io.github.ssmonprem.sync.usage.InvalidUsageReportException when a RUM report alone exceeds
     *     the upload size; nothing was stored or sent
     * @throws AccountNotFoundException when the grant sees no such account or virtual account (its
     *     {@code setting()} says which); nothing was sent, and the report is not kept
     */
    public List<DeliveryResult> submitUsage(UsageReport report) {
        return usage.submit(Objects.requireNonNull(report, "report"));
    }

    /**
     * Does what {@link #submitUsage(UsageReport)} does on a thread the client owns, and returns at once.
     * The client's threads (as many as {@link SsmSyncClientBuilder#deliveryConcurrency(int)}, daemon)
     * start with the first call and stop when the client closes. A report whose submission has not
     * started when the client closes completes exceptionally with an {@link IllegalStateException} (it
     * was not stored); one being delivered stays stored and pending, and a later sync delivers it.
     *
     * @param report the report
     * @return the delivery's result; completes exceptionally with what {@code submitUsage} throws
     */
    public CompletableFuture<List<DeliveryResult>> submitUsageAsync(UsageReport report) {
        Objects.requireNonNull(report, "report");
        return async.submit(() -> submitUsage(report), () -> new IllegalStateException(
                "The SSM sync client is closed; usage report " + report.reportId() + " was not stored or sent."));
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
        return async.submit(() -> submitUsage(report), executor);
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
        return usage.deliverPending();
    }

    /**
     * Requests an authorization code (HSEC, SLAC) for a device, or returns the code it holds
     * ({@link AuthorizationRequest#returnOf}), and waits for the server's answer through the same
     * request-then-poll exchange as usage: polling as the server asks until the code comes or the
     * acknowledgement timeout ({@link SsmSyncClientBuilder#ackTimeout(Duration)}) passes. The request is
     * made in the device's name (its SUDI is the requesting system).
     *
     * <p>The code comes back as an {@link Acknowledgement} of kind
     * {@link io.github.ssmonprem.sync.usage.AcknowledgementKind#AUTHORIZATION} (or {@code RETURN}, the
     * confirmation of a return): it is kept in the store before this method returns, handed to the
     * {@link SsmSyncClientBuilder#acknowledgementListener acknowledgement listener}, and listed by
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

    /** {@return the last sync's outcome, stored durably and readable while offline} */
    public Optional<SyncOutcome> lastOutcome() {
        return store.lastOutcome();
    }

    /**
     * {@return when the last successful sync finished: the newest successful outcome this client read
     * in the store or recorded itself (on a cluster, any node's); empty before the first. What the gauge
     * {@code ssm.sync.last.success} shows}
     */
    public Optional<Instant> lastSuccess() {
        return metrics.lastSuccess();
    }

    /**
     * {@return the last pulled licenses of the account, stored durably and readable while offline}
     *
     * @param account the smart account domain
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
     * {@return the state an operator checks: the last sync's outcome, how many reports are pending and
     * dead, how many acknowledgements wait to be taken, and how many entries are quarantined}
     *
     * @throws io.github.ssmonprem.sync.store.SyncStoreException when the store cannot be read
     */
    public SyncStatus status() {
        UsageCounts counts = store.counts();
        return new SyncStatus(store.lastOutcome().orElse(null), counts.pending(), counts.dead(), counts.acknowledgements(),
                store.quarantine().map(Quarantine::quarantined).orElse(List.of()).size());
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
     * <p>The sync as a whole is bounded by {@link SsmSyncClientBuilder#syncTimeout(Duration)} (default
     * 15 min): the license step may use at most half of it, so a server that keeps the pull busy never
     * keeps the pending usage from being delivered, and the usage step the rest. A step that runs out of
     * time ends where it is (its requests cut, nothing more sent, pending reports left pending) and the
     * result carries a {@link SyncDeadlineExceededException}.
     *
     * <p>With no account configured (a client that only delivers usage) there is no license step: the
     * sync logs a warning, pulls nothing, delivers the pending usage, and its result says so with
     * {@link SyncResult#licensesSkipped()}; it is a success when the usage step succeeds.
     *
     * @return the result
     */
    @Override
    public SyncResult sync() {
        return cycle.run(null);
    }

    /**
     * Runs one sync under a lease of the cluster's sync lock, as {@link SyncScheduler} does on a
     * cluster. Before it writes a license snapshot and before it records the outcome, it checks that
     * the lease is still held ({@link SyncLease#ensureHeld()}): a node that lost its lease writes
     * neither, ends the sync there and reports a {@link io.github.ssmonprem.sync.lock.SyncLockLostException}.
     * The usage delivery needs no lease: each report's claim in the store keeps every other node from
     * sending it, and the store applies this node's writes of it only while the claim is this node's.
     *
     * @param lease the lease held for this sync
     * @return the result
     */
    @Override
    public SyncResult sync(SyncLease lease) {
        return cycle.run(Objects.requireNonNull(lease, "lease"));
    }

    /**
     * Closes what this client created: its token provider, the transport, the store of its state
     * directory, the threads that generate request bodies, and the threads of
     * {@link #submitUsageAsync(UsageReport)} (interrupting a delivery under way, whose report stays
     * pending, waiting up to 10 s). A transport, store or token provider given to the builder stays open:
     * its owner closes it.
     */
    @Override
    public void close() {
        async.close(() -> new IllegalStateException(
                "The SSM sync client was closed before this usage report was submitted; it was not stored or sent."));
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
}
