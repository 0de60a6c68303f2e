package io.github.ssmonprem.spring.boot;

import java.time.Duration;
import org.springframework.util.unit.DataSize;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code ssm.onprem.*} application properties: the server, the API Toolkit credentials, the
 * transport, the accounts to sync, the store and the sync schedule.
 *
 * <p>Secrets ({@code client-secret}, {@code password}, {@code proxy.password}) bind like any property,
 * so {@code SSM_ONPREM_CLIENT_SECRET} in the environment sets {@code ssm.onprem.client-secret}. They
 * are masked in {@code /actuator/env} and {@code /actuator/configprops} and never shown by
 * {@link #toString()}.
 */
@ConfigurationProperties(prefix = "ssm.onprem")
public class SsmOnPremProperties {

    /** The OAuth grant the API Toolkit credentials are used with. */
    public enum Grant {
        /** The resource-owner password grant: client id and secret, username and password. */
        PASSWORD,
        /** The client-credentials grant: client id and secret only. */
        CLIENT_CREDENTIALS
    }

    /** Whether the SSM On-Prem auto-configuration is active. */
    private boolean enabled = true;

    /** The server's base URL, https://host[:port][/prefix]. */
    private String url;

    /** The OAuth grant: password or client-credentials. */
    private Grant grant = Grant.PASSWORD;

    /** The API Toolkit client id. */
    private String clientId;

    /** The API Toolkit client secret; masked in actuator output. */
    private String clientSecret;

    /** The SSM On-Prem user of the password grant. */
    private String username;

    /** The password of that user; masked in actuator output. */
    private String password;

    /**
     * A PEM file of the CA the server's certificate chains to: a file path (/etc/ssm/ca.pem, relative to the
     * working directory when not absolute), a file: URL or a classpath: location (classpath:ssm-ca.pem).
     */
    private String caCert;

    /** Time to establish a connection. */
    private Duration connectTimeout;

    /** Time to wait for the server's response. */
    private Duration responseTimeout;

    /**
     * Limit of one attempt as a whole, however slowly the answer trickles in (default: the larger of 2
     * minutes and connect-timeout + 2 x response-timeout).
     */
    private Duration attemptTimeout;

    /**
     * Limit of one call as a whole, across its attempts and the back-off between them; a retry that
     * would pass it is not made (default: the larger of 5 minutes and 2 x attempt-timeout).
     */
    private Duration callTimeout;

    /** Attempts per call on transient failures, the first included (1 disables retries). */
    private Integer retries;

    /** The outbound HTTP proxy. */
    private final Proxy proxy = new Proxy();

    /** The Smart Accounts to sync, each with its virtual accounts. */
    private List<Account> accounts = new ArrayList<>();

    /** Where pending usage reports, snapshots and the last outcome are kept. */
    private final Store store = new Store();

    /** The background sync. */
    private final Scheduler scheduler = new Scheduler();

    /** Running several instances of the application against one database. */
    private final Cluster cluster = new Cluster();

    /** How this application names itself in usage calls. */
    private final Usage usage = new Usage();

    /** What the ssm health contributor reports. */
    private final Health health = new Health();

    /**
     * Whether the auto-configuration is active.
     *
     * @return whether the auto-configuration is active
     */
    public boolean isEnabled() {
        return enabled;
    }

    /**
     * Sets whether the auto-configuration is active.
     *
     * @param enabled whether the auto-configuration is active
     */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /**
     * The server's base URL.
     *
     * @return the server's base URL
     */
    public String getUrl() {
        return url;
    }

    /**
     * Sets the server's base URL.
     *
     * @param url the server's base URL
     */
    public void setUrl(String url) {
        this.url = url;
    }

    /**
     * The OAuth grant.
     *
     * @return the OAuth grant
     */
    public Grant getGrant() {
        return grant;
    }

    /**
     * Sets the OAuth grant.
     *
     * @param grant the OAuth grant
     */
    public void setGrant(Grant grant) {
        this.grant = grant;
    }

    /**
     * The client id.
     *
     * @return the client id
     */
    public String getClientId() {
        return clientId;
    }

    /**
     * Sets the client id.
     *
     * @param clientId the client id
     */
    public void setClientId(String clientId) {
        this.clientId = clientId;
    }

    /**
     * The client secret.
     *
     * @return the client secret
     */
    public String getClientSecret() {
        return clientSecret;
    }

    /**
     * Sets the client secret.
     *
     * @param clientSecret the client secret
     */
    public void setClientSecret(String clientSecret) {
        this.clientSecret = clientSecret;
    }

    /**
     * The user of the password grant.
     *
     * @return the user of the password grant
     */
    public String getUsername() {
        return username;
    }

    /**
     * Sets the user of the password grant.
     *
     * @param username the user of the password grant
     */
    public void setUsername(String username) {
        this.username = username;
    }

    /**
     * The password of the password grant.
     *
     * @return the password of the password grant
     */
    public String getPassword() {
        return password;
    }

    /**
     * Sets the password of the password grant.
     *
     * @param password the password of the password grant
     */
    public void setPassword(String password) {
        this.password = password;
    }

    /**
     * The CA certificate's location, or null for the JVM's trust store.
     *
     * @return the CA certificate's location: a file path, {@code file:} or {@code classpath:}; or null
     */
    public String getCaCert() {
        return caCert;
    }

    /**
     * Sets the CA certificate's location.
     *
     * @param caCert a file path, {@code file:} or {@code classpath:} location
     */
    public void setCaCert(String caCert) {
        this.caCert = caCert;
    }

    /**
     * The connect timeout, or null for the SDK's default.
     *
     * @return the connect timeout, or null for the SDK's default
     */
    public Duration getConnectTimeout() {
        return connectTimeout;
    }

    /**
     * Sets the connect timeout.
     *
     * @param connectTimeout the connect timeout
     */
    public void setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    /**
     * The response timeout, or null for the SDK's default.
     *
     * @return the response timeout, or null for the SDK's default
     */
    public Duration getResponseTimeout() {
        return responseTimeout;
    }

    /**
     * Sets the response timeout.
     *
     * @param responseTimeout the response timeout
     */
    public void setResponseTimeout(Duration responseTimeout) {
        this.responseTimeout = responseTimeout;
    }

    /**
     * The limit of one attempt, or null for the SDK's default.
     *
     * @return the attempt timeout, or null for the SDK's default
     */
    public Duration getAttemptTimeout() {
        return attemptTimeout;
    }

    /**
     * Sets the limit of one attempt as a whole.
     *
     * @param attemptTimeout the attempt timeout
     */
    public void setAttemptTimeout(Duration attemptTimeout) {
        this.attemptTimeout = attemptTimeout;
    }

    /**
     * The limit of one call across its attempts and back-off, or null for the SDK's default.
     *
     * @return the call timeout, or null for the SDK's default
     */
    public Duration getCallTimeout() {
        return callTimeout;
    }

    /**
     * Sets the limit of one call across its attempts and back-off.
     *
     * @param callTimeout the call timeout
     */
    public void setCallTimeout(Duration callTimeout) {
        this.callTimeout = callTimeout;
    }

    /**
     * Attempts per call, or null for the SDK's default.
     *
     * @return attempts per call, or null for the SDK's default
     */
    public Integer getRetries() {
        return retries;
    }

    /**
     * Sets the number of attempts per call, the first included.
     *
     * @param retries attempts per call, the first included
     */
    public void setRetries(Integer retries) {
        this.retries = retries;
    }

    /**
     * The proxy settings.
     *
     * @return the proxy settings
     */
    public Proxy getProxy() {
        return proxy;
    }

    /**
     * The accounts to sync.
     *
     * @return the accounts to sync
     */
    public List<Account> getAccounts() {
        return accounts;
    }

    /**
     * Sets the accounts to sync.
     *
     * @param accounts the accounts to sync
     */
    public void setAccounts(List<Account> accounts) {
        this.accounts = accounts;
    }

    /**
     * The store settings.
     *
     * @return the store settings
     */
    public Store getStore() {
        return store;
    }

    /**
     * The scheduler settings.
     *
     * @return the scheduler settings
     */
    public Scheduler getScheduler() {
        return scheduler;
    }

    /**
     * The cluster settings.
     *
     * @return the cluster settings
     */
    public Cluster getCluster() {
        return cluster;
    }

    /** {@return the usage-reporting settings} */
    public Usage getUsage() {
        return usage;
    }

    /**
     * The health settings.
     *
     * @return the health settings
     */
    public Health getHealth() {
        return health;
    }

    /**
     * What the {@code ssm} health contributor reports. By default it never reports DOWN: a failed or
     * overdue sync is DEGRADED, which Spring Boot answers with HTTP 200, so that an unreachable SSM
     * On-Prem does not take the application (on a cluster, every instance at once) out of its load
     * balancer.
     */
    public static class Health {

        /**
         * Report DOWN (HTTP 503) when a configured account's last license pull is older than this (with no
         * account configured: the last successful sync; counted from start-up before the first). Unset: never DOWN.
         */
        private Duration downWhenLicensesOlderThan;

        /** Creates the settings with their defaults. */
        public Health() {
        }

        /**
         * The maximum age of the licenses before health reports DOWN, or null for never.
         *
         * @return the maximum age, or null
         */
        public Duration getDownWhenLicensesOlderThan() {
            return downWhenLicensesOlderThan;
        }

        /**
         * Sets the maximum age of the licenses before health reports DOWN.
         *
         * @param downWhenLicensesOlderThan the maximum age, or null for never
         */
        public void setDownWhenLicensesOlderThan(Duration downWhenLicensesOlderThan) {
            this.downWhenLicensesOlderThan = downWhenLicensesOlderThan;
        }
    }

    @Override
    public String toString() {
        return "SsmOnPremProperties{url=" + url + ", grant=" + grant + ", clientId=" + clientId + ", accounts=" + accounts.size() + "}";
    }

    /** The outbound HTTP proxy. */
    public static class Proxy {
        /** The proxy, http://host:port (no user info: use proxy.username and proxy.password). */
        private String url;

        /** The proxy user. */
        private String username;

        /** The proxy password; masked in actuator output. */
        private String password;

        /** Hosts reached without the proxy. */
        private List<String> nonProxyHosts = new ArrayList<>();

        /**
         * The proxy URL.
         *
         * @return the proxy URL
         */
        public String getUrl() {
            return url;
        }

        /**
         * Sets the proxy URL.
         *
         * @param url the proxy URL
         */
        public void setUrl(String url) {
            this.url = url;
        }

        /**
         * The proxy user.
         *
         * @return the proxy user
         */
        public String getUsername() {
            return username;
        }

        /**
         * Sets the proxy user.
         *
         * @param username the proxy user
         */
        public void setUsername(String username) {
            this.username = username;
        }

        /**
         * The proxy password.
         *
         * @return the proxy password
         */
        public String getPassword() {
            return password;
        }

        /**
         * Sets the proxy password.
         *
         * @param password the proxy password
         */
        public void setPassword(String password) {
            this.password = password;
        }

        /**
         * The hosts reached without the proxy.
         *
         * @return the hosts reached without the proxy
         */
        public List<String> getNonProxyHosts() {
            return nonProxyHosts;
        }

        /**
         * Sets the hosts reached without the proxy.
         *
         * @param nonProxyHosts the hosts reached without the proxy
         */
        public void setNonProxyHosts(List<String> nonProxyHosts) {
            this.nonProxyHosts = nonProxyHosts;
        }

        @Override
        public String toString() {
            return "Proxy{url=" + url + "}";
        }
    }

    /** A Smart Account to sync. */
    public static class Account {
        /** The Smart Account's domain, e.g. example.com. */
        private String domain;

        /** Its virtual accounts to pull; empty for all. */
        private List<String> virtualAccounts = new ArrayList<>();

        /**
         * The Smart Account's domain.
         *
         * @return the Smart Account's domain
         */
        public String getDomain() {
            return domain;
        }

        /**
         * Sets the Smart Account's domain.
         *
         * @param domain the Smart Account's domain
         */
        public void setDomain(String domain) {
            this.domain = domain;
        }

        /**
         * The virtual accounts.
         *
         * @return the virtual accounts
         */
        public List<String> getVirtualAccounts() {
            return virtualAccounts;
        }

        /**
         * Sets the virtual accounts.
         *
         * @param virtualAccounts the virtual accounts
         */
        public void setVirtualAccounts(List<String> virtualAccounts) {
            this.virtualAccounts = virtualAccounts;
        }
    }

    /** The kind of store. */
    public enum StoreType {
        /** A state directory on the local file system. */
        FILE,
        /** Tables in the application's database. */
        JDBC
    }

    /** Where the sync state lives. */
    public static class Store {
        /** file or jdbc (sdk-jdbc on the application's DataSource); unset: jdbc when cluster.enabled and a DataSource exist, else file. */
        private StoreType type;

        /** The state directory of the file store; unset: ~/.ssm-onprem-sdk/state. */
        private String stateDir;

        /** The prefix of the JDBC store's and sync lock's table names: 1 to 30 letters, digits or underscores. */
        private String tablePrefix = "ssm_";

        /** Whether the JDBC store and sync lock create their missing tables on first use; false when Flyway, Liquibase or a DBA manages the schema. */
        private boolean createSchema = true;

        /**
         * The store type, or null for the default.
         *
         * @return the store type, or null for the default
         */
        public StoreType getType() {
            return type;
        }

        /**
         * Sets the store type.
         *
         * @param type the store type
         */
        public void setType(StoreType type) {
            this.type = type;
        }

        /**
         * The state directory.
         *
         * @return the state directory
         */
        public String getStateDir() {
            return stateDir;
        }

        /**
         * Sets the state directory.
         *
         * @param stateDir the state directory
         */
        public void setStateDir(String stateDir) {
            this.stateDir = stateDir;
        }

        /**
         * The table prefix.
         *
         * @return the table prefix
         */
        public String getTablePrefix() {
            return tablePrefix;
        }

        /**
         * Sets the table prefix.
         *
         * @param tablePrefix the table prefix
         */
        public void setTablePrefix(String tablePrefix) {
            this.tablePrefix = tablePrefix;
        }

        /**
         * Whether the JDBC tables are created on first use.
         *
         * @return whether the JDBC tables are created on first use
         */
        public boolean isCreateSchema() {
            return createSchema;
        }

        /**
         * Sets whether the JDBC tables are created on first use.
         *
         * @param createSchema whether the JDBC tables are created on first use
         */
        public void setCreateSchema(boolean createSchema) {
            this.createSchema = createSchema;
        }
    }

    /** The background sync. */
    public static class Scheduler {
        /** Whether syncs run in the background. */
        private boolean enabled = true;

        /** Time between syncs. */
        private Duration period = Duration.ofHours(24);

        /** Time from start-up to the first sync. */
        private Duration initialDelay = Duration.ofMinutes(1);

        /** Each sync moves by up to plus or minus this, so a fleet does not sync at the same second. */
        private Duration jitter = Duration.ofMinutes(30);

        /**
         * Whether syncs run in the background.
         *
         * @return whether syncs run in the background
         */
        public boolean isEnabled() {
            return enabled;
        }

        /**
         * Sets whether syncs run in the background.
         *
         * @param enabled whether syncs run in the background
         */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /**
         * The period.
         *
         * @return the period
         */
        public Duration getPeriod() {
            return period;
        }

        /**
         * Sets the period.
         *
         * @param period the period
         */
        public void setPeriod(Duration period) {
            this.period = period;
        }

        /**
         * The initial delay.
         *
         * @return the initial delay
         */
        public Duration getInitialDelay() {
            return initialDelay;
        }

        /**
         * Sets the initial delay.
         *
         * @param initialDelay the initial delay
         */
        public void setInitialDelay(Duration initialDelay) {
            this.initialDelay = initialDelay;
        }

        /**
         * The jitter.
         *
         * @return the jitter
         */
        public Duration getJitter() {
            return jitter;
        }

        /**
         * Sets the jitter.
         *
         * @param jitter the jitter
         */
        public void setJitter(Duration jitter) {
            this.jitter = jitter;
        }
    }

    /** Several instances against one database. */
    public static class Cluster {
        /** Whether the instances of this application share one store and sync lock on its DataSource (needs sdk-jdbc): one sync per period between them. */
        private boolean enabled;

        /** This instance's name in the claims on pending reports and in the sync lock's holder: 1 to 200 characters, unique among the instances sharing a store, stable across restarts so a restarted instance resumes its own claims at once; unset: the host name, the process id and a number. */
        private String nodeName;

        /** How long a claim on a pending report holds unless renewed: how soon another instance delivers the reports of one that died mid-delivery. At least 1s; keep it at most two thirds of the sync lock's lease (10m). */
        private Duration claimLease = Duration.ofMinutes(5);

        /**
         * Whether clustering is on.
         *
         * @return whether clustering is on
         */
        public boolean isEnabled() {
            return enabled;
        }

        /**
         * Sets whether clustering is on.
         *
         * @param enabled whether clustering is on
         */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /**
         * This instance's name in delivery claims and the sync lock, if set.
         *
         * @return the node name, or null for the SDK's default
         */
        public String getNodeName() {
            return nodeName;
        }

        /**
         * Sets this instance's name in delivery claims and the sync lock.
         *
         * @param nodeName the node name, 1 to 200 characters; null for the SDK's default
         */
        public void setNodeName(String nodeName) {
            this.nodeName = nodeName;
        }

        /**
         * How long a claim on a pending report holds unless renewed.
         *
         * @return the claim's lease
         */
        public Duration getClaimLease() {
            return claimLease;
        }

        /**
         * Sets how long a claim on a pending report holds unless renewed.
         *
         * @param claimLease the claim's lease, at least 1 s
         */
        public void setClaimLease(Duration claimLease) {
            this.claimLease = claimLease;
        }
    }

    /** How usage reports go up and their acknowledgements come back. */
    public static class Usage {
        /**
         * The product id of this application's own UDI, sent as the requesting system
         * ({@code X-CSW-REQUESTING-SYSTEM}) with every usage call; unset: each upload names its first device.
         */
        private String requestingSystemPid;

        /** The serial number of this application's own UDI, with {@code requesting-system-pid}. */
        private String requestingSystemSerialNumber;

        /** The largest upload body; a larger report is split into several uploads, each acknowledged on its own. */
        private DataSize maxUploadSize = DataSize.ofKilobytes(512);

        /** The longest wait between acknowledgement polls, whatever the server asks. */
        private Duration maxPollInterval = Duration.ofMinutes(5);

        /** How long one delivery polls for acknowledgements before it leaves the reports to the next sync. */
        private Duration ackTimeout = Duration.ofMinutes(10);

        /**
         * What a FAILED answer's message or code matches when the server refuses reports it already has
         * (a regular expression); unset: the SDK's default.
         */
        private String alreadyReceivedPattern;

        /** {@return the requesting system's product id, or null} */
        public String getRequestingSystemPid() {
            return requestingSystemPid;
        }

        /** @param pid the requesting system's product id */
        public void setRequestingSystemPid(String pid) {
            this.requestingSystemPid = pid;
        }

        /** {@return the requesting system's serial number, or null} */
        public String getRequestingSystemSerialNumber() {
            return requestingSystemSerialNumber;
        }

        /** @param serialNumber the requesting system's serial number */
        public void setRequestingSystemSerialNumber(String serialNumber) {
            this.requestingSystemSerialNumber = serialNumber;
        }

        /** {@return the largest upload body} */
        public DataSize getMaxUploadSize() {
            return maxUploadSize;
        }

        /** @param maxUploadSize the largest upload body, at least 4KB */
        public void setMaxUploadSize(DataSize maxUploadSize) {
            this.maxUploadSize = maxUploadSize;
        }

        /** {@return the longest wait between acknowledgement polls} */
        public Duration getMaxPollInterval() {
            return maxPollInterval;
        }

        /** @param maxPollInterval the longest wait between polls, at least 1s */
        public void setMaxPollInterval(Duration maxPollInterval) {
            this.maxPollInterval = maxPollInterval;
        }

        /** {@return how long one delivery polls for acknowledgements} */
        public Duration getAckTimeout() {
            return ackTimeout;
        }

        /** @param ackTimeout how long one delivery polls for acknowledgements */
        public void setAckTimeout(Duration ackTimeout) {
            this.ackTimeout = ackTimeout;
        }

        /** {@return the already-received pattern, or null for the SDK's default} */
        public String getAlreadyReceivedPattern() {
            return alreadyReceivedPattern;
        }

        /** @param pattern a regular expression, searched in a FAILED answer's message and code */
        public void setAlreadyReceivedPattern(String pattern) {
            this.alreadyReceivedPattern = pattern;
        }
    }
}
