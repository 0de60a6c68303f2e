package io.github.ssmonprem.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.sync.model.UsageReport;
import io.github.ssmonprem.sync.store.DeadLetter;
import io.github.ssmonprem.sync.store.LicenseSnapshot;
import io.github.ssmonprem.sync.store.PendingReport;
import io.github.ssmonprem.sync.store.ReportState;
import io.github.ssmonprem.sync.store.SyncOutcome;
import io.github.ssmonprem.sync.store.SyncStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link SyncStore} contract as a JUnit 5 test suite, for your own store: extend it, implement
 * {@link #newStore(Clock)} (and {@link #reopen(SyncStore)} for a durable store), and your store runs
 * the same tests as the SDK's own stores (in memory, file, JDBC on PostgreSQL and H2).
 *
 * <pre>{@code
 * class MySyncStoreContractTest extends SyncStoreContract {
 *
 *     @Override
 *     protected SyncStore newStore(Clock clock) {
 *         return new MySyncStore(dataSource, clock);
 *     }
 *
 *     @Override
 *     protected SyncStore reopen(SyncStore current) {   // a new store object on the same state
 *         current.close();
 *         return new MySyncStore(dataSource, clock);
 *     }
 * }
 * }</pre>
 *
 * <p>The tests check the idempotent add of a known id in each state, the order of pending reports,
 * delivery-state updates, claims (taken oldest first, renewed by their owner, taken over once
 * expired, never given to two owners at once, also under concurrent calls), delivered and dead
 * reports, retrying and discarding dead letters, snapshots and the last outcome, and that every
 * change survives {@link #reopen(SyncStore)}. A fresh store is opened before each test and closed
 * after it.
 *
 * <p>Claims and retention use the clock given to {@link #newStore(Clock)}, {@link #clock}, which
 * starts at {@link #T0}; a store on a clock of its own (a database's) overrides
 * {@link #elapse(Duration)} to let that much time pass for it.
 *
 * <p>Needs sdk-testkit (scope {@code test}) and JUnit Jupiter on the test class path.
 */
public abstract class SyncStoreContract {

    /** When the tests start, in the test clock. */
    protected static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");

    /** The clock the store under test is given, at {@link #T0} to begin with; {@link #elapse(Duration)} advances it. */
    protected final TestClock clock = TestClock.at(T0);

    /** The store under test: opened by {@link #newStore(Clock)} before each test, closed after it. */
    protected SyncStore store;

    /** For subclasses. */
    protected SyncStoreContract() {
    }

    /**
     * Opens an empty store.
     *
     * @param clock the clock for claims and retention
     * @return the store
     */
    protected abstract SyncStore newStore(Clock clock);

    /**
     * Closes a store and opens it again on the same state, to check durability. The default returns
     * the same store (for stores that live in memory).
     *
     * @param current the open store
     * @return the store reopened
     */
    protected SyncStore reopen(SyncStore current) {
        return current;
    }

    /**
     * Lets time pass for the store. The default advances {@link #clock}.
     *
     * @param duration how much
     */
    protected void elapse(Duration duration) {
        clock.advance(duration);
    }

    @BeforeEach
    void openStore() {
        store = newStore(clock);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    /**
     * A report with a fresh id and a number of devices.
     *
     * @param devices how many devices
     * @return the report
     */
    protected static UsageReport report(int devices) {
        UsageReport.Builder b = UsageReport.builder(Clock.fixed(T0, ZoneOffset.UTC)).account("acme.example")
                .virtualAccount("VA1").productInstance("vmanage-1");
        for (int d = 0; d < devices; d++) {
            b.device("edge-" + d, "regid.sdwan").usage("dna_advantage", 3 + d, T0.minusSeconds(3600), T0);
        }
        return b.build();
    }

    private static PendingReport entry(int storedSecondsAfterT0) {
        return PendingReport.of(report(1), T0.plusSeconds(storedSecondsAfterT0));
    }

    private void reopenStore() {
        store = reopen(store);
    }

    @Test
    void anAddedReportIsPendingWithItsContentAndSurvivesReopening() {
        PendingReport e = PendingReport.of(report(3), T0);
        assertEquals(Optional.empty(), store.addPending(e));
        reopenStore();
        assertEquals(List.of(e), store.pendingReports());
        assertEquals(1, store.pendingCount());
        assertEquals(ReportState.pending(e), store.state(e.reportId()).orElseThrow());
    }

    @Test
    void addingAKnownPendingIdChangesNothingAndReturnsItsState() {
        PendingReport e = entry(0);
        store.addPending(e);
        store.updatePending(e.withPollId("poll-1"));
        Optional<ReportState> again = store.addPending(PendingReport.of(e.report(), T0.plusSeconds(99)));
        assertEquals(ReportState.Status.PENDING, again.orElseThrow().status());
        assertEquals("poll-1", again.get().pending().pollId());
        assertEquals(List.of(e.withPollId("poll-1")), store.pendingReports());
    }

    @Test
    void addingADeliveredOrDeadIdChangesNothingAndReturnsItsState() {
        PendingReport delivered = entry(0);
        PendingReport dead = entry(1);
        store.addPending(delivered);
        store.addPending(dead);
        assertTrue(store.markDelivered(delivered.reportId()));
        assertTrue(store.moveToDead(new DeadLetter(dead, 413, null, "Request Entity Too Large", T0)));
        reopenStore();
        elapse(SyncStore.DELIVERED_RETENTION.minusDays(1));
        reopenStore();
        assertEquals(ReportState.Status.DELIVERED, store.addPending(delivered).orElseThrow().status());
        assertEquals(ReportState.Status.DEAD, store.addPending(dead).orElseThrow().status());
        assertEquals(0, store.pendingCount());
        assertEquals(1, store.deadLetters().size());
    }

    @Test
    void pendingReportsAreListedOldestFirst() {
        PendingReport late = entry(20);
        PendingReport early = entry(10);
        store.addPending(late);
        store.addPending(early);
        assertEquals(List.of(early.reportId(), late.reportId()),
                store.pendingReports().stream().map(PendingReport::reportId).toList());
    }

    @Test
    void anUpdateReplacesTheDeliveryStateOnlyAndOnlyOfAPendingReport() {
        PendingReport e = entry(0);
        store.addPending(e);
        PendingReport changed = new PendingReport(e.report(), T0.plusSeconds(500), "poll-7", 2, "ServerUnavailableException: 502",
                "node-a", T0.plusSeconds(60));
        assertTrue(store.updatePending(changed));
        reopenStore();
        PendingReport back = store.pendingReports().get(0);
        assertEquals(e.storedAt(), back.storedAt(), "storedAt is kept as stored");
        assertEquals("poll-7", back.pollId());
        assertEquals(2, back.attempts());
        assertEquals("ServerUnavailableException: 502", back.lastError());
        assertEquals("node-a", back.claimOwner());
        assertEquals(T0.plusSeconds(60), back.claimedUntil());
        assertFalse(store.updatePending(entry(0)), "an unknown id is not added by an update");
        store.markDelivered(e.reportId());
        assertFalse(store.updatePending(e.withPollId("late")), "a delivered report is not revived by an update");
        assertEquals(0, store.pendingCount());
    }

    @Test
    void claimsTakeUnclaimedReportsOldestFirstAndExpire() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            PendingReport e = entry(i);
            store.addPending(e);
            ids.add(e.reportId());
        }
        List<PendingReport> a = store.claimPending("node-a", 3, Duration.ofMinutes(5));
        assertEquals(ids.subList(0, 3), a.stream().map(PendingReport::reportId).toList());
        a.forEach(e -> assertEquals("node-a", e.claimOwner()));
        a.forEach(e -> assertTrue(e.claimedUntil() != null));
        List<PendingReport> b = store.claimPending("node-b", 10, Duration.ofMinutes(5));
        assertEquals(ids.subList(3, 5), b.stream().map(PendingReport::reportId).toList());
        assertEquals(List.of(), store.claimPending("node-c", 10, Duration.ofMinutes(5)), "everything is claimed");
        assertEquals(3, store.claimPending("node-a", 10, Duration.ofMinutes(5)).size(), "an owner renews its own claims");
        reopenStore();
        assertEquals(List.of(), store.claimPending("node-c", 10, Duration.ofMinutes(5)), "claims are durable");
        elapse(Duration.ofMinutes(6));
        assertEquals(5, store.claimPending("node-c", 10, Duration.ofMinutes(5)).size(), "expired claims are taken over");
    }

    @Test
    void oneReportIsClaimedByOneOwnerAtATimeUntilItsClaimExpires() {
        PendingReport e = entry(0);
        store.addPending(e);
        store.updatePending(e.withPollId("poll-3"));
        PendingReport mine = store.claim(e.reportId(), "node-a", Duration.ofMinutes(5)).orElseThrow();
        assertEquals("node-a", mine.claimOwner());
        assertEquals("poll-3", mine.pollId(), "the claim returns the stored delivery state");
        assertEquals(Optional.empty(), store.claim(e.reportId(), "node-b", Duration.ofMinutes(5)), "node-a holds it");
        assertEquals(List.of(), store.claimPending("node-b", 10, Duration.ofMinutes(5)));
        elapse(Duration.ofMinutes(4));
        assertTrue(store.claim(e.reportId(), "node-a", Duration.ofMinutes(5)).isPresent(), "its owner renews it");
        reopenStore();
        elapse(Duration.ofMinutes(4));
        assertEquals(Optional.empty(), store.claim(e.reportId(), "node-b", Duration.ofMinutes(5)), "renewed, and durable");
        elapse(Duration.ofMinutes(2));
        assertEquals("node-b", store.claim(e.reportId(), "node-b", Duration.ofMinutes(5)).orElseThrow().claimOwner(),
                "an expired claim is taken over");
        store.updatePending(store.pendingReports().get(0).withClaim(null, null));
        assertEquals("node-c", store.claim(e.reportId(), "node-c", Duration.ofMinutes(5)).orElseThrow().claimOwner(),
                "a released claim is free");
        store.markDelivered(e.reportId());
        assertEquals(Optional.empty(), store.claim(e.reportId(), "node-c", Duration.ofMinutes(5)), "only pending reports are claimed");
        assertEquals(Optional.empty(), store.claim(UUID.randomUUID().toString(), "node-c", Duration.ofMinutes(5)));
    }

    @Test
    void aReportAddedClaimedIsHeldByItsOwnerFromTheStartUntilReleasedOrExpired() {
        PendingReport e = entry(0);
        assertEquals(Optional.empty(), store.addPending(e, "node-a", Duration.ofMinutes(5)));
        PendingReport stored = store.pendingReports().get(0);
        assertEquals(e.report(), stored.report());
        assertEquals(e.storedAt(), stored.storedAt());
        assertEquals("node-a", stored.claimOwner());
        assertEquals(Optional.empty(), store.claim(e.reportId(), "node-b", Duration.ofMinutes(5)), "node-a holds it from the start");
        assertEquals(List.of(), store.claimPending("node-b", 10, Duration.ofMinutes(5)));
        reopenStore();
        assertEquals(Optional.empty(), store.claim(e.reportId(), "node-b", Duration.ofMinutes(5)), "the claim is durable");
        Optional<ReportState> again = store.addPending(PendingReport.of(e.report(), T0.plusSeconds(9)), "node-b", Duration.ofMinutes(5));
        assertEquals("node-a", again.orElseThrow().pending().claimOwner(), "adding a known id changes nothing");
        assertEquals(e.storedAt(), again.get().pending().storedAt());

        assertTrue(store.updatePending(store.pendingReports().get(0).withPollId("poll-1").withClaim(null, null)));
        PendingReport taken = store.claim(e.reportId(), "node-b", Duration.ofMinutes(5)).orElseThrow();
        assertEquals("node-b", taken.claimOwner(), "a released claim is free");
        assertEquals("poll-1", taken.pollId());
        assertTrue(store.markDelivered(e.reportId()));

        PendingReport f = entry(1);
        assertEquals(Optional.empty(), store.addPending(f, "node-a", Duration.ofMinutes(5)));
        elapse(Duration.ofMinutes(6));
        assertEquals(List.of(f.reportId()), store.claimPending("node-c", 10, Duration.ofMinutes(5)).stream()
                .map(PendingReport::reportId).toList(), "an expired claim is taken over");
    }

    @Test
    void aFencedUpdateAppliesOnlyWhileTheOwnerHoldsTheClaim() {
        PendingReport e = entry(0);
        String id = e.reportId();
        store.addPending(e, "node-a", Duration.ofMinutes(5));
        assertTrue(store.updatePending(e.withPollId("poll-1").withClaim("node-a", clock.instant().plus(Duration.ofMinutes(5))),
                "node-a"), "node-a holds it");
        assertFalse(store.updatePending(e.withPollId("poll-x"), "node-b"), "node-b does not");
        assertEquals("poll-1", store.pendingReports().get(0).pollId());

        elapse(Duration.ofMinutes(6));
        assertTrue(store.updatePending(e.withPollId("poll-2").withClaim("node-a", clock.instant().plus(Duration.ofMinutes(5))),
                "node-a"), "an expired claim no one took over is still node-a's");
        elapse(Duration.ofMinutes(6));
        assertTrue(store.claim(id, "node-b", Duration.ofMinutes(5)).isPresent());
        assertFalse(store.updatePending(e.withPollId("poll-stale").withClaim(null, null), "node-a"),
                "node-a stalled past its claim and node-b took the report over: node-a's write is refused");
        PendingReport now = store.pendingReports().get(0);
        assertEquals("node-b", now.claimOwner());
        assertEquals("poll-2", now.pollId());

        assertTrue(store.updatePending(now.withClaim(null, null), "node-b"), "node-b releases it");
        assertFalse(store.updatePending(now.withPollId("poll-9"), "node-b"), "released: no one holds it");
        assertTrue(store.markDelivered(id));
        assertFalse(store.updatePending(now, "node-b"), "not pending");
    }

    @Test
    void aPlainAddStoresNoClaimEvenWhenTheEntryCarriesOne() {
        PendingReport e = entry(0).withClaim("node-z", T0.plus(Duration.ofDays(1)));
        assertEquals(Optional.empty(), store.addPending(e));
        assertNull(store.pendingReports().get(0).claimOwner());
        assertEquals("node-c", store.claim(e.reportId(), "node-c", Duration.ofMinutes(5)).orElseThrow().claimOwner());
    }

    @Test
    void concurrentClaimsNeverHandTheSameReportToTwoOwners() throws Exception {
        for (int i = 0; i < 20; i++) {
            store.addPending(entry(i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<PendingReport>>> claims = new ArrayList<>();
            for (int n = 0; n < 4; n++) {
                String owner = "node-" + n;
                claims.add(pool.submit(() -> store.claimPending(owner, 7, Duration.ofMinutes(5))));
            }
            Set<String> seen = new HashSet<>();
            int total = 0;
            for (Future<List<PendingReport>> f : claims) {
                for (PendingReport e : f.get(30, TimeUnit.SECONDS)) {
                    assertTrue(seen.add(e.reportId()), "claimed twice: " + e.reportId());
                    total++;
                }
            }
            assertEquals(20, total);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aDeliveredReportLeavesThePendingSetAndIsRemembered() {
        PendingReport e = entry(0);
        store.addPending(e);
        assertTrue(store.markDelivered(e.reportId()));
        assertFalse(store.markDelivered(e.reportId()), "not pending any more");
        assertFalse(store.markDelivered(UUID.randomUUID().toString()));
        reopenStore();
        assertEquals(0, store.pendingCount());
        ReportState state = store.state(e.reportId()).orElseThrow();
        assertEquals(ReportState.Status.DELIVERED, state.status());
        assertTrue(state.deliveredAt() != null);
    }

    @Test
    void deadLettersKeepTheServersAnswerAndCanBeRetriedOrDiscarded() {
        PendingReport retried = entry(0).withPollId("p").withFailure("x");
        PendingReport discarded = entry(1);
        store.addPending(retried);
        store.addPending(discarded);
        DeadLetter letter = new DeadLetter(store.pendingReports().get(0), 400, "INVALID_USAGE", "bad tag", T0.plusSeconds(5));
        assertTrue(store.moveToDead(letter));
        assertFalse(store.moveToDead(letter), "not pending any more");
        assertTrue(store.moveToDead(new DeadLetter(discarded, 413, null, null, T0.plusSeconds(6))));
        reopenStore();
        assertEquals(0, store.pendingCount());
        List<DeadLetter> dead = store.deadLetters();
        assertEquals(List.of(retried.reportId(), discarded.reportId()), dead.stream().map(DeadLetter::reportId).toList());
        assertEquals(letter, dead.get(0));
        assertEquals(ReportState.dead(letter), store.state(retried.reportId()).orElseThrow());

        assertTrue(store.retryDead(retried.reportId()));
        assertFalse(store.retryDead(retried.reportId()));
        assertTrue(store.discardDead(discarded.reportId()));
        assertFalse(store.discardDead(discarded.reportId()));
        reopenStore();
        assertEquals(List.of(), store.deadLetters());
        PendingReport back = store.pendingReports().get(0);
        assertEquals(retried.report(), back.report());
        assertNull(back.pollId(), "a retry submits again");
        assertEquals(0, back.attempts());
        assertEquals(Optional.empty(), store.state(discarded.reportId()), "a discarded id is forgotten");
    }

    @Test
    void snapshotsAndTheOutcomeAreReplacedAndSurviveReopening() {
        assertEquals(Optional.empty(), store.loadSnapshot("acme.example"));
        assertEquals(Optional.empty(), store.lastOutcome());
        store.saveSnapshot(new LicenseSnapshot("acme.example", List.of(), T0, List.of()));
        LicenseSnapshot second = new LicenseSnapshot("acme.example", List.of("VA1"), T0.plusSeconds(1), List.of());
        store.saveSnapshot(second);
        SyncOutcome outcome = new SyncOutcome(T0, T0.plusSeconds(2), true, 0, 1, 0, null, null);
        store.saveOutcome(outcome);
        reopenStore();
        assertEquals(Optional.of(second), store.loadSnapshot("ACME.example"));
        assertEquals(Optional.empty(), store.loadSnapshot("other.example"));
        assertEquals(Optional.of(outcome), store.lastOutcome());
    }

    @Test
    void concurrentChangesKeepEveryReportInExactlyOneState() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> kept = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                int n = i;
                kept.add(pool.submit(() -> {
                    PendingReport e = entry(n);
                    store.addPending(e);
                    store.updatePending(e.withPollId("p-" + n));
                    if (n % 2 == 0) {
                        store.markDelivered(e.reportId());
                        return null;
                    }
                    return e.reportId();
                }));
            }
            Set<String> expected = new HashSet<>();
            for (Future<String> f : kept) {
                String id = f.get(60, TimeUnit.SECONDS);
                if (id != null) {
                    expected.add(id);
                }
            }
            reopenStore();
            Set<String> pending = new HashSet<>();
            store.pendingReports().forEach(e -> pending.add(e.reportId()));
            assertEquals(expected, pending);
            store.pendingReports().forEach(e -> assertTrue(e.pollId().startsWith("p-")));
        } finally {
            pool.shutdownNow();
        }
    }
}
