package io.github.ssmonprem.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.ssmonprem.auth.OAuthTokenProvider;
import io.github.ssmonprem.core.ProxyConfig;
import io.github.ssmonprem.core.SsmClientConfig;
import io.github.ssmonprem.core.http.SsmHttpClient;
import io.github.ssmonprem.spring.boot.internal.SsmFailureAnalyzer;
import io.github.ssmonprem.spring.boot.internal.SsmSchedulerLifecycle;
import io.github.ssmonprem.spring.boot.internal.SsmSecretSanitizer;
import io.github.ssmonprem.spring.boot.internal.SsmSyncStatus;
import io.github.ssmonprem.sync.AccountSelection;
import io.github.ssmonprem.sync.SsmSyncClient;
import io.github.ssmonprem.sync.SyncScheduler;
import io.github.ssmonprem.sync.store.FileSyncStore;
import io.github.ssmonprem.sync.store.SyncStore;
import io.github.ssmonprem.testkit.InMemorySyncStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

class SsmOnPremAutoConfigurationTest {

    @TempDir
    Path stateDir;

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(SsmOnPremAutoConfiguration.class,
                        SsmActuatorAutoConfiguration.class, SsmHealthAutoConfiguration.class,
                        SsmBoot3HealthAutoConfiguration.class))
                .withPropertyValues("ssm.onprem.url=https://ssm.example.test:8443", "ssm.onprem.client-id=app",
                        "ssm.onprem.client-secret=s3cr3t-client", "ssm.onprem.username=admin",
                        "ssm.onprem.password=s3cr3t-password", "ssm.onprem.store.state-dir=" + stateDir);
    }

    private static FailureAnalysis analysis(AssertableApplicationContext context) {
        assertThat(context).hasFailed();
        FailureAnalysis analysis = new SsmFailureAnalyzer().analyze(context.getStartupFailure());
        assertThat(analysis).as("failure analysis of %s", context.getStartupFailure()).isNotNull();
        return analysis;
    }

    @Test
    void propertiesAloneGiveEveryBeanAndAStartedScheduler() {
        runner().run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(SsmClientConfig.class).hasSingleBean(SsmHttpClient.class)
                    .hasSingleBean(OAuthTokenProvider.class).hasSingleBean(SsmSyncClient.class)
                    .hasSingleBean(SyncScheduler.class).hasSingleBean(SsmSchedulerLifecycle.class)
                    .hasSingleBean(SsmEndpoint.class).hasSingleBean(SsmSecretSanitizer.class)
                    .hasBean("ssmHealthIndicator");
            assertThat(context.getBean(SyncStore.class)).isInstanceOf(FileSyncStore.class);
            assertThat(((FileSyncStore) context.getBean(SyncStore.class)).directory()).isEqualTo(stateDir);
            SsmSyncClient client = context.getBean(SsmSyncClient.class);
            assertThat(client.tokens()).isSameAs(context.getBean(OAuthTokenProvider.class));
            assertThat(client.http()).isSameAs(context.getBean(SsmHttpClient.class));
            assertThat(client.store()).isSameAs(context.getBean(SyncStore.class));
            assertThat(client.tokens().grant().grantType()).isEqualTo("password");
            SyncScheduler scheduler = context.getBean(SyncScheduler.class);
            assertThat(context.getBean(SsmSchedulerLifecycle.class).isRunning()).isTrue();
            assertThat(scheduler.isRunning()).as("no sync is under way yet").isFalse();
            assertThat(scheduler.nextRunAt()).isPresent();
            assertThat(context.getBean(SsmClientConfig.class).proxy()).isEmpty();
        });
    }

    @Test
    void theSchedulerStopsWithTheContext() {
        SyncScheduler[] scheduler = new SyncScheduler[1];
        runner().run(context -> scheduler[0] = context.getBean(SyncScheduler.class));
        assertThat(scheduler[0].nextRunAt()).isEmpty();
        assertThat(scheduler[0].syncNow()).as("closed").isCompletedExceptionally();
    }

    @Test
    void disabledGivesNoBeans() {
        runner().withPropertyValues("ssm.onprem.enabled=false").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(SsmClientConfig.class).doesNotHaveBean(SsmSyncClient.class)
                    .doesNotHaveBean(SyncScheduler.class).doesNotHaveBean(SsmEndpoint.class)
                    .doesNotHaveBean("ssmHealthIndicator");
        });
    }

    @Test
    void schedulerDisabledKeepsTheClientAndEndpoint() {
        runner().withPropertyValues("ssm.onprem.scheduler.enabled=false").run(context -> {
            assertThat(context).hasSingleBean(SsmSyncClient.class).hasSingleBean(SsmEndpoint.class)
                    .doesNotHaveBean(SyncScheduler.class).doesNotHaveBean(SsmSchedulerLifecycle.class);
            assertThat(context.getBean(SsmEndpoint.class).status()).containsEntry("scheduler", "disabled");
        });
    }

    @Test
    void healthCanBeSwitchedOff() {
        runner().withPropertyValues("management.health.ssm.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean("ssmHealthIndicator").hasSingleBean(SsmEndpoint.class));
    }

    @Test
    void theHealthIndicatorIsOfThisBootVersionsType() {
        runner().run(context -> {
            Object indicator = context.getBean("ssmHealthIndicator");
            List<String> interfaces = Arrays.stream(indicator.getClass().getInterfaces()).map(Class::getName).toList();
            assertThat(interfaces).containsAnyOf("org.springframework.boot.health.contributor.HealthIndicator",
                    "org.springframework.boot.actuate.health.HealthIndicator");
        });
    }

    @Test
    void missingUrlIsAFailureAnalysisNamingTheProperty() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SsmOnPremAutoConfiguration.class))
                .withPropertyValues("ssm.onprem.client-id=app", "ssm.onprem.client-secret=x")
                .run(context -> {
                    FailureAnalysis a = analysis(context);
                    assertThat(a.getDescription()).contains("ssm.onprem.url");
                    assertThat(a.getAction()).contains("ssm.onprem.url").contains("SSM_ONPREM_URL");
                });
    }

    @Test
    void eachMissingCredentialIsNamed() {
        for (String property : List.of("client-id", "client-secret", "username", "password")) {
            runner().withPropertyValues("ssm.onprem." + property + "=").run(context ->
                    assertThat(analysis(context).getDescription()).contains("'ssm.onprem." + property + "'"));
        }
    }

    @Test
    void clientCredentialsNeedsNoUser() {
        runner().withPropertyValues("ssm.onprem.grant=client-credentials", "ssm.onprem.username=", "ssm.onprem.password=")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(OAuthTokenProvider.class).grant().grantType()).isEqualTo("client_credentials");
                });
    }

    @Test
    void theSecretBindsFromTheEnvironmentVariable() {
        runner().withPropertyValues("ssm.onprem.client-secret=")
                .withInitializer(ctx -> ctx.getEnvironment().getPropertySources().addFirst(new SystemEnvironmentPropertySource(
                        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        Map.of("SSM_ONPREM_CLIENT_SECRET", "from-the-environment"))))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(SsmOnPremProperties.class).getClientSecret()).isEqualTo("from-the-environment");
                    assertThat(context.getBean(OAuthTokenProvider.class).grant().clientSecret().reveal())
                            .isEqualTo("from-the-environment");
                });
    }

    @Test
    void theApplicationsObservationRegistryGetsTheSdksObservations() {
        io.micrometer.observation.ObservationRegistry observations = io.micrometer.observation.ObservationRegistry.create();
        runner().withBean(io.micrometer.observation.ObservationRegistry.class, () -> observations)
                .run(context -> assertThat(context.getBean(SsmClientConfig.class).observationRegistry()).isSameAs(observations));
        runner().run(context -> assertThat(context.getBean(SsmClientConfig.class).observationRegistry())
                .isSameAs(io.micrometer.observation.ObservationRegistry.NOOP));
    }

    @Test
    void transportPropertiesReachTheConfig() {
        runner().withPropertyValues("ssm.onprem.connect-timeout=3s", "ssm.onprem.response-timeout=45s",
                "ssm.onprem.call-timeout=7s", "ssm.onprem.retries=5", "ssm.onprem.proxy.url=http://proxy.example.test:3128",
                "ssm.onprem.proxy.username=pu", "ssm.onprem.proxy.password=proxy-s3cr3t",
                "ssm.onprem.proxy.non-proxy-hosts=localhost,*.internal").run(context -> {
                    SsmClientConfig config = context.getBean(SsmClientConfig.class);
                    assertThat(config.baseUrl().toString()).startsWith("https://ssm.example.test:8443");
                    assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
                    assertThat(config.responseTimeout()).isEqualTo(Duration.ofSeconds(45));
                    assertThat(config.callTimeout()).as("call-timeout is the SDK's callTimeout").isEqualTo(Duration.ofSeconds(7));
                    assertThat(config.connectionRequestTimeout()).as("the pool wait keeps the SDK's default")
                            .isEqualTo(SsmClientConfig.builder().baseUrl("https://h").build().connectionRequestTimeout());
                    assertThat(config.retrySettings().maxAttempts()).isEqualTo(5);
                    ProxyConfig proxy = config.proxy().orElseThrow();
                    assertThat(proxy.host()).isEqualTo("proxy.example.test");
                    assertThat(proxy.port()).isEqualTo(3128);
                    assertThat(proxy.username()).contains("pu");
                    assertThat(proxy.password().orElseThrow().reveal()).isEqualTo("proxy-s3cr3t");
                    assertThat(proxy.nonProxyHosts()).containsExactly("localhost", "*.internal");
                    assertThat(config.toString()).doesNotContain("proxy-s3cr3t");
                    assertThat(context.getBean(SsmOnPremProperties.class).toString())
                            .doesNotContain("s3cr3t-client").doesNotContain("s3cr3t-password");
                });
    }

    @Test
    void attemptAndCallTimeoutPropertiesSetTheSdksPerAttemptAndPerCallLimits() {
        runner().withPropertyValues("ssm.onprem.attempt-timeout=20s", "ssm.onprem.call-timeout=50s").run(context -> {
            SsmClientConfig config = context.getBean(SsmClientConfig.class);
            assertThat(config.attemptTimeout()).isEqualTo(Duration.ofSeconds(20));
            assertThat(config.callTimeout()).isEqualTo(Duration.ofSeconds(50));
        });
    }

    @Test
    void theGeneratedMetadataDescribesCallTimeoutAsTheWholeCallsLimit() throws Exception {
        com.fasterxml.jackson.databind.JsonNode metadata;
        try (java.io.InputStream in = SsmOnPremProperties.class.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            metadata = new com.fasterxml.jackson.databind.ObjectMapper().readTree(in);
        }
        Map<String, String> descriptions = new java.util.HashMap<>();
        metadata.get("properties").forEach(p -> descriptions.put(p.get("name").asText(), p.path("description").asText()));
        assertThat(descriptions.get("ssm.onprem.call-timeout")).contains("one call as a whole").doesNotContain("pooled");
        assertThat(descriptions.get("ssm.onprem.attempt-timeout")).contains("one attempt as a whole");
    }

    @Test
    void withoutTimeoutPropertiesTheSdkDerivesTheAttemptAndCallLimitsFromTheOthers() {
        runner().withPropertyValues("ssm.onprem.connect-timeout=10s", "ssm.onprem.response-timeout=6m").run(context -> {
            SsmClientConfig config = context.getBean(SsmClientConfig.class);
            assertThat(config.attemptTimeout()).isEqualTo(Duration.ofSeconds(10 + 2 * 360));
            assertThat(config.callTimeout()).isEqualTo(Duration.ofSeconds(2 * (10 + 2 * 360)));
        });
    }

    @Test
    void proxyUserInfoIsRefusedWithoutEchoingIt() {
        runner().withPropertyValues("ssm.onprem.proxy.url=http://pu:leaked-pw@proxy.example.test:3128").run(context -> {
            FailureAnalysis a = analysis(context);
            assertThat(a.getDescription()).contains("ssm.onprem.proxy.url").doesNotContain("leaked-pw");
            assertThat(a.getAction()).doesNotContain("leaked-pw");
        });
    }

    @Test
    void badRetriesAndUnreadableCaCertAreNamed() {
        runner().withPropertyValues("ssm.onprem.retries=0")
                .run(context -> assertThat(analysis(context).getDescription()).contains("ssm.onprem.retries"));
        runner().withPropertyValues("ssm.onprem.ca-cert=file:" + stateDir.resolve("missing.pem"))
                .run(context -> assertThat(analysis(context).getDescription()).contains("ssm.onprem.ca-cert"));
    }

    @Test
    void accountsSchedulerAndUsageSettingsBind() {
        runner().withPropertyValues("ssm.onprem.accounts[0].domain=a.example", "ssm.onprem.accounts[0].virtual-accounts=VA1,VA2",
                "ssm.onprem.accounts[1].domain=b.example", "ssm.onprem.scheduler.period=20m",
                "ssm.onprem.scheduler.initial-delay=10m", "ssm.onprem.scheduler.jitter=0s",
                "ssm.onprem.usage.requesting-system-pid=VMANAGE", "ssm.onprem.usage.requesting-system-serial-number=SN-1",
                "ssm.onprem.usage.max-upload-size=256KB", "ssm.onprem.usage.already-received-pattern=(?i)duplicate").run(context -> {
                    assertThat(context.getBean(SsmSyncClient.class).accounts()).containsExactly(
                            AccountSelection.of("a.example", "VA1", "VA2"), AccountSelection.of("b.example"));
                    SsmOnPremProperties p = context.getBean(SsmOnPremProperties.class);
                    assertThat(p.getScheduler().getPeriod()).isEqualTo(Duration.ofMinutes(20));
                    assertThat(p.getUsage().getRequestingSystemPid()).isEqualTo("VMANAGE");
                    assertThat(p.getUsage().getMaxUploadSize().toKilobytes()).isEqualTo(256);
                    // With no jitter the first run is exactly the initial delay away.
                    SyncScheduler scheduler = context.getBean(SyncScheduler.class);
                    Duration untilFirst = Duration.between(java.time.Instant.now(), scheduler.nextRunAt().orElseThrow());
                    assertThat(untilFirst).isBetween(Duration.ofMinutes(9), Duration.ofMinutes(10));
                });
    }

    @Test
    void anAccountWithoutDomainIsNamed() {
        runner().withPropertyValues("ssm.onprem.accounts[0].virtual-accounts=VA1")
                .run(context -> assertThat(analysis(context).getDescription()).contains("ssm.onprem.accounts[0].domain"));
    }

    @Test
    void invalidScheduleIsAFailureAnalysisNamingTheProperty() {
        runner().withPropertyValues("ssm.onprem.scheduler.period=1h", "ssm.onprem.scheduler.jitter=2h").run(context -> {
            FailureAnalysis analysis = analysis(context);
            assertThat(analysis.getDescription()).contains("jitter");
            assertThat(analysis.getAction()).contains("ssm.onprem.scheduler.jitter").contains("SSM_ONPREM_SCHEDULER_JITTER");
        });
    }

    @Test
    void aValueTheSdkRefusesIsAFailureAnalysisNamingThePropertyBehindIt() {
        runner().withPropertyValues("ssm.onprem.connect-timeout=0s").run(context -> {
            FailureAnalysis analysis = analysis(context);
            assertThat(analysis.getDescription()).contains("connectTimeout");
            assertThat(analysis.getAction()).contains("ssm.onprem.connect-timeout").contains("SSM_ONPREM_CONNECT_TIMEOUT");
        });
        runner().withPropertyValues("ssm.onprem.scheduler.period=0s")
                .run(context -> assertThat(analysis(context).getAction()).contains("ssm.onprem.scheduler.period"));
        runner().withPropertyValues("ssm.onprem.call-timeout=-5s")
                .run(context -> assertThat(analysis(context).getAction()).contains("ssm.onprem.call-timeout"));
    }

    @Test
    void theApplicationsMeterRegistryIsUsed() {
        runner().withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            assertThat(context.getBean(SsmClientConfig.class).meterRegistry()).containsSame(registry);
            assertThat(registry.find("ssm.sync.last.success").gauge()).isNotNull();
        });
    }

    @Test
    void theApplicationsSyncExecutorRunsTheScheduler() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1);
        try {
            runner().withBean(SsmOnPremAutoConfiguration.SYNC_EXECUTOR_BEAN, ScheduledExecutorService.class, () -> executor,
                    bd -> bd.setDestroyMethodName("")).run(context -> {
                        assertThat(context).hasNotFailed();
                        assertThat(executor.getQueue()).hasSize(1);
                    });
            assertThat(executor.isShutdown()).as("the application's executor is the application's to stop").isFalse();
            assertThat(executor.getQueue()).as("the stopped scheduler cancelled its run")
                    .allSatisfy(task -> assertThat(((java.util.concurrent.Future<?>) task).isCancelled()).isTrue());
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void everyCustomizerIsApplied() {
        AtomicBoolean tokens = new AtomicBoolean();
        AtomicBoolean client = new AtomicBoolean();
        AtomicBoolean scheduler = new AtomicBoolean();
        runner().withBean(SsmClientConfigCustomizer.class, () -> b -> b.userAgent("inventory/1.0"))
                .withBean(OAuthTokenProviderCustomizer.class, () -> b -> tokens.set(true))
                .withBean(SsmSyncClientCustomizer.class, () -> b -> {
                    client.set(true);
                    b.account(AccountSelection.of("added.example"));
                })
                .withBean(SyncSchedulerCustomizer.class, () -> b -> {
                    scheduler.set(true);
                    b.failureBackoff(Duration.ofMinutes(1), Duration.ofMinutes(2));
                })
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(SsmClientConfig.class).userAgent()).isEqualTo("inventory/1.0");
                    assertThat(context.getBean(SsmSyncClient.class).accounts()).contains(AccountSelection.of("added.example"));
                    assertThat(tokens).isTrue();
                    assertThat(client).isTrue();
                    assertThat(scheduler).isTrue();
                });
    }

    @Test
    void everyBeanBacksOffForTheApplicationsOwn() {
        runner().withUserConfiguration(OwnBeans.class).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(SsmClientConfig.class).hasSingleBean(SsmHttpClient.class)
                    .hasSingleBean(SyncStore.class).hasSingleBean(SsmSyncClient.class).hasSingleBean(SyncScheduler.class)
                    .as("the application's client has its own provider: no second token cache beside it")
                    .doesNotHaveBean(OAuthTokenProvider.class);
            assertThat(context.getBean(SsmClientConfig.class).userAgent()).isEqualTo("own");
            assertThat(context.getBean(SyncStore.class)).isInstanceOf(InMemorySyncStore.class);
            SsmSyncClient client = context.getBean(SsmSyncClient.class);
            assertThat(client.store()).isSameAs(context.getBean(SyncStore.class));
            assertThat(client.accounts()).containsExactly(AccountSelection.of("own.example"));
            // The application's own scheduler is started and stopped with the context too.
            assertThat(context.getBean(SyncScheduler.class).nextRunAt()).isPresent();
            assertThat(context.getBean(SsmSyncStatus.class)).isNotNull();
        });
    }

    @Test
    void theApplicationsTokenProviderIsTheSyncClientsOnlyOne() {
        runner().withBean("ownTokens", OAuthTokenProvider.class,
                () -> OAuthTokenProvider.builder(SsmHttpClient.create(SsmClientConfig.builder().baseUrl("https://own.example.test")
                        .noProxy().build())).grant(io.github.ssmonprem.auth.OAuthGrant.clientCredentials("own",
                                io.github.ssmonprem.core.Secret.of("own-secret"))).build())
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(OAuthTokenProvider.class);
                    assertThat(context.getBean(SsmSyncClient.class).tokens()).isSameAs(context.getBean("ownTokens"));
                });
    }

    @Test
    void sanitizerMasksTheSecretsHoweverSpelled() {
        for (String key : List.of("ssm.onprem.client-secret", "ssm.onprem.clientSecret", "SSM_ONPREM_CLIENT_SECRET",
                "ssm.onprem.password", "ssm.onprem.proxy.password", "SSM_ONPREM_PROXY_PASSWORD")) {
            assertThat(SsmSecretSanitizer.isSecret(key)).as(key).isTrue();
        }
        for (String key : List.of("ssm.onprem.client-id", "ssm.onprem.username", "ssm.onprem.url", "ssm.onprem.proxy.username")) {
            assertThat(SsmSecretSanitizer.isSecret(key)).as(key).isFalse();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnBeans {
        @Bean
        SsmClientConfig ownConfig() {
            return SsmClientConfig.builder().baseUrl("https://own.example.test").noProxy().userAgent("own").build();
        }

        @Bean
        SsmHttpClient ownHttp(SsmClientConfig config) {
            return SsmHttpClient.create(config);
        }

        @Bean
        SyncStore ownStore() {
            return new InMemorySyncStore();
        }

        @Bean
        SsmSyncClient ownClient(SsmHttpClient http, SyncStore store) {
            return SsmSyncClient.builder().http(http).store(store)
                    .grant(io.github.ssmonprem.auth.OAuthGrant.clientCredentials("own", io.github.ssmonprem.core.Secret.of("x")))
                    .account(AccountSelection.of("own.example")).build();
        }

        @Bean
        SyncScheduler ownScheduler(SsmSyncClient client) {
            return SyncScheduler.builder(client).initialDelay(Duration.ofHours(1)).build();
        }
    }
}
