package io.github.ssmonprem.spring.boot;

import io.github.ssmonprem.sync.SyncSchedulerBuilder;
import io.github.ssmonprem.sync.SsmSyncClientBuilder;
import io.github.ssmonprem.auth.OAuthGrant;
import io.github.ssmonprem.auth.OAuthTokenProvider;
import io.github.ssmonprem.core.ProxyConfig;
import io.github.ssmonprem.core.RetrySettings;
import io.github.ssmonprem.core.Secret;
import io.github.ssmonprem.core.SsmClientConfig;
import io.github.ssmonprem.core.TlsConfig;
import io.github.ssmonprem.core.http.SsmHttpClient;
import io.github.ssmonprem.spring.boot.internal.HttpClientVersionCheck;
import io.github.ssmonprem.spring.boot.internal.JdbcParts;
import io.github.ssmonprem.spring.boot.internal.MissingSsmPropertyException;
import io.github.ssmonprem.spring.boot.internal.SsmSchedulerLifecycle;
import io.github.ssmonprem.spring.boot.internal.SsmSyncStatus;
import io.github.ssmonprem.sync.AccountSelection;
import io.github.ssmonprem.sync.SsmSyncClient;
import io.github.ssmonprem.sync.SyncScheduler;
import io.github.ssmonprem.sync.lock.SyncLock;
import io.github.ssmonprem.sync.store.FileSyncStore;
import io.github.ssmonprem.sync.store.SyncStore;
import io.github.ssmonprem.sync.usage.Sudi;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import javax.sql.DataSource;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.boot.io.ApplicationResourceLoader;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;

/**
 * Auto-configures the SSM On-Prem SDK from the {@code ssm.onprem.*} properties: the transport, the
 * token provider, the store, the sync client and the background {@link SyncScheduler}. Every bean
 * backs off when the application defines its own; customizer beans adjust what properties do not
 * cover. Off with {@code ssm.onprem.enabled=false}.
 *
 * <p>With {@code ssm.onprem.cluster.enabled=true} (and sdk-jdbc on the class path), the instances of
 * the application share a {@code JdbcSyncStore} and a {@code JdbcSyncLock} on its {@link DataSource}:
 * one sync per period between them. Without a {@code DataSource}, an application that defines its
 * own {@link SyncStore} and a ShedLock {@code LockProvider} bean gets a {@code ShedLockSyncLock};
 * a {@code DataSource}, when there is one, wins, because {@code JdbcSyncLock} fences a node that
 * lost its lease and ShedLock cannot.
 */
@AutoConfiguration
@ConditionalOnProperty(prefix = "ssm.onprem", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(SsmOnPremProperties.class)
public class SsmOnPremAutoConfiguration {

    /** The qualifier of an application's {@link ScheduledExecutorService} bean that runs the syncs. */
    public static final String SYNC_EXECUTOR_BEAN = "ssmSyncExecutor";

    private static final String PREFIX = "ssm.onprem.";
    private static final Duration DEFAULT_FAILURE_BACKOFF = Duration.ofMinutes(15);

    /** Creates the configuration; Boot instantiates it. */
    public SsmOnPremAutoConfiguration() {
    }

    /**
     * The transport configuration from the properties, with the application's {@link MeterRegistry}
     * when it has one.
     *
     * @param properties the properties
     * @param meterRegistry the application's meter registry, if any
     * @param observationRegistry the application's observation registry, if any: the SDK's observations
     *     (with Boot's tracing, spans) go there
     * @param customizers applied after the properties
     * @param beans the application's beans, for its class loader ({@code classpath:} locations)
     * @return the configuration
     */
    @Bean
    @ConditionalOnMissingBean
    public SsmClientConfig ssmClientConfig(SsmOnPremProperties properties, ObjectProvider<MeterRegistry> meterRegistry,
            ObjectProvider<ObservationRegistry> observationRegistry, ObjectProvider<SsmClientConfigCustomizer> customizers,
            BeanFactory beans) {
        ResourceLoader resources = ApplicationResourceLoader.get(classLoader(beans));
        String url = required(properties.getUrl(), "url");
        SsmClientConfig.Builder b = SsmClientConfig.builder().baseUrl(url);
        if (properties.getConnectTimeout() != null) {
            b.connectTimeout(properties.getConnectTimeout());
        }
        if (properties.getResponseTimeout() != null) {
            b.responseTimeout(properties.getResponseTimeout());
        }
        if (properties.getAttemptTimeout() != null) {
            b.attemptTimeout(properties.getAttemptTimeout());
        }
        if (properties.getCallTimeout() != null) {
            b.callTimeout(properties.getCallTimeout());
        }
        if (properties.getRetries() != null) {
            if (properties.getRetries() < 1) {
                throw new MissingSsmPropertyException(PREFIX + "retries", "must be 1 or more, was " + properties.getRetries());
            }
            b.retry(RetrySettings.builder().maxAttempts(properties.getRetries()).build());
        }
        b.tls(tls(properties.getCaCert(), resources));
        SsmOnPremProperties.Proxy proxy = properties.getProxy();
        if (proxy.getUrl() == null || proxy.getUrl().isBlank()) {
            b.noProxy();
        } else {
            if (proxy.getUrl().contains("@")) {
                throw new MissingSsmPropertyException(PREFIX + "proxy.url",
                        "must not hold user info; set ssm.onprem.proxy.username and ssm.onprem.proxy.password instead");
            }
            ProxyConfig.Builder pb = ProxyConfig.parseUrl(proxy.getUrl(), PREFIX + "proxy.url");
            if (proxy.getUsername() != null && !proxy.getUsername().isBlank()) {
                pb.credentials(proxy.getUsername(), secret(proxy.getPassword()));
            }
            if (!proxy.getNonProxyHosts().isEmpty()) {
                pb.nonProxyHosts(proxy.getNonProxyHosts());
            }
            b.proxy(pb.build());
        }
        meterRegistry.ifAvailable(b::meterRegistry);
        observationRegistry.ifAvailable(b::observationRegistry);
        customizers.orderedStream().forEach(c -> c.customize(b));
        return b.build();
    }

    /**
     * {@return the transport, closed with the context} Start-up fails with a failure analysis on HttpClient
     * 5.5 or older (Boot's managed version), which the SDK cannot run on.
     *
     * @param config its configuration
     * @param beans the application's beans, for its class loader
     */
    @Bean
    @ConditionalOnMissingBean
    public SsmHttpClient ssmHttpClient(SsmClientConfig config, BeanFactory beans) {
        HttpClientVersionCheck.verify(classLoader(beans));
        return SsmHttpClient.create(config);
    }

    /**
     * The store of pending usage reports, snapshots and outcomes: a {@code JdbcSyncStore} on the
     * application's {@link DataSource} when {@code store.type} is {@code jdbc} (its default with
     * {@code cluster.enabled} and a {@code DataSource}), otherwise a {@link FileSyncStore} in
     * {@code store.state-dir}.
     *
     * @param properties the properties
     * @param dataSource the application's data source, if any
     * @param beans the application's beans, for its class loader
     * @return the store, closed with the context; created after the application's database
     *     initialization (Flyway, Liquibase, {@code schema.sql}), which may create its tables
     */
    @Bean
    @ConditionalOnMissingBean
    @DependsOnDatabaseInitialization
    public SyncStore ssmSyncStore(SsmOnPremProperties properties, ObjectProvider<DataSource> dataSource, BeanFactory beans) {
        SsmOnPremProperties.Store store = properties.getStore();
        boolean cluster = properties.getCluster().isEnabled();
        DataSource ds = dataSource.getIfUnique();
        String noJdbc = !JdbcParts.jdbcPresent(classLoader(beans)) ? "sdk-jdbc is not on the class path"
                : ds == null ? "the application has no (single or @Primary) DataSource bean" : null;
        SsmOnPremProperties.StoreType type = store.getType();
        if (type == SsmOnPremProperties.StoreType.FILE && cluster) {
            throw new MissingSsmPropertyException(PREFIX + "store.type", "is file, but cluster.enabled=true needs the store"
                    + " every instance shares", "Remove ssm.onprem.store.type (or set it to jdbc) to share the JDBC store on the"
                    + " application's DataSource, define a SyncStore bean, or set ssm.onprem.cluster.enabled=false.");
        }
        if (type == SsmOnPremProperties.StoreType.JDBC || cluster) {
            if (noJdbc != null) {
                String property = type == SsmOnPremProperties.StoreType.JDBC ? "store.type" : "cluster.enabled";
                String value = type == SsmOnPremProperties.StoreType.JDBC ? "is jdbc" : "is true";
                throw new MissingSsmPropertyException(PREFIX + property, value + ", but " + noJdbc, jdbcRemedy(property));
            }
            return JdbcParts.store(ds, store.getTablePrefix(), store.isCreateSchema());
        }
        String dir = store.getStateDir();
        Path path = dir == null || dir.isBlank()
                ? Path.of(System.getProperty("user.home"), ".ssm-onprem-sdk", "state") : Path.of(dir);
        return new FileSyncStore(path);
    }

    private static String jdbcRemedy(String property) {
        return "Add the dependency io.github.ssmonprem:sdk-jdbc with your database's JDBC driver, configure the DataSource"
                + " (spring.datasource.url, username, password) or define a DataSource bean; or set ssm.onprem." + property
                + (property.equals("store.type") ? "=file." : "=false.");
    }

    /**
     * The token provider from the grant properties and the {@link OAuthTokenProviderCustomizer}s: the
     * one the sync client uses, for other calls that need an access token too (one token cache). An
     * application that defines its own {@link SsmSyncClient} gets none (its client has its own
     * provider, {@link SsmSyncClient#tokens()}); one that defines its own provider has it used by
     * the sync client.
     *
     * @param properties the properties
     * @param http the transport
     * @param customizers applied after the properties
     * @return the token provider, closed with the context
     */
    @Bean
    @ConditionalOnMissingBean({OAuthTokenProvider.class, SsmSyncClient.class})
    public OAuthTokenProvider ssmTokenProvider(SsmOnPremProperties properties, SsmHttpClient http,
            ObjectProvider<OAuthTokenProviderCustomizer> customizers) {
        OAuthTokenProvider.Builder b = OAuthTokenProvider.builder(http).grant(grant(properties));
        customizers.orderedStream().forEach(c -> c.customize(b));
        return b.build();
    }

    /**
     * The sync client: license pull and usage delivery for the configured accounts.
     *
     * @param properties the properties
     * @param http the transport
     * @param store the store
     * @param tokens the token provider, the application's own or the one above
     * @param customizers applied after the properties
     * @param events where an {@link SsmAcknowledgementEvent} is published for each acknowledgement stored
     * @return the client, closed with the context
     */
    @Bean
    @ConditionalOnMissingBean
    public SsmSyncClient ssmSyncClient(SsmOnPremProperties properties, SsmHttpClient http, SyncStore store,
            OAuthTokenProvider tokens, ObjectProvider<SsmSyncClientCustomizer> customizers,
            org.springframework.context.ApplicationEventPublisher events) {
        SsmSyncClientBuilder b = SsmSyncClient.builder().http(http).store(store).tokenProvider(tokens);
        for (int i = 0; i < properties.getAccounts().size(); i++) {
            SsmOnPremProperties.Account account = properties.getAccounts().get(i);
            String domain = required(account.getDomain(), "accounts[" + i + "].domain");
            b.account(new AccountSelection(domain, account.getVirtualAccounts()));
        }
        SsmOnPremProperties.Cluster cluster = properties.getCluster();
        if (cluster.getNodeName() != null) {
            b.nodeName(cluster.getNodeName());          // checked by the builder, reported as cluster.node-name
        }
        Duration claimLease = cluster.getClaimLease();
        if (claimLease == null || claimLease.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new MissingSsmPropertyException(PREFIX + "cluster.claim-lease", "must be at least 1s, was " + claimLease);
        }
        b.claimLease(claimLease);
        usage(b, properties.getUsage());
        b.acknowledgementListener(ack -> events.publishEvent(new SsmAcknowledgementEvent(ack)));
        customizers.orderedStream().forEach(c -> c.customize(b));
        return b.build();
    }

    /** The {@code ssm.onprem.usage.*} settings, each refused with its property's name when invalid. */
    private static void usage(SsmSyncClientBuilder b, SsmOnPremProperties.Usage usage) {
        String pid = usage.getRequestingSystemPid();
        String serial = usage.getRequestingSystemSerialNumber();
        if (pid != null || serial != null) {
            if (pid == null || serial == null) {
                throw new MissingSsmPropertyException(PREFIX + (pid == null ? "usage.requesting-system-pid" : "usage.requesting-system-serial-number"),
                        "set both usage.requesting-system-pid and usage.requesting-system-serial-number (this application's own UDI)");
            }
            try {
                b.requestingSystem(new Sudi(pid, serial));
            } catch (io.github.ssmonprem.sync.usage.InvalidUsageReportException e) {
                throw new MissingSsmPropertyException(PREFIX + "usage.requesting-system-pid", e.problem());
            }
        }
        long bytes = usage.getMaxUploadSize() == null ? -1 : usage.getMaxUploadSize().toBytes();
        if (bytes < 4096 || bytes > Integer.MAX_VALUE) {
            throw new MissingSsmPropertyException(PREFIX + "usage.max-upload-size", "must be at least 4KB, was " + usage.getMaxUploadSize());
        }
        b.maxUploadBytes((int) bytes);
        if (usage.getMaxPollInterval() == null || usage.getMaxPollInterval().compareTo(Duration.ofSeconds(1)) < 0) {
            throw new MissingSsmPropertyException(PREFIX + "usage.max-poll-interval", "must be at least 1s, was " + usage.getMaxPollInterval());
        }
        b.maxPollInterval(usage.getMaxPollInterval());
        if (usage.getAckTimeout() == null || usage.getAckTimeout().isNegative()) {
            throw new MissingSsmPropertyException(PREFIX + "usage.ack-timeout", "must be zero or more, was " + usage.getAckTimeout());
        }
        b.ackTimeout(usage.getAckTimeout());
        if (usage.getAlreadyReceivedPattern() != null) {
            try {
                b.alreadyReceivedPattern(java.util.regex.Pattern.compile(usage.getAlreadyReceivedPattern()));
            } catch (java.util.regex.PatternSyntaxException e) {
                throw new MissingSsmPropertyException(PREFIX + "usage.already-received-pattern",
                        "is not a regular expression (" + e.getDescription() + ")");
            }
        }
    }

    /**
     * The sync status behind the health contributor and the endpoint.
     *
     * @param client the sync client
     * @param properties the properties
     * @return the status
     */
    @Bean
    @ConditionalOnMissingBean
    SsmSyncStatus ssmSyncStatus(SsmSyncClient client, SsmOnPremProperties properties) {
        Duration downAfter = properties.getHealth().getDownWhenLicensesOlderThan();
        if (downAfter != null && (downAfter.isNegative() || downAfter.isZero())) {
            throw new MissingSsmPropertyException(PREFIX + "health.down-when-licenses-older-than", "must be positive, was " + downAfter);
        }
        return new SsmSyncStatus(client, properties.getScheduler().getPeriod(), downAfter, Clock.systemUTC());
    }

    /** The cluster's sync lock, with {@code ssm.onprem.cluster.enabled=true}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(prefix = "ssm.onprem.cluster", name = "enabled", havingValue = "true")
    static class ClusterConfiguration {

        /** Creates the configuration; Boot instantiates it. */
        ClusterConfiguration() {
        }

        /**
         * The lock that gives one sync per period across the instances: a {@code JdbcSyncLock} on the
         * application's {@link DataSource}; without one, a {@code ShedLockSyncLock} over the
         * application's ShedLock {@code LockProvider} bean.
         *
         * @param properties the properties
         * @param dataSource the application's data source, if any
         * @param beans the application's beans, for its class loader and a ShedLock {@code LockProvider}
         * @return the lock, created after the application's database initialization
         */
        @Bean
        @ConditionalOnMissingBean
        @DependsOnDatabaseInitialization
        public SyncLock ssmSyncLock(SsmOnPremProperties properties, ObjectProvider<DataSource> dataSource, BeanFactory beans) {
            String property = PREFIX + "cluster.enabled";
            if (!JdbcParts.jdbcPresent(classLoader(beans))) {
                throw new MissingSsmPropertyException(property, "is true, but sdk-jdbc is not on the class path",
                        jdbcRemedy("cluster.enabled"));
            }
            DataSource ds = dataSource.getIfUnique();
            if (ds != null) {
                return JdbcParts.lock(ds, properties.getStore().getTablePrefix(), properties.getStore().isCreateSchema());
            }
            if (JdbcParts.shedLockPresent(classLoader(beans))) {
                SsmOnPremProperties.Scheduler s = properties.getScheduler();
                Optional<SyncLock> shedLock = JdbcParts.shedLock(beans, s.getPeriod().minus(s.getJitter()));
                if (shedLock.isPresent()) {
                    return shedLock.get();
                }
            }
            throw new MissingSsmPropertyException(property, "is true, but the application has no (single or @Primary)"
                    + " DataSource bean for the sync lock", jdbcRemedy("cluster.enabled"));
        }
    }

    /** The background sync, on unless {@code ssm.onprem.scheduler.enabled=false}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(prefix = "ssm.onprem.scheduler", name = "enabled", havingValue = "true", matchIfMissing = true)
    static class SchedulerConfiguration {

        /** Creates the configuration; Boot instantiates it. */
        SchedulerConfiguration() {
        }

        /**
         * The scheduler, on the application's {@value #SYNC_EXECUTOR_BEAN} executor when it has one,
         * sharing the schedule through the cluster's {@link SyncLock} when there is one.
         *
         * @param properties the properties
         * @param client the sync client
         * @param executor the application's executor, if any
         * @param lock the cluster's lock, with {@code cluster.enabled} or the application's own; this node holds
         *     it under the client's {@link SsmSyncClient#nodeName() node name}
         * @param customizers applied after the properties
         * @return the scheduler, started and stopped by {@link #ssmSchedulerLifecycle}
         */
        @Bean
        @ConditionalOnMissingBean
        public SyncScheduler ssmSyncScheduler(SsmOnPremProperties properties, SsmSyncClient client,
                @Qualifier(SYNC_EXECUTOR_BEAN) ObjectProvider<ScheduledExecutorService> executor,
                ObjectProvider<SyncLock> lock, ObjectProvider<SyncSchedulerCustomizer> customizers) {
            SsmOnPremProperties.Scheduler s = properties.getScheduler();
            SyncSchedulerBuilder b = SyncScheduler.builder(client)
                    .period(s.getPeriod()).initialDelay(s.getInitialDelay()).jitter(s.getJitter());
            Duration half = s.getPeriod() == null ? null : s.getPeriod().dividedBy(2);
            if (half != null && half.compareTo(DEFAULT_FAILURE_BACKOFF) < 0 && !half.isZero()) {
                // The SDK's 15-minute first back-off does not fit a short period: scale it to the period.
                b.failureBackoff(s.getPeriod().dividedBy(4), half);
            }
            executor.ifAvailable(b::executor);
            lock.ifAvailable(b::lock);
            customizers.orderedStream().forEach(c -> c.customize(b));
            return b.build();
        }

        /**
         * Starts the scheduler with the context and stops it gracefully with it.
         *
         * @param scheduler the scheduler, the application's own or the one above
         * @param status receives every sync result
         * @return the lifecycle
         */
        @Bean
        SsmSchedulerLifecycle ssmSchedulerLifecycle(SyncScheduler scheduler, SsmSyncStatus status) {
            return new SsmSchedulerLifecycle(scheduler, status);
        }
    }

    private static ClassLoader classLoader(BeanFactory beans) {
        ClassLoader loader = beans instanceof ConfigurableBeanFactory c ? c.getBeanClassLoader() : null;
        return loader != null ? loader : SsmOnPremAutoConfiguration.class.getClassLoader();
    }

    private static OAuthGrant grant(SsmOnPremProperties p) {
        String clientId = required(p.getClientId(), "client-id");
        Secret clientSecret = Secret.of(required(p.getClientSecret(), "client-secret"));
        if (p.getGrant() == SsmOnPremProperties.Grant.CLIENT_CREDENTIALS) {
            return OAuthGrant.clientCredentials(clientId, clientSecret);
        }
        String username = required(p.getUsername(), "username");
        Secret password = Secret.of(required(p.getPassword(), "password"));
        return OAuthGrant.password(clientId, clientSecret, username, password);
    }

    /**
     * The trust of the CA file. Resolved like Spring Boot's own file properties ({@code ApplicationResourceLoader}):
     * a plain path is a file, relative to the working directory, also in a web application, whose own
     * resource loader would look for it in the servlet context.
     */
    private static TlsConfig tls(String location, ResourceLoader resources) {
        if (location == null || location.isBlank()) {
            return TlsConfig.systemDefault();
        }
        Resource caCert = resources.getResource(location.trim());
        try (InputStream in = caCert.getInputStream()) {
            return TlsConfig.trustPem(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new MissingSsmPropertyException(PREFIX + "ca-cert", "cannot be read (" + caCert.getDescription()
                    + (e instanceof java.io.FileNotFoundException ? " not found" : ": " + e.getMessage()) + ")",
                    "Set it to the PEM file of the SSM On-Prem CA: a file path (/etc/ssm/ca.pem), file:/etc/ssm/ca.pem or"
                            + " classpath:ssm-ca.pem.");
        }
    }

    private static Secret secret(String value) {
        return value == null || value.isEmpty() ? null : Secret.of(value);
    }

    private static String required(String value, String property) {
        if (value == null || value.isBlank()) {
            throw new MissingSsmPropertyException(PREFIX + property, "is required but not set");
        }
        return value;
    }
}
