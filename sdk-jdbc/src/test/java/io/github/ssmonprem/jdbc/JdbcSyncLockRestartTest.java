package io.github.ssmonprem.jdbc;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.sync.lock.SyncLease;
import io.github.ssmonprem.sync.lock.SyncLockException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link JdbcSyncLock} while PostgreSQL stops and starts again under a held lease. */
class JdbcSyncLockRestartTest {

    @TempDir
    Path dir;

    private static void assertNoPassword(SyncLockException e) {
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        assertFalse(e.getMessage().contains(RestartablePg.PASSWORD), e.getMessage());
        assertFalse(trace.toString().contains(RestartablePg.PASSWORD), "nor anywhere in the cause chain");
    }

    @Test
    void aStoppedDatabaseIsATypedErrorAndTheLeaseSurvivesTheRestart() throws Exception {
        try (RestartablePg pg = new RestartablePg(dir.resolve("pg"))) {
            JdbcSyncLock a = JdbcSyncLock.builder(pg.dataSource()).build();
            JdbcSyncLock b = JdbcSyncLock.builder(pg.dataSource()).build();
            SyncLease lease = a.tryAcquire("node-a", Duration.ofMinutes(5)).orElseThrow();

            pg.stop();
            SyncLockException renew = assertThrows(SyncLockException.class, () -> lease.renew(Duration.ofMinutes(5)));
            assertTrue(renew.isRetryable());
            assertNoPassword(renew);
            assertNoPassword(assertThrows(SyncLockException.class, () -> b.tryAcquire("node-b", Duration.ofMinutes(5))));
            assertNoPassword(assertThrows(SyncLockException.class, lease::ensureHeld));

            pg.start();
            lease.ensureHeld();
            assertFalse(b.tryAcquire("node-b", Duration.ofMinutes(5)).isPresent(), "the restart kept node-a's lease");
            assertTrue(lease.renew(Duration.ofMinutes(5)));
            lease.release(true);
            assertTrue(b.sinceLastSuccess().isPresent());
            assertTrue(b.tryAcquire("node-b", Duration.ofMinutes(5)).isPresent());
        }
    }
}
