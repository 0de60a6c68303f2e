package io.github.ssmonprem.sync;

import io.github.ssmonprem.auth.OAuthGrant;
import io.github.ssmonprem.auth.OAuthTokenProvider;
import io.github.ssmonprem.core.SsmClientConfig;
import io.github.ssmonprem.core.exception.SsmConfigurationException;
import io.github.ssmonprem.core.http.SsmHttpClient;
import io.github.ssmonprem.sync.internal.NodeNames;
import io.github.ssmonprem.sync.store.FileSyncStore;
import io.github.ssmonprem.sync.store.SyncStore;
import io.github.ssmonprem.sync.usage.Acknowledgement;
import io.github.ssmonprem.sync.usage.Sudi;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Builds an {@link SsmSyncClient} ({@link SsmSyncClient#builder()}): the server (a configuration or
 * a transport to share), the grant (or a token provider to share), where the state lives (a store, or
 * the state directory of the default {@link FileSyncStore}), the accounts a sync covers, and the
 * limits of the license pull and the usage delivery. Validated by {@link #build()}. Not thread-safe.
 */
public final class SsmSyncClientBuilder {

    /** The largest upload body unless configured: 512 KiB, well under nginx's default 1 MiB. */
    public static final int DEFAULT_MAX_UPLOAD_BYTES = 512 * 1024;
    /** What a {@code FAILED} answer for reports the server already has says, unless configured. */
    public static final Pattern DEFAULT_ALREADY_RECEIVED = Pattern.compile(
            "(?i)already\\s+(been\\s+)?(received|reported|uploaded|processed|exists)|duplicate");
    /** The overall limit of one sync unless configured. */
    public static final Duration DEFAULT_SYNC_TIMEOUT = Duration.ofMinutes(15);
    /** The most licenses one pull accepts unless configured. */
    public static final long DEFAULT_MAX_LICENSES = 1_000_000;
    /** The most pages one pull asks for unless configured. */
    public static final int DEFAULT_MAX_LICENSE_PAGES = 10_000;
    /** How long a claim on a pending report holds unless renewed, unless configured. */
    private static final Duration DEFAULT_CLAIM_LEASE = Duration.ofMinutes(5);

    SsmClientConfig config;
    SsmHttpClient http;
    OAuthGrant grant;
    Consumer<OAuthTokenProvider.Builder> tokenCustomizer;
    OAuthTokenProvider tokenProvider;
    SyncStore store;
    Path stateDirectory;
    final List<AccountSelection> accounts = new ArrayList<>();
    int pageSize = 100;
    Duration ackTimeout = Duration.ofMinutes(10);
    int deliveryConcurrency = 4;
    Sudi requestingSystem;
    int maxUploadBytes = DEFAULT_MAX_UPLOAD_BYTES;
    Duration maxPollInterval = Duration.ofMinutes(5);
    Pattern alreadyReceived = DEFAULT_ALREADY_RECEIVED;
    Consumer<Acknowledgement> acknowledgementListener = ack -> { };
    String nodeName;
    Duration claimLease = DEFAULT_CLAIM_LEASE;
    Duration syncTimeout = DEFAULT_SYNC_TIMEOUT;
    long maxLicenses = DEFAULT_MAX_LICENSES;
    int maxLicensePages = DEFAULT_MAX_LICENSE_PAGES;

    SsmSyncClientBuilder() {
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
    public SsmSyncClientBuilder syncTimeout(Duration timeout) {
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
    public SsmSyncClientBuilder maxLicenses(long max) {
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
    public SsmSyncClientBuilder maxLicensePages(int max) {
        this.maxLicensePages = max;
        return this;
    }

    /**
     * Sets the server and transport configuration; required unless {@link #http} is given.
     *
     * @param config the configuration
     * @return this builder
     */
    public SsmSyncClientBuilder config(SsmClientConfig config) {
        this.config = config;
        return this;
    }

    /**
     * Shares an existing transport, which this client does not close.
     *
     * @param http the transport
     * @return this builder
     */
    public SsmSyncClientBuilder http(SsmHttpClient http) {
        this.http = http;
        return this;
    }

    /**
     * Sets the API Toolkit grant; required unless a {@link #tokenProvider token provider} is given.
     *
     * @param grant the grant
     * @return this builder
     */
    public SsmSyncClientBuilder grant(OAuthGrant grant) {
        this.grant = grant;
        return this;
    }

    /**
     * Adjusts the token provider the client makes for its grant (margins, scope, client authentication).
     *
     * @param customizer called with the provider's builder
     * @return this builder
     */
    public SsmSyncClientBuilder tokens(Consumer<OAuthTokenProvider.Builder> customizer) {
        this.tokenCustomizer = customizer;
        return this;
    }

    /**
     * Shares an existing token provider (not closed by this client), instead of a {@link #grant grant}:
     * the client and the other users of the provider then hold one token cache and cause one token
     * request per refresh between them. The provider's grant is the client's; it should use the same
     * server as {@link #config config} or {@link #http http}. Not combined with {@link #grant} or
     * {@link #tokens}.
     *
     * @param provider the token provider to share
     * @return this builder
     */
    public SsmSyncClientBuilder tokenProvider(OAuthTokenProvider provider) {
        this.tokenProvider = Objects.requireNonNull(provider, "provider");
        return this;
    }

    /**
     * Sets where pending usage, snapshots and outcomes live; not combined with {@link #stateDirectory}.
     *
     * @param store the store, which this client does not close
     * @return this builder
     */
    public SsmSyncClientBuilder store(SyncStore store) {
        this.store = store;
        return this;
    }

    /**
     * Sets the state directory of the default store, a {@link FileSyncStore} this client opens and
     * closes (default {@code ~/.ssm-onprem-sdk/state}).
     *
     * @param directory the directory
     * @return this builder
     */
    public SsmSyncClientBuilder stateDirectory(Path directory) {
        this.stateDirectory = directory;
        return this;
    }

    /**
     * Adds an account to those {@link SsmSyncClient#sync()} covers.
     *
     * @param selection the smart account and its virtual accounts
     * @return this builder
     */
    public SsmSyncClientBuilder account(AccountSelection selection) {
        this.accounts.add(Objects.requireNonNull(selection));
        return this;
    }

    /**
     * Replaces the accounts {@link SsmSyncClient#sync()} covers.
     *
     * @param selections the accounts
     * @return this builder
     */
    public SsmSyncClientBuilder accounts(List<AccountSelection> selections) {
        this.accounts.clear();
        this.accounts.addAll(selections);
        return this;
    }

    /**
     * Sets how many licenses a page holds (default 100).
     *
     * @param size 1 to 10,000
     * @return this builder
     */
    public SsmSyncClientBuilder pageSize(int size) {
        this.pageSize = size;
        return this;
    }

    /**
     * Sets how many pending reports a delivery submits at once (default 4). Their acknowledgements are
     * then polled together, so the wait for them is paid about once.
     *
     * @param reports at most this many submissions in flight, 1 to 64
     * @return this builder
     */
    public SsmSyncClientBuilder deliveryConcurrency(int reports) {
        this.deliveryConcurrency = reports;
        return this;
    }

    /**
     * Sets how long one delivery polls for the acknowledgements (default 10 min).
     *
     * @param timeout zero or positive
     * @return this builder
     */
    public SsmSyncClientBuilder ackTimeout(Duration timeout) {
        this.ackTimeout = timeout;
        return this;
    }

    /**
     * Sets the node name: what this client calls itself in the claims it takes on pending reports and,
     * under a {@link SyncScheduler} with a lock, as the holder of the cluster's sync lock. Default: the
     * host name, the process id and a number for the client, such as {@code vmanage-2/4711/1}. It must
     * be unique among the clients sharing a store; a stable name lets a restarted node resume its own
     * claims at once instead of waiting for them to expire.
     *
     * @param name 1 to 200 characters, not blank
     * @return this builder
     */
    public SsmSyncClientBuilder nodeName(String name) {
        this.nodeName = name;
        return this;
    }

    /**
     * Sets how long a claim on a pending report holds unless renewed (default 5 min): how soon the
     * reports of a node that died mid-delivery are delivered by another. Renewed while the delivery
     * runs. On a cluster keep it no longer than the sync lock's lease time, so the node that takes over
     * a dead node's lease finds its reports free.
     *
     * @param lease at least 1 s
     * @return this builder
     */
    public SsmSyncClientBuilder claimLease(Duration lease) {
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
    public SsmSyncClientBuilder requestingSystem(Sudi system) {
        this.requestingSystem = system;
        return this;
    }

    /**
     * Sets the largest upload body (default 512 KiB, well under the 1 MiB nginx in front of SSM On-Prem
     * accepts by default): a report whose upload would be larger is stored and delivered as several,
     * each acknowledged on its own.
     *
     * @param bytes at least 4 KiB
     * @return this builder
     */
    public SsmSyncClientBuilder maxUploadBytes(int bytes) {
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
    public SsmSyncClientBuilder maxPollInterval(Duration interval) {
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
    public SsmSyncClientBuilder alreadyReceivedPattern(Pattern pattern) {
        this.alreadyReceived = Objects.requireNonNull(pattern, "pattern");
        return this;
    }

    /**
     * Sets who is told of each acknowledgement once it is stored (on the delivering thread; a listener
     * that throws is logged and skipped). The acknowledgement stays in the store until taken
     * ({@link UsageOperations#take}), whatever the listener does.
     *
     * @param listener called with each acknowledgement
     * @return this builder
     */
    public SsmSyncClientBuilder acknowledgementListener(Consumer<Acknowledgement> listener) {
        this.acknowledgementListener = Objects.requireNonNull(listener, "listener");
        return this;
    }

    /**
     * Validates and builds.
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
        atLeastOneSecond("maxPollInterval", maxPollInterval);
        if (deliveryConcurrency < 1 || deliveryConcurrency > 64) {
            throw new SsmConfigurationException("deliveryConcurrency", "must be 1 to 64, was " + deliveryConcurrency);
        }
        if (nodeName != null) {
            NodeNames.check("nodeName", nodeName);
        }
        atLeastOneSecond("claimLease", claimLease);
        atLeastOneSecond("syncTimeout", syncTimeout);
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

    private static void atLeastOneSecond(String setting, Duration d) {
        if (d == null || d.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new SsmConfigurationException(setting, "must be at least 1 s, was " + d);
        }
    }
}
