package io.github.ssmonprem.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.ssmonprem.jdbc.JdbcSyncLock;
import io.github.ssmonprem.jdbc.JdbcSyncStore;
import io.github.ssmonprem.jdbc.shedlock.ShedLockSyncLock;
import io.github.ssmonprem.spring.boot.internal.SsmFailureAnalyzer;
import io.github.ssmonprem.sync.SsmSyncClient;
import io.github.ssmonprem.sync.SyncScheduler;
import io.github.ssmonprem.sync.lock.LockHolder;
import io.github.ssmonprem.sync.lock.SyncLease;
import io.github.ssmonprem.sync.lock.SyncLock;
import io.github.ssmonprem.sync.store.FileSyncStore;
import io.github.ssmonprem.sync.store.SyncStore;
import io.github.ssmonprem.sync.store.SyncStoreException;
import io.github.ssmonprem.testkit.InMemorySyncStore;
import io.github.ssmonprem.testkit.LocalSyncLock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.provider.jdbc.JdbcLockProvider;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Which store and sync lock {@code store.type} and {@code cluster.enabled} give, and the failures they explain. */
class SsmClusterAutoConfigurationTest {

    @TempDir
    Path stateDir;

    private final JdbcDataSource h2 = new JdbcDataSource();

    SsmClusterAutoConfigurationTest() {
        h2.setURL("jdbc:h2:mem:boot-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    }

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(SsmOnPremAutoConfiguration.class))
                .withPropertyValues("ssm.onprem.url=https://ssm.example.test:8443", "ssm.onprem.client-id=app",
                        "ssm.onprem.client-secret=s3cr3t-client", "ssm.onprem.username=admin",
                        "ssm.onprem.password=s3cr3t-password", "ssm.onprem.store.state-dir=" + stateDir);
    }

    private ApplicationContextRunner withDataSource() {
        return runner().withBean(DataSource.class, () -> h2);
    }

    private static FailureAnalysis analysis(AssertableApplicationContext context) {
        assertThat(context).hasFailed();
        FailureAnalysis analysis = new SsmFailureAnalyzer().analyze(context.getStartupFailure());
        assertThat(analysis).as("failure analysis of %s", context.getStartupFailure()).isNotNull();
        assertThat(analysis.getDescription() + analysis.getAction()).doesNotContain("s3cr3t");
        return analysis;
    }

    private boolean tableExists(String name) throws SQLException {
        try (Connection c = h2.getConnection(); ResultSet rs = c.getMetaData().getTables(null, null, name.toUpperCase(), null)) {
            return rs.next();
        }
    }

    @Test
    void clusterWithADataSourceSharesAJdbcStoreAndLockUnderThePrefix() {
        withDataSource().withPropertyValues("ssm.onprem.cluster.enabled=true", "ssm.onprem.store.table-prefix=app_ssm_")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(SyncStore.class)).isInstanceOf(JdbcSyncStore.class);
                    assertThat(context.getBean(SyncLock.class)).isInstanceOf(JdbcSyncLock.class);
                    assertThat(context.getBean(SyncStore.class).counts().pending()).isZero();
                    assertThat(tableExists("app_ssm_report")).as("the prefix reaches the store, which creates its tables").isTrue();
                    context.getBean(SyncLock.class).sinceLastSuccess();
                    assertThat(tableExists("app_ssm_sync_lock")).as("and the lock").isTrue();
                });
    }

    @Test
    void storeTypeJdbcWithoutClusterIsAJdbcStoreAndNoLock() {
        withDataSource().withPropertyValues("ssm.onprem.store.type=jdbc").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(SyncStore.class)).isInstanceOf(JdbcSyncStore.class);
            assertThat(context).doesNotHaveBean(SyncLock.class);
        });
    }

    @Test
    void aDataSourceAloneKeepsTheFileStore() {
        withDataSource().run(context -> {
            assertThat(context.getBean(SyncStore.class)).isInstanceOf(FileSyncStore.class);
            assertThat(context).doesNotHaveBean(SyncLock.class);
            assertThat(tableExists("ssm_report")).isFalse();
        });
    }

    @Test
    void createSchemaFalseLeavesTheSchemaToTheApplication() {
        withDataSource().withPropertyValues("ssm.onprem.cluster.enabled=true", "ssm.onprem.store.create-schema=false")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThatThrownBy(() -> context.getBean(SyncStore.class).dead())
                            .as("no table, and the store does not create it").isInstanceOf(SyncStoreException.class);
                    assertThat(tableExists("ssm_report")).isFalse();
                });
    }

    @Test
    void clusterWithoutADataSourceIsAFailureAnalysis() {
        runner().withPropertyValues("ssm.onprem.cluster.enabled=true").run(context -> {
            FailureAnalysis analysis = analysis(context);
            assertThat(analysis.getDescription()).contains("ssm.onprem.cluster.enabled").contains("DataSource");
            assertThat(analysis.getAction()).contains("spring.datasource.url").contains("ssm.onprem.cluster.enabled=false");
        });
    }

    @Test
    void clusterWithoutSdkJdbcIsAFailureAnalysis() {
        withDataSource().withClassLoader(new FilteredClassLoader(JdbcSyncStore.class))
                .withPropertyValues("ssm.onprem.cluster.enabled=true").run(context -> {
                    FailureAnalysis analysis = analysis(context);
                    assertThat(analysis.getDescription()).contains("ssm.onprem.cluster.enabled").contains("sdk-jdbc is not on the class path");
                    assertThat(analysis.getAction()).contains("io.github.ssmonprem:sdk-jdbc");
                });
    }

    @Test
    void storeTypeJdbcWithoutADataSourceNamesTheStoreType() {
        runner().withPropertyValues("ssm.onprem.store.type=jdbc").run(context -> {
            FailureAnalysis analysis = analysis(context);
            assertThat(analysis.getDescription()).contains("ssm.onprem.store.type").contains("DataSource");
            assertThat(analysis.getAction()).contains("ssm.onprem.store.type=file");
        });
    }

    @Test
    void clusterWithAFileStoreIsRefused() {
        withDataSource().withPropertyValues("ssm.onprem.cluster.enabled=true", "ssm.onprem.store.type=file")
                .run(context -> assertThat(analysis(context).getDescription()).contains("ssm.onprem.store.type"));
    }

    @Test
    void anInvalidTablePrefixIsNamed() {
        withDataSource().withPropertyValues("ssm.onprem.cluster.enabled=true", "ssm.onprem.store.table-prefix=1; drop")
                .run(context -> assertThat(analysis(context).getDescription()).contains("ssm.onprem.store.table-prefix"));
    }

    @Test
    void withoutADataSourceTheApplicationsShedLockProviderLocksTheirOwnStore() {
        JdbcDataSource lockDb = new JdbcDataSource();
        lockDb.setURL("jdbc:h2:mem:shedlock-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        runner().withPropertyValues("ssm.onprem.cluster.enabled=true")
                .withBean(SyncStore.class, InMemorySyncStore::new)
                .withBean(LockProvider.class, () -> new JdbcLockProvider(lockDb))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(SyncLock.class)).isInstanceOf(ShedLockSyncLock.class);
                });
    }

    @Test
    void aDataSourceWinsOverAShedLockProviderForItsFencing() {
        withDataSource().withPropertyValues("ssm.onprem.cluster.enabled=true")
                .withBean(LockProvider.class, () -> new JdbcLockProvider(h2))
                .run(context -> assertThat(context.getBean(SyncLock.class)).isInstanceOf(JdbcSyncLock.class));
    }

    @Test
    void theApplicationsOwnLockAndStoreWin() {
        runner().withPropertyValues("ssm.onprem.cluster.enabled=true")
                .withBean(SyncStore.class, InMemorySyncStore::new)
                .withBean(SyncLock.class, LocalSyncLock::new)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(SyncLock.class)).isInstanceOf(LocalSyncLock.class);
                    assertThat(context.getBean(SyncStore.class)).isInstanceOf(InMemorySyncStore.class);
                });
    }

    /** A lock another node always holds, which records the names this node asks under. */
    private static final class HeldElsewhereLock implements SyncLock {
        final CompletableFuture<String> askedBy = new CompletableFuture<>();

        @Override
        public Optional<SyncLease> tryAcquire(String holder, Duration leaseTime) {
            askedBy.complete(holder);
            return Optional.empty();
        }

        @Override
        public Optional<LockHolder> holder() {
            return Optional.empty();
        }

        @Override
        public Optional<Duration> sinceLastSuccess() {
            return Optional.empty();
        }
    }

    @Test
    void nodeNameAndClaimLeaseReachTheClientAndTheSchedulersLock() {
        HeldElsewhereLock lock = new HeldElsewhereLock();
        runner().withPropertyValues("ssm.onprem.cluster.enabled=true", "ssm.onprem.cluster.node-name=vmanage-2",
                        "ssm.onprem.cluster.claim-lease=2m")
                .withBean(SyncStore.class, InMemorySyncStore::new)
                .withBean(SyncLock.class, () -> lock)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    SsmSyncClient client = context.getBean(SsmSyncClient.class);
                    assertThat(client.nodeName()).isEqualTo("vmanage-2");
                    assertThat(client.claimLease()).isEqualTo(Duration.ofMinutes(2));
                    context.getBean(SyncScheduler.class).syncNow();
                    assertThat(lock.askedBy.get(30, TimeUnit.SECONDS)).isEqualTo("vmanage-2");
                });
    }

    @Test
    void withoutThemTheClientKeepsTheSdksDefaults() {
        runner().run(context -> {
            assertThat(context).hasNotFailed();
            SsmSyncClient client = context.getBean(SsmSyncClient.class);
            assertThat(client.nodeName()).contains("/" + ProcessHandle.current().pid() + "/");
            assertThat(client.claimLease()).isEqualTo(Duration.ofMinutes(5));
        });
    }

    @Test
    void aBlankNodeNameOrAShortClaimLeaseIsNamed() {
        runner().withPropertyValues("ssm.onprem.cluster.node-name= ")
                .run(context -> assertThat(analysis(context).getDescription()).contains("ssm.onprem.cluster.node-name"));
        runner().withPropertyValues("ssm.onprem.cluster.claim-lease=500ms")
                .run(context -> assertThat(analysis(context).getDescription()).contains("ssm.onprem.cluster.claim-lease"));
    }

    /** Boot's DataSource and SQL-initialization auto-configurations, under their 4.0 or 3.5 names. */
    private static Class<?>[] bootDataSourceAndSchemaInit() {
        String[][] candidates = {
            {"org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
                "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration"},
            {"org.springframework.boot.jdbc.autoconfigure.DataSourceInitializationAutoConfiguration",
                "org.springframework.boot.autoconfigure.sql.init.SqlInitializationAutoConfiguration"}};
        Class<?>[] found = new Class<?>[candidates.length];
        for (int i = 0; i < candidates.length; i++) {
            for (String name : candidates[i]) {
                if (org.springframework.util.ClassUtils.isPresent(name, null)) {
                    found[i] = org.springframework.util.ClassUtils.resolveClassName(name, null);
                }
            }
            assertThat(found[i]).as(String.join(" or ", candidates[i])).isNotNull();
        }
        return found;
    }

    @Test
    void theJdbcStoreWaitsForTheApplicationsSchemaAndDataScripts() {
        runner().withConfiguration(AutoConfigurations.of(bootDataSourceAndSchemaInit()))
                .withPropertyValues("spring.datasource.url=jdbc:h2:mem:init-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
                        "spring.sql.init.mode=always", "spring.sql.init.schema-locations=classpath:app-ssm-schema-h2.sql",
                        "spring.sql.init.data-locations=classpath:app-ssm-data-h2.sql",
                        "ssm.onprem.cluster.enabled=true", "ssm.onprem.store.table-prefix=app_",
                        "ssm.onprem.store.create-schema=false")
                .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(SyncStore.class)).isInstanceOf(JdbcSyncStore.class);
                    // The sync client reads the last outcome when it is built: after the scripts ran, it finds it.
                    assertThat(context.getBean(MeterRegistry.class).get("ssm.sync.last.success").gauge().value())
                            .isEqualTo(Instant.parse("2026-12-01T00:00:00Z").getEpochSecond());
                });
    }

    @Test
    void anApplicationWithoutBootsSqlModuleStillStarts() {
        runner().withClassLoader(new FilteredClassLoader("org.springframework.boot.sql", "io.github.ssmonprem.jdbc"))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(SyncStore.class)).isInstanceOf(FileSyncStore.class);
                });
    }
}
