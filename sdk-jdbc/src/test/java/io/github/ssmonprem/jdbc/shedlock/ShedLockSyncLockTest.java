package io.github.ssmonprem.jdbc.shedlock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.sync.lock.SyncLease;
import io.github.ssmonprem.sync.lock.SyncLockLostException;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import net.javacrumbs.shedlock.provider.jdbc.JdbcLockProvider;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link ShedLockSyncLock} over ShedLock's own plain-JDBC provider (on H2, ShedLock's documented table). */
class ShedLockSyncLockTest {

    private DataSource ds;

    @BeforeEach
    void shedLockTable() throws Exception {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:shedlock-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        ds = h2;
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE shedlock (name VARCHAR(64) NOT NULL PRIMARY KEY, lock_until TIMESTAMP NOT NULL,"
                    + " locked_at TIMESTAMP NOT NULL, locked_by VARCHAR(255) NOT NULL)");
        }
    }

    private ShedLockSyncLock node(Duration minimumInterval) {
        return ShedLockSyncLock.builder(new JdbcLockProvider(ds)).minimumInterval(minimumInterval).build();
    }

    @Test
    void oneNodeAtATimeAndASuccessIsSeenByTheOthersForTheMinimumInterval() {
        ShedLockSyncLock a = node(Duration.ofHours(23));
        ShedLockSyncLock b = node(Duration.ofHours(23));
        assertTrue(b.sinceLastSuccess().isEmpty(), "no success recorded yet");
        SyncLease lease = a.tryAcquire("node-a", Duration.ofMinutes(5)).orElseThrow();
        assertFalse(b.tryAcquire("node-b", Duration.ofMinutes(5)).isPresent());
        assertTrue(lease.renew(Duration.ofMinutes(5)), "the JDBC provider extends leases");
        lease.ensureHeld();
        lease.release(true);
        assertEquals(Optional.of(Duration.ZERO), b.sinceLastSuccess(), "a success less than 23 h ago");
        assertTrue(b.tryAcquire("node-b", Duration.ofMinutes(5)).isPresent(), "the sync lock itself is free again");
        assertTrue(b.holder().isEmpty(), "ShedLock cannot say who holds a lock");
    }

    @Test
    void aFailedSyncRecordsNoSuccess() {
        ShedLockSyncLock a = node(Duration.ofHours(23));
        a.tryAcquire("node-a", Duration.ofMinutes(5)).orElseThrow().release(false);
        assertTrue(node(Duration.ofHours(23)).sinceLastSuccess().isEmpty());
    }

    @Test
    void aLeaseThatRanOutIsLostForThisNodeAndTakenByTheNext() throws Exception {
        ShedLockSyncLock a = node(Duration.ofHours(23));
        SyncLease paused = a.tryAcquire("node-a", Duration.ofMillis(200)).orElseThrow();
        Thread.sleep(300);   // past lockAtMostFor in this node's clock, which ShedLock's JDBC provider uses
        assertThrows(SyncLockLostException.class, paused::ensureHeld);
        assertFalse(paused.renew(Duration.ofMinutes(5)));
        SyncLease next = node(Duration.ofHours(23)).tryAcquire("node-b", Duration.ofMinutes(5)).orElseThrow();
        assertTrue(next.fencingToken() > 0);
        paused.release(true);
        assertTrue(a.sinceLastSuccess().isEmpty(), "a lost lease records no success");
    }
}
