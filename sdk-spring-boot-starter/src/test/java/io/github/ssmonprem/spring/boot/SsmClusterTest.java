package io.github.ssmonprem.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.ssmonprem.emulator.SsmEmulator;
import io.github.ssmonprem.jdbc.JdbcSyncLock;
import io.github.ssmonprem.jdbc.JdbcSyncStore;
import io.github.ssmonprem.spring.boot.internal.SsmSyncStatus;
import io.github.ssmonprem.sync.SyncScheduler;
import io.github.ssmonprem.sync.lock.SyncLock;
import io.github.ssmonprem.sync.store.SyncStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Two instances of one application (two application contexts) with {@code cluster.enabled=true} on
 * one real PostgreSQL and one SSM server: both start their schedules at once, and one license pull
 * happens between them; each shows it in its status.
 */
class SsmClusterTest {

    private static final String ACCOUNT = "cluster.example";
    private static EmbeddedPostgres postgres;
    private static SsmEmulator emulator;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws IOException {
        postgres = EmbeddedPostgres.builder().start();
        emulator = SsmEmulator.builder().https().account(ACCOUNT, "Cluster", "VA1").licenses(ACCOUNT, "VA1", 10).start();
    }

    @AfterAll
    static void stop() throws IOException {
        if (emulator != null) {
            emulator.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    private ApplicationContextRunner instance(String prefix) throws IOException {
        Path ca = Files.writeString(dir.resolve("ca.pem"), emulator.caPem(), StandardCharsets.US_ASCII);
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(SsmOnPremAutoConfiguration.class))
                // Each instance has its own connection pool (here: data source) to the one database.
                .withBean(DataSource.class, postgres::getPostgresDatabase)
                // Look at a held lock again soon, instead of after 10 s.
                .withBean(SyncSchedulerCustomizer.class, () -> b -> b.lockPollInterval(Duration.ofMillis(100)))
                .withPropertyValues("ssm.onprem.url=" + emulator.url(), "ssm.onprem.ca-cert=file:" + ca,
                        "ssm.onprem.client-id=" + SsmEmulator.DEMO_CLIENT_ID,
                        "ssm.onprem.client-secret=" + SsmEmulator.DEMO_CLIENT_SECRET,
                        "ssm.onprem.username=" + SsmEmulator.DEMO_USER, "ssm.onprem.password=" + SsmEmulator.DEMO_PASSWORD,
                        "ssm.onprem.accounts[0].domain=" + ACCOUNT, "ssm.onprem.retries=1",
                        "ssm.onprem.cluster.enabled=true", "ssm.onprem.store.table-prefix=" + prefix,
                        "ssm.onprem.scheduler.period=1h", "ssm.onprem.scheduler.initial-delay=0s",
                        "ssm.onprem.scheduler.jitter=0s");
    }

    /** The scheduler has planned its next run past a lock poll: it synced (or failed), or saw that another instance synced. */
    private static boolean decided(AssertableApplicationContext context) {
        return context.getBean(SyncScheduler.class).nextRunAt()
                .map(at -> at.isAfter(Instant.now().plus(Duration.ofMinutes(10)))).orElse(false);
    }

    @Test
    void twoInstancesPullTheLicensesOncePerPeriodBetweenThem() throws IOException {
        String prefix = "c" + UUID.randomUUID().toString().replace("-", "").substring(0, 12) + "_";
        int pagesBefore = emulator.stats().licensePages();
        ApplicationContextRunner runner = instance(prefix);
        runner.run(a -> runner.run(b -> {
            assertThat(a).hasNotFailed();
            assertThat(b).hasNotFailed();
            assertThat(a.getBean(SyncStore.class)).isInstanceOf(JdbcSyncStore.class);
            assertThat(a.getBean(SyncLock.class)).isInstanceOf(JdbcSyncLock.class);
            await().atMost(Duration.ofSeconds(60)).until(() -> decided(a) && decided(b));

            assertThat(emulator.stats().licensePages() - pagesBefore).as("one license pull (one page) between the two")
                    .isEqualTo(1);
            SsmSyncStatus statusA = a.getBean(SsmSyncStatus.class);
            SsmSyncStatus statusB = b.getBean(SsmSyncStatus.class);
            assertThat(statusA.isHealthy()).isTrue();
            assertThat(statusB.isHealthy()).isTrue();
            assertThat(statusA.details().get("lastSuccess")).as("both show the one sync").isNotEqualTo("none yet")
                    .isEqualTo(statusB.details().get("lastSuccess"));
            assertThat(a.getBean(SyncLock.class).sinceLastSuccess()).isPresent();
        }));
        assertThat(emulator.stats().licensePages() - pagesBefore).as("and none while stopping").isEqualTo(1);
    }
}
