package io.github.ssmonprem.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.core.exception.SsmConfigurationException;
import io.github.ssmonprem.sync.lock.LockHolder;
import io.github.ssmonprem.sync.lock.SyncLease;
import io.github.ssmonprem.sync.lock.SyncLockLostException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** {@link JdbcSyncLock} on PostgreSQL and on H2; each test gets its own table prefix. */
class JdbcSyncLockTest {

    private static DataSource database(String kind) {
        if (kind.equals("postgresql")) {
            return EmbeddedPg.dataSource();
        }
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:lock-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        return h2;
    }

    private static String freshPrefix() {
        return "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12) + "_";
    }

    private static JdbcSyncLock lock(DataSource ds, String prefix) {
        return JdbcSyncLock.builder(ds).tablePrefix(prefix).build();
    }

    /** Waits, bounded, until the database's clock has passed the lease's expiry. */
    private static SyncLease acquireOnceExpired(JdbcSyncLock lock, String holder) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            Optional<SyncLease> lease = lock.tryAcquire(holder, Duration.ofMinutes(1));
            if (lease.isPresent()) {
                return lease.get();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the lease never expired");
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "h2"})
    void oneHolderAtATimeWithItsNameShownAndTheTableCreatedOnDemand(String kind) throws Exception {
        DataSource ds = database(kind);
        String prefix = freshPrefix();
        JdbcSyncLock a = lock(ds, prefix);
        JdbcSyncLock b = lock(ds, prefix);
        assertTrue(a.holder().isEmpty());
        SyncLease lease = a.tryAcquire("node-a (pid 4711)", Duration.ofMinutes(5)).orElseThrow();
        assertFalse(b.tryAcquire("node-b", Duration.ofMinutes(5)).isPresent(), "node-b waits for node-a's lease");
        LockHolder holder = b.holder().orElseThrow();
        assertEquals("node-a (pid 4711)", holder.node());
        assertEquals(lease.fencingToken(), holder.fencingToken());
        Duration shown = Duration.between(holder.acquiredAt(), holder.expiresAt());
        assertEquals(Duration.ofMinutes(5).toSeconds(), shown.toSeconds(), "the lease time in the database's clock");
        lease.ensureHeld();
        lease.release(true);
        assertTrue(b.holder().isEmpty());
        SyncLease next = b.tryAcquire("node-b", Duration.ofMinutes(5)).orElseThrow();
        assertTrue(next.fencingToken() > lease.fencingToken(), "the fencing token grows");
        assertTrue(b.sinceLastSuccess().orElseThrow().compareTo(Duration.ofMinutes(1)) < 0);
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + prefix + "sync_lock")) {
            assertTrue(rs.next());
            assertEquals(1, rs.getInt(1), "the schema was created with the configured prefix");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "h2"})
    void anExpiredLeaseGoesToTheNextNodeAndTheOldOneCanNeitherRenewNorWrite(String kind) throws Exception {
        DataSource ds = database(kind);
        String prefix = freshPrefix();
        JdbcSyncLock a = lock(ds, prefix);
        JdbcSyncLock b = lock(ds, prefix);
        SyncLease paused = a.tryAcquire("node-a", Duration.ofMillis(200)).orElseThrow();
        assertTrue(paused.renew(Duration.ofMillis(200)), "renewed while still held");
        SyncLease taken = acquireOnceExpired(b, "node-b");
        assertTrue(taken.fencingToken() > paused.fencingToken());
        assertFalse(paused.renew(Duration.ofMinutes(5)), "a lost lease is not renewed");
        assertThrows(SyncLockLostException.class, paused::ensureHeld);
        paused.release(true);
        assertEquals("node-b", b.holder().orElseThrow().node(), "releasing a lost lease leaves the new holder's alone");
        assertTrue(a.sinceLastSuccess().isEmpty(), "and records no success");
        taken.ensureHeld();
    }

    @Test
    void aRenewedLeaseOutlivesItsFirstExpiry() throws Exception {
        DataSource ds = database("postgresql");
        String prefix = freshPrefix();
        JdbcSyncLock a = lock(ds, prefix);
        SyncLease lease = a.tryAcquire("node-a", Duration.ofMillis(300)).orElseThrow();
        Instant firstExpiry = a.holder().orElseThrow().expiresAt();
        assertTrue(lease.renew(Duration.ofMinutes(5)));
        assertTrue(a.holder().orElseThrow().expiresAt().isAfter(firstExpiry.plusSeconds(60)));
        Thread.sleep(400);   // past the first expiry, in any clock
        lease.ensureHeld();
        assertFalse(lock(ds, prefix).tryAcquire("node-b", Duration.ofMinutes(5)).isPresent());
    }

    @Test
    void withoutSchemaCreationAMissingTableIsATypedError() {
        JdbcSyncLock lock = JdbcSyncLock.builder(database("h2")).tablePrefix(freshPrefix()).createSchema(false).build();
        io.github.ssmonprem.sync.lock.SyncLockException e = assertThrows(io.github.ssmonprem.sync.lock.SyncLockException.class,
                () -> lock.tryAcquire("node-a", Duration.ofMinutes(5)));
        assertTrue(e.remediation().contains("sync_lock") && e.remediation().contains("schema-h2.sql"), e.remediation());
    }

    @Test
    void aTablePrefixThatIsNoPlainIdentifierIsRefused() {
        for (String bad : new String[] {"", "1abc", "ssm; DROP TABLE x", "ssm-", "a".repeat(31)}) {
            assertThrows(SsmConfigurationException.class, () -> JdbcSyncLock.builder(database("h2")).tablePrefix(bad).build(), bad);
        }
    }
}
