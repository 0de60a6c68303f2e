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
     * Unset: the JVM's default trust store.
     */
    private String caCert;

    /** Time to establish a connection, the TLS handshake included (default 10s). */
    private Duration connectTimeout;

    /** Time to wait for the server's response, reset by every byte received (default 60s). */
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

    /** Attempts per call on transient failures, the first included: 1 disables retries (default 4). */
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

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getUrl() {
        return url;
    }

    public void setUrl(String url) {
        this.url = url;
    }

    public Grant getGrant() {
        return grant;
    }

    public void setGrant(Grant grant) {
        this.grant = grant;
    }

    public String getClientId() {
        return clientId;
    }

    public void setClientId(String clientId) {
        this.clientId = clientId;
    }

    public String getClientSecret() {
        return clientSecret;
    }

    public void setClientSecret(String clientSecret) {
        this.clientSecret = clientSecret;
    }

    public String getUsername() {
        return username;
    }

    public void setUsername(String username) {
        this.username = username;
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public String getCaCert() {
        return caCert;
    }

    public void setCaCert(String caCert) {
        this.caCert = caCert;
    }

    public Duration getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public Duration getResponseTimeout() {
        return responseTimeout;
    }

    public void setResponseTimeout(Duration responseTimeout) {
        this.responseTimeout = responseTimeout;
    }

    public Duration getAttemptTimeout() {
        return attemptTimeout;
    }

    public void setAttemptTimeout(Duration attemptTimeout) {
        this.attemptTimeout = attemptTimeout;
    }

    public Duration getCallTimeout() {
        return callTimeout;
    }

    public void setCallTimeout(Duration callTimeout) {
        this.callTimeout = callTimeout;
    }

    public Integer getRetries() {
        return retries;
    }

    public void setRetries(Integer retries) {
        this.retries = retries;
    }

    public Proxy getProxy() {
        return proxy;
    }

    public List<Account> getAccounts() {
        return accounts;
    }

    public void setAccounts(List<Account> accounts) {
        this.accounts = accounts;
    }

    public Store getStore() {
        return store;
    }

    public Scheduler getScheduler() {
        return scheduler;
    }

    public Cluster getCluster() {
        return cluster;
    }

    public Usage getUsage() {
        return usage;
    }

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

        public Duration getDownWhenLicensesOlderThan() {
            return downWhenLicensesOlderThan;
        }

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

        public String getUrl() {
            return url;
        }

        public void setUrl(String url) {
            this.url = url;
        }

        public String getUsername() {
            return username;
        }

        public void setUsername(String username) {
            this.username = username;
        }

        public String getPassword() {
            return password;
        }

        public void setPassword(String password) {
            this.password = password;
        }

        public List<String> getNonProxyHosts() {
            return nonProxyHosts;
        }

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

        public String getDomain() {
            return domain;
        }

        public void setDomain(String domain) {
            this.domain = domain;
        }

        public List<String> getVirtualAccounts() {
            return virtualAccounts;
        }

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

        public StoreType getType() {
            return type;
        }

        public void setType(StoreType type) {
            this.type = type;
        }

        public String getStateDir() {
            return stateDir;
        }

        public void setStateDir(String stateDir) {
            this.stateDir = stateDir;
        }

        public String getTablePrefix() {
            return tablePrefix;
        }

        public void setTablePrefix(String tablePrefix) {
            this.tablePrefix = tablePrefix;
        }

        public boolean isCreateSchema() {
            return createSchema;
        }

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

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Duration getPeriod() {
            return period;
        }

        public void setPeriod(Duration period) {
            this.period = period;
        }

        public Duration getInitialDelay() {
            return initialDelay;
        }

        public void setInitialDelay(Duration initialDelay) {
            this.initialDelay = initialDelay;
        }

        public Duration getJitter() {
            return jitter;
        }

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

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getNodeName() {
            return nodeName;
        }

        public void setNodeName(String nodeName) {
            this.nodeName = nodeName;
        }

        public Duration getClaimLease() {
            return claimLease;
        }

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

        public String getRequestingSystemPid() {
            return requestingSystemPid;
        }

        public void setRequestingSystemPid(String pid) {
            this.requestingSystemPid = pid;
        }

        public String getRequestingSystemSerialNumber() {
            return requestingSystemSerialNumber;
        }

        public void setRequestingSystemSerialNumber(String serialNumber) {
            this.requestingSystemSerialNumber = serialNumber;
        }

        public DataSize getMaxUploadSize() {
            return maxUploadSize;
        }

        public void setMaxUploadSize(DataSize maxUploadSize) {
            this.maxUploadSize = maxUploadSize;
        }

        public Duration getMaxPollInterval() {
            return maxPollInterval;
        }

        public void setMaxPollInterval(Duration maxPollInterval) {
            this.maxPollInterval = maxPollInterval;
        }

        public Duration getAckTimeout() {
            return ackTimeout;
        }

        public void setAckTimeout(Duration ackTimeout) {
            this.ackTimeout = ackTimeout;
        }

        public String getAlreadyReceivedPattern() {
            return alreadyReceivedPattern;
        }

        public void setAlreadyReceivedPattern(String pattern) {
            this.alreadyReceivedPattern = pattern;
        }
    }
}
