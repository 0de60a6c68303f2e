package io.github.ssmonprem.spring.boot;

import io.github.ssmonprem.auth.OAuthGrant;
import io.github.ssmonprem.auth.OAuthTokenProvider;
import io.github.ssmonprem.core.ProxyConfig;
import io.github.ssmonprem.core.RetrySettings;
import io.github.ssmonprem.core.Secret;
import io.github.ssmonprem.core.SsmClientConfig;
import io.github.ssmonprem.core.TlsConfig;
import io.github.ssmonprem.core.http.SsmHttpClient;
import io.github.ssmonprem.spring.boot.internal.SsmSchedulerLifecycle;
import io.github.ssmonprem.spring.boot.internal.SsmSyncStatus;
import io.github.ssmonprem.sync.AccountSelection;
import io.github.ssmonprem.sync.RequestingSystem;
import io.github.ssmonprem.sync.SsmSyncClient;
import io.github.ssmonprem.sync.SyncScheduler;
import io.github.ssmonprem.sync.store.FileSyncStore;
import io.github.ssmonprem.sync.store.SyncStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.Resource;

/**
 * Auto-configures the SSM On-Prem SDK from the {@code ssm.onprem.*} properties: the transport, the
 * token provider, the store, the sync client and the background {@link SyncScheduler}. Every bean
 * backs off when the application defines its own; customizer beans adjust what properties do not
 * cover. Off with {@code ssm.onprem.enabled=false}.
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
     * @param customizers applied after the properties
     * @return the configuration
     */
    @Bean
    @ConditionalOnMissingBean
    public SsmClientConfig ssmClientConfig(SsmOnPremProperties properties, ObjectProvider<MeterRegistry> meterRegistry,
            ObjectProvider<SsmClientConfigCustomizer> customizers) {
        String url = required(properties.getUrl(), "url");
        SsmClientConfig.Builder b = SsmClientConfig.builder().baseUrl(url);
        if (properties.getConnectTimeout() != null) {
            b.connectTimeout(properties.getConnectTimeout());
        }
        if (properties.getResponseTimeout() != null) {
            b.responseTimeout(properties.getResponseTimeout());
        }
        if (properties.getCallTimeout() != null) {
            b.connectionRequestTimeout(properties.getCallTimeout());
        }
        if (properties.getRetries() != null) {
            if (properties.getRetries() < 1) {
                throw new MissingSsmPropertyException(PREFIX + "retries", "must be 1 or more, was " + properties.getRetries());
            }
            b.retry(RetrySettings.builder().maxAttempts(properties.getRetries()).build());
        }
        b.tls(tls(properties.getCaCert()));
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
        customizers.orderedStream().forEach(c -> c.customize(b));
        return b.build();
    }

    /**
     * The transport.
     *
     * @param config its configuration
     * @return the transport, closed with the context
     */
    @Bean
    @ConditionalOnMissingBean
    public SsmHttpClient ssmHttpClient(SsmClientConfig config) {
        return SsmHttpClient.create(config);
    }

    /**
     * The store of pending usage reports, snapshots and outcomes: a {@link FileSyncStore} in
     * {@code store.state-dir}.
     *
     * @param properties the properties
     * @return the store, closed with the context
     */
    @Bean
    @ConditionalOnMissingBean
    public SyncStore ssmSyncStore(SsmOnPremProperties properties) {
        if (properties.getCluster().isEnabled()) {
            throw new MissingSsmPropertyException(PREFIX + "cluster.enabled",
                    "is true, but this version has no JDBC store and sync lock; set it to false or define a SyncStore bean");
        }
        if (properties.getStore().getType() == SsmOnPremProperties.StoreType.JDBC) {
            throw new MissingSsmPropertyException(PREFIX + "store.type",
                    "is jdbc, but this version has no JDBC store; use file or define a SyncStore bean");
        }
        String dir = properties.getStore().getStateDir();
        Path path = dir == null || dir.isBlank()
                ? Path.of(System.getProperty("user.home"), ".ssm-onprem-sdk", "state") : Path.of(dir);
        return new FileSyncStore(path);
    }

    /**
     * The sync client: license pull and usage delivery for the configured accounts.
     *
     * @param properties the properties
     * @param http the transport
     * @param store the store
     * @param tokenCustomizers applied to its token provider
     * @param customizers applied after the properties
     * @return the client, closed with the context
     */
    @Bean
    @ConditionalOnMissingBean
    public SsmSyncClient ssmSyncClient(SsmOnPremProperties properties, SsmHttpClient http, SyncStore store,
            ObjectProvider<OAuthTokenProviderCustomizer> tokenCustomizers, ObjectProvider<SsmSyncClientCustomizer> customizers) {
        SsmSyncClient.Builder b = SsmSyncClient.builder().http(http).store(store).grant(grant(properties));
        for (int i = 0; i < properties.getAccounts().size(); i++) {
            SsmOnPremProperties.Account account = properties.getAccounts().get(i);
            String domain = required(account.getDomain(), "accounts[" + i + "].domain");
            b.account(new AccountSelection(domain, account.getVirtualAccounts()));
        }
        String displayName = properties.getRequestingSystem().getDisplayName();
        if (displayName != null && !displayName.isBlank()) {
            b.requestingSystem(new RequestingSystem(displayName, RequestingSystem.ofLocalHost().hostIdentifier()));
        }
        b.tokens(tb -> tokenCustomizers.orderedStream().forEach(c -> c.customize(tb)));
        customizers.orderedStream().forEach(c -> c.customize(b));
        return b.build();
    }

    /**
     * The sync client's token provider, for other calls that need an access token. Owned and closed by
     * the sync client.
     *
     * @param client the sync client
     * @return its token provider
     */
    @Bean(destroyMethod = "")
    @ConditionalOnMissingBean
    public OAuthTokenProvider ssmTokenProvider(SsmSyncClient client) {
        return client.tokens();
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
    public SsmSyncStatus ssmSyncStatus(SsmSyncClient client, SsmOnPremProperties properties) {
        return new SsmSyncStatus(client, properties.getScheduler().getPeriod(), Clock.systemUTC());
    }

    /** The background sync, on unless {@code ssm.onprem.scheduler.enabled=false}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(prefix = "ssm.onprem.scheduler", name = "enabled", havingValue = "true", matchIfMissing = true)
    public static class SchedulerConfiguration {

        /** Creates the configuration; Boot instantiates it. */
        public SchedulerConfiguration() {
        }

        /**
         * The scheduler, on the application's {@value #SYNC_EXECUTOR_BEAN} executor when it has one.
         *
         * @param properties the properties
         * @param client the sync client
         * @param executor the application's executor, if any
         * @param customizers applied after the properties
         * @return the scheduler, started and stopped by {@link #ssmSchedulerLifecycle}
         */
        @Bean
        @ConditionalOnMissingBean
        public SyncScheduler ssmSyncScheduler(SsmOnPremProperties properties, SsmSyncClient client,
                @Qualifier(SYNC_EXECUTOR_BEAN) ObjectProvider<ScheduledExecutorService> executor,
                ObjectProvider<SyncSchedulerCustomizer> customizers) {
            SsmOnPremProperties.Scheduler s = properties.getScheduler();
            SyncScheduler.Builder b = SyncScheduler.builder(client)
                    .period(s.getPeriod()).initialDelay(s.getInitialDelay()).jitter(s.getJitter());
            Duration half = s.getPeriod() == null ? null : s.getPeriod().dividedBy(2);
            if (half != null && half.compareTo(DEFAULT_FAILURE_BACKOFF) < 0 && !half.isZero()) {
                // The SDK's 15-minute first back-off does not fit a short period: scale it to the period.
                b.failureBackoff(s.getPeriod().dividedBy(4), half);
            }
            executor.ifAvailable(b::executor);
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
        public SsmSchedulerLifecycle ssmSchedulerLifecycle(SyncScheduler scheduler, SsmSyncStatus status) {
            return new SsmSchedulerLifecycle(scheduler, status);
        }
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

    private static TlsConfig tls(Resource caCert) {
        if (caCert == null) {
            return TlsConfig.systemDefault();
        }
        try (InputStream in = caCert.getInputStream()) {
            return TlsConfig.trustPem(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new MissingSsmPropertyException(PREFIX + "ca-cert", "cannot be read (" + caCert.getDescription()
                    + ": " + e.getClass().getSimpleName() + ")");
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
