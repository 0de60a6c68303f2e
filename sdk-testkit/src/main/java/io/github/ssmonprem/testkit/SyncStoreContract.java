package io.github.ssmonprem.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.ssmonprem.core.testing.TestClock;
import io.github.ssmonprem.sync.store.DeadLetter;
import io.github.ssmonprem.sync.store.DeliveredReport;
import io.github.ssmonprem.sync.store.LicenseSnapshot;
import io.github.ssmonprem.sync.store.PendingReport;
import io.github.ssmonprem.sync.store.Quarantine;
import io.github.ssmonprem.sync.store.QuarantinedEntry;
import io.github.ssmonprem.sync.store.ReportState;
import io.github.ssmonprem.sync.store.SyncOutcome;
import io.github.ssmonprem.sync.store.SyncStore;
import io.github.ssmonprem.sync.store.UsageCounts;
import io.github.ssmonprem.sync.store.UsageOutbox;
import io.github.ssmonprem.sync.usage.Acknowledgement;
import io.github.ssmonprem.sync.usage.AcknowledgementKind;
import io.github.ssmonprem.sync.usage.ReportStatus;
import io.github.ssmonprem.sync.usage.RumReport;
import io.github.ssmonprem.sync.usage.ServerMessage;
import io.github.ssmonprem.sync.usage.Sudi;
import io.github.ssmonprem.sync.usage.UsageReport;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 * <p>The tests check, for the usage outbox ({@link UsageOutbox}): that adding a known id changes
 * nothing in each state (pending, dead, delivered, already received) and returns that state; that
 * payload and signature texts come back byte for byte; claims (taken oldest first, renewed by their
 * owner, taken over once expired, never held by two owners, also under concurrent calls); the
 * conditional update and refusal (only for the owner of the stored claim); the acknowledgement
 * (whoever holds the claim, with its acknowledgements untaken); taking acknowledgements; keeping
 * acknowledgements that came back outside a report (authorization codes: listed with the others until
 * taken, each id once, forgotten after the retention); the
 * retention of delivered reports with their acknowledgements ({@link UsageOutbox#DELIVERED_RETENTION},
 * on the test clock); retrying and discarding dead letters; counts and the order of every list;
 * for the state store, snapshots and the last outcome; and that every change survives
 * {@link #reopen(SyncStore)}. When the store offers a {@link Quarantine}, its tests run too (the
 * test of a damaged entry only when {@link #damage(String)} can damage one). A fresh store is opened
 * before each test and closed after it.
 *
 * <p>Claims and retention use the clock given to {@link #newStore(Clock)}, {@link #clock}, which
 * starts at {@link #T0}; a store on a clock of its own overrides {@link #elapse(Duration)} to let
 * that much time pass for it.
 *
 * <p>Its 30 tests take a few seconds: on a 2-core VM busy with other builds, 4 s on the in-memory
 * store (most of it loading classes) and 15 s on the file store, which forces its changes to disk;
 * a database store takes what its round trips take. Only the concurrency tests use threads (four),
 * and no test sleeps: time passes on the test clock.
 *
 * <p>Needs sdk-testkit (scope {@code test}) and JUnit Jupiter on the test class path.
 */
public abstract class SyncStoreContract {

    /** When the tests start, in the test clock. */
    protected static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");

    /** The claim lease the tests use. */
    protected static final Duration LEASE = Duration.ofMinutes(5);

    private static final String A = "node-a";
    private static final String B = "node-b";
    private static final String C = "node-c";
    private static final String POLL_ID = "77412347487202314";
    private static final AtomicLong RUM_REPORT_IDS = new AtomicLong(1000);
    private static final AtomicLong REQUEST_IDS = new AtomicLong(1);

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

    /**
     * Damages the stored content of a pending report as a failing disk would (flipped bytes), for the
     * quarantine test. The default damages nothing and returns false: that test is then skipped.
     *
     * @param reportId the pending report's id
     * @return whether it was damaged
     * @throws Exception when damaging fails
     */
    protected boolean damage(String reportId) throws Exception {
        return false;
    }

    @BeforeEach
    void openStore() {
        store = newStore(clock);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    // ---------------------------------------------------------------------------------------------
    // Fixtures

    /**
     * A RUM report of a device, with a report id no other call returns.
     *
     * @param device the device
     * @return the RUM report
     */
    protected static RumReport rumReport(Sudi device) {
        return RumReport.builder().device(device).softwareTag("regid.2019-10.com.cisco.SDWAN,1.0_contract")
                .entitlementTag("regid.2019-10.com.cisco.DNA_ADVANTAGE,1.0_contract").reportId(RUM_REPORT_IDS.incrementAndGet())
                .count(3, T0.minusSeconds(3600), T0).clock(Clock.fixed(T0, ZoneOffset.UTC)).build();
    }

    /**
     * A usage report of one RUM report for each of a number of devices; its id differs from every
     * other report's.
     *
     * @param devices how many devices (at least one)
     * @return the report
     */
    protected static UsageReport report(int devices) {
        List<RumReport> rum = new ArrayList<>();
        for (int d = 0; d < devices; d++) {
            rum.add(rumReport(device(d)));
        }
        return UsageReport.of("acme.example", "SDWAN", rum, Clock.fixed(T0, ZoneOffset.UTC));
    }

    private static Sudi device(int d) {
        return new Sudi("C8000V", "FDO" + (2400 + d));
    }

    /**
     * {@return the acknowledgement of one device of a report, received now}
     *
     * @param report the report
     * @param device the device's position in {@link UsageReport#devices()}
     */
    protected Acknowledgement ack(UsageReport report, int device) {
        Sudi sudi = report.devices().get(device);
        String text = "<smartLicense>ack of " + sudi + " for " + report.reportId() + "</smartLicense>";
        return new Acknowledgement(report.reportId() + "-" + (device + 1), AcknowledgementKind.USAGE, report.reportId(), report.account(),
                report.virtualAccount(), sudi, "C8000V", report.reportIdsOf(sudi),
                Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)), "corr-" + report.reportId(),
                clock.instant());
    }

    /**
     * An authorization code (or a return's confirmation) that came back for a device outside any
     * report's delivery, received now, for a request id no other call returns.
     *
     * @param kind {@link AcknowledgementKind#AUTHORIZATION} or {@link AcknowledgementKind#RETURN}
     * @return the acknowledgement to {@link UsageOutbox#keep keep}
     */
    protected Acknowledgement code(AcknowledgementKind kind) {
        String requestId = String.format("a%032x", REQUEST_IDS.getAndIncrement());
        Sudi sudi = device(7);
        String text = "<smartLicense type=\"" + kind.name().toLowerCase(java.util.Locale.ROOT) + "\">" + sudi + "</smartLicense>";
        return new Acknowledgement(requestId + "-1", kind, requestId, "acme.example", "SDWAN", sudi, null, List.of(),
                Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)), "corr-" + requestId, clock.instant());
    }

    /** The acknowledgements of every device of a report, received now. */
    private List<Acknowledgement> acks(UsageReport report) {
        List<Acknowledgement> out = new ArrayList<>();
        for (int d = 0; d < report.devices().size(); d++) {
            out.add(ack(report, d));
        }
        return out;
    }

    private DeliveredReport delivered(UsageReport report, List<Acknowledgement> acks) {
        return new DeliveredReport(report.reportId(), ReportStatus.DELIVERED, clock.instant(), POLL_ID,
                new ServerMessage("COMPLETE", null, null, "corr-" + report.reportId()), acks);
    }

    private DeadLetter letter(PendingReport entry, List<Acknowledgement> acks) {
        return new DeadLetter(entry.withFailure("the server refused the reports").withClaim(null, null), 200,
                new ServerMessage("FAILED", "SIGNATURE_INVALID", "Signature verification failed", "corr-x"), clock.instant(), acks);
    }

    /** Adds a report claimed by {@code owner} and returns it. */
    private UsageReport added(int devices, String owner) {
        UsageReport r = report(devices);
        assertEquals(Optional.empty(), store.add(r, owner, LEASE));
        return r;
    }

    private PendingReport pending(String reportId) {
        return store.state(reportId).orElseThrow().pending();
    }

    private List<String> pendingIds() {
        return store.pending().stream().map(PendingReport::reportId).toList();
    }

    private List<String> ids(List<PendingReport> entries) {
        return entries.stream().map(PendingReport::reportId).toList();
    }

    private List<String> ackIds() {
        return store.acknowledgements().stream().map(Acknowledgement::id).toList();
    }

    private void reopenStore() {
        store = reopen(store);
    }

    // ---------------------------------------------------------------------------------------------
    // Adding

    @Test
    void anAddedReportIsPendingAndClaimedByItsOwnerAndSurvivesReopening() {
        UsageReport r = report(3);
        assertEquals(Optional.empty(), store.add(r, A, LEASE));
        PendingReport expected = new PendingReport(r, T0, null, null, 0, null, A, T0.plus(LEASE));
        assertEquals(List.of(expected), store.pending());
        assertEquals(ReportState.pending(expected), store.state(r.reportId()).orElseThrow());
        assertEquals(new UsageCounts(1, 0, 0), store.counts());
        reopenStore();
        assertEquals(List.of(expected), store.pending());
        assertEquals(Optional.of(ReportState.pending(expected)), store.state(r.reportId()));
        assertEquals(Optional.empty(), store.state("u" + "0".repeat(32)), "an unknown id has no state");
    }

    @Test
    void payloadAndSignatureTextsComeBackByteForByte() {
        // Spacing and escapes a JSON library would not write again; non-ASCII text and escaped characters.
        String payload = "{ \"version\": \"2.0\",\n  \"asset_identification\": {\"report_id\": 4711, \"asset\": {\"name\": "
                + "\"regid.2019-10.com.cisco.SDWAN,1.0_a\\/b\"}, \"instance\": {\"sudi\": {\"udi_pid\": \"C8000V\", "
                + "\"udi_serial_number\": \"FDO2399\"}}},\r\n\t\"meta\": {\"entitlement_tag\": \"r\u00e9gid \\u00e9 \\\"x\\\"\"},"
                + " \"measurements\": [ ] }  ";
        String signature = "{\"sudi\" : {\"udi_pid\":\"C8000V\",\"udi_serial_number\":\"FDO2399\"}, \"signing_type\": \"builtin\","
                + " \"key\": \"k\\/1\", \"value\": \"QUJD+/=\"}";
        RumReport rum = RumReport.of(payload, signature);
        UsageReport r = UsageReport.of("acme.example", "SDWAN", List.of(rum, rumReport(device(0))), Clock.fixed(T0, ZoneOffset.UTC));
        store.add(r, A, LEASE);
        reopenStore();
        RumReport back = pending(r.reportId()).report().reports().stream().filter(x -> x.reportId().equals("4711")).findFirst()
                .orElseThrow();
        assertEquals(payload, back.payload());
        assertEquals(signature, back.signature());
        assertEquals(r, store.pending().get(0).report());

        assertTrue(store.refuse(letter(pending(r.reportId()), List.of()), A));
        reopenStore();
        assertEquals(r, store.dead().get(0).entry().report(), "a dead letter keeps the texts too");
        assertTrue(store.retry(r.reportId()));
        reopenStore();
        assertEquals(r, store.pending().get(0).report());
    }

    @Test
    void addingAKnownPendingIdChangesNothingAndReturnsItsState() {
        UsageReport r = added(1, A);
        PendingReport polling = pending(r.reportId()).withUpload(POLL_ID, "nonce-1").withFailure("HTTP 502");
        assertTrue(store.update(polling, A));
        elapse(Duration.ofMinutes(1));
        Optional<ReportState> again = store.add(r, B, LEASE);
        assertEquals(Optional.of(ReportState.pending(polling)), again, "its state, claimed by node-a, with its poll id");
        assertEquals(List.of(polling), store.pending());
        reopenStore();
        assertEquals(Optional.of(ReportState.pending(polling)), store.add(r, B, LEASE));
        assertEquals(new UsageCounts(1, 0, 0), store.counts());
    }

    @Test
    void addingADeadOrDeliveredIdChangesNothingAndReturnsItsState() {
        UsageReport dead = added(1, A);
        UsageReport delivered = added(2, A);
        UsageReport already = added(1, A);
        DeadLetter letter = letter(pending(dead.reportId()), List.of());
        assertTrue(store.refuse(letter, A));
        DeliveredReport d = delivered(delivered, acks(delivered));
        assertTrue(store.acknowledge(d));
        DeliveredReport a = new DeliveredReport(already.reportId(), ReportStatus.ALREADY_RECEIVED, clock.instant(), null,
                new ServerMessage("FAILED", null, "Usage report already received", null), List.of());
        assertTrue(store.acknowledge(a));
        reopenStore();
        elapse(UsageOutbox.DELIVERED_RETENTION.minusDays(1));
        reopenStore();
        assertEquals(Optional.of(ReportState.dead(letter)), store.add(dead, B, LEASE));
        assertEquals(Optional.of(ReportState.delivered(d)), store.add(delivered, B, LEASE));
        assertEquals(Optional.of(ReportState.delivered(a)), store.add(already, B, LEASE));
        assertEquals(ReportStatus.ALREADY_RECEIVED, store.state(already.reportId()).orElseThrow().status());
        assertEquals(List.of(), store.pending());
        assertEquals(List.of(letter), store.dead());
        assertEquals(new UsageCounts(0, 1, 2), store.counts());
    }

    @Test
    void pendingReportsAreListedAndClaimedOldestFirstThenById() {
        UsageReport early = added(1, A);
        elapse(Duration.ofSeconds(10));
        UsageReport x = report(1);
        UsageReport y = report(1);
        UsageReport smaller = x.reportId().compareTo(y.reportId()) < 0 ? x : y;
        UsageReport bigger = smaller == x ? y : x;
        store.add(bigger, A, LEASE);
        store.add(smaller, A, LEASE);
        assertTrue(store.refuse(letter(pending(early.reportId()), List.of()), A));
        elapse(Duration.ofSeconds(10));
        assertTrue(store.retry(early.reportId()), "pending again, as first stored");
        List<String> expected = List.of(early.reportId(), smaller.reportId(), bigger.reportId());
        assertEquals(expected, pendingIds());
        reopenStore();
        assertEquals(expected, pendingIds());
        elapse(LEASE);
        assertEquals(expected, ids(store.claim(C, 10, LEASE)));
    }

    // ---------------------------------------------------------------------------------------------
    // Claims

    @Test
    void claimsTakeClaimableReportsOldestFirstAndAnOwnerRenewsItsOwn() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(added(1, "submitter").reportId());
            elapse(Duration.ofSeconds(1));
        }
        elapse(LEASE);   // the submitter's claims expire
        Instant now = clock.instant();
        List<PendingReport> a = store.claim(A, 3, LEASE);
        assertEquals(ids.subList(0, 3), ids(a), "at most max, oldest first");
        a.forEach(e -> assertEquals(A, e.claimOwner()));
        a.forEach(e -> assertEquals(now.plus(LEASE), e.claimedUntil(), "the lease runs from now in the store's clock"));
        assertEquals(a, ids.subList(0, 3).stream().map(this::pending).toList(), "returned as stored");
        List<PendingReport> b = store.claim(B, 10, LEASE);
        assertEquals(ids.subList(3, 5), ids(b), "those node-a holds are skipped");
        assertEquals(List.of(), store.claim(C, 10, LEASE), "everything is claimed");

        elapse(Duration.ofMinutes(4));
        List<PendingReport> renewed = store.claim(A, 10, LEASE);
        assertEquals(ids.subList(0, 3), ids(renewed), "an owner renews its own claims");
        renewed.forEach(e -> assertEquals(clock.instant().plus(LEASE), e.claimedUntil()));
        reopenStore();
        assertEquals(List.of(), store.claim(C, 10, LEASE), "claims survive reopening");
        elapse(Duration.ofMinutes(2));
        assertEquals(ids.subList(3, 5), ids(store.claim(C, 10, LEASE)), "node-b's expired claims are taken over; node-a's hold");
        elapse(Duration.ofMinutes(4));
        assertEquals(ids, ids(store.claim(C, 10, LEASE)), "then node-a's expire too, and node-c renews its own");
    }

    @Test
    void oneReportIsClaimedByOneOwnerAtATimeUntilItsClaimExpires() {
        UsageReport r = added(1, A);
        String id = r.reportId();
        assertEquals(Optional.empty(), store.claim(id, B, LEASE), "node-a holds it from the add");
        assertEquals(List.of(), store.claim(B, 10, LEASE));
        PendingReport polling = pending(id).withUpload(POLL_ID, "nonce-1").withFailure("HTTP 503");
        assertTrue(store.update(polling, A));

        elapse(Duration.ofMinutes(4));
        PendingReport mine = store.claim(id, A, LEASE).orElseThrow();
        assertEquals(polling.withClaim(A, clock.instant().plus(LEASE)), mine, "renewed by its owner, with the stored delivery state");
        reopenStore();
        elapse(Duration.ofMinutes(4));
        assertEquals(Optional.empty(), store.claim(id, B, LEASE), "renewed, and it survives reopening");
        elapse(Duration.ofMinutes(2));
        PendingReport taken = store.claim(id, B, LEASE).orElseThrow();
        assertEquals(polling.withClaim(B, clock.instant().plus(LEASE)), taken, "an expired claim is taken over");
        assertEquals(Optional.empty(), store.claim(id, A, LEASE), "node-b holds it now");
        assertTrue(store.update(taken.withClaim(null, null), B), "node-b releases it");
        assertEquals(C, store.claim(id, C, LEASE).orElseThrow().claimOwner(), "a released claim is free at once");
    }

    @Test
    void onlyPendingReportsAreClaimed() {
        UsageReport dead = added(1, A);
        UsageReport delivered = added(1, A);
        assertTrue(store.refuse(letter(pending(dead.reportId()), List.of()), A));
        assertTrue(store.acknowledge(delivered(delivered, List.of())));
        elapse(LEASE.multipliedBy(2));
        assertEquals(Optional.empty(), store.claim(dead.reportId(), B, LEASE));
        assertEquals(Optional.empty(), store.claim(delivered.reportId(), B, LEASE));
        assertEquals(Optional.empty(), store.claim("u" + "f".repeat(32), B, LEASE));
        assertEquals(List.of(), store.claim(B, 10, LEASE));
        assertEquals(List.of(), store.pending(), "a claim adds nothing");
    }

    @Test
    void concurrentClaimsNeverHandTheSameReportToTwoOwners() throws Exception {
        for (int i = 0; i < 20; i++) {
            added(1, "submitter");
        }
        elapse(LEASE.plusSeconds(1));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<PendingReport>>> claims = new ArrayList<>();
            for (int n = 0; n < 4; n++) {
                String owner = "node-" + n;
                claims.add(pool.submit(() -> {
                    start.await();
                    return store.claim(owner, 7, LEASE);
                }));
            }
            start.countDown();
            Set<String> seen = new HashSet<>();
            int total = 0;
            for (Future<List<PendingReport>> f : claims) {
                for (PendingReport e : f.get(60, TimeUnit.SECONDS)) {
                    assertTrue(seen.add(e.reportId()), "claimed twice: " + e.reportId());
                    assertEquals(e.claimOwner(), pending(e.reportId()).claimOwner(), "the stored claim is the one returned");
                    total++;
                }
            }
            assertEquals(20, total);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentClaimsOfOneReportHaveOneWinner() throws Exception {
        UsageReport r = added(1, "submitter");
        elapse(LEASE.plusSeconds(1));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Optional<PendingReport>>> claims = new ArrayList<>();
            for (int n = 0; n < 8; n++) {
                String owner = "node-" + n;
                claims.add(pool.submit(() -> {
                    start.await();
                    return store.claim(r.reportId(), owner, LEASE);
                }));
            }
            start.countDown();
            List<String> winners = new ArrayList<>();
            for (Future<Optional<PendingReport>> f : claims) {
                f.get(60, TimeUnit.SECONDS).ifPresent(p -> winners.add(p.claimOwner()));
            }
            assertEquals(1, winners.size(), winners.toString());
            assertEquals(winners.get(0), pending(r.reportId()).claimOwner());
        } finally {
            pool.shutdownNow();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Updates

    @Test
    void anUpdateReplacesTheDeliveryStateButKeepsTheReportAndWhenItWasStored() {
        UsageReport r = added(2, A);
        elapse(Duration.ofMinutes(1));
        UsageReport impostor = new UsageReport(r.reportId(), "other.example", "OTHER", T0.plusSeconds(9), report(1).reports());
        PendingReport changed = new PendingReport(impostor, T0.plusSeconds(500), "18446744073709551615", "nonce-7", 2,
                "ServerUnavailableException: 502", A, clock.instant().plus(LEASE));
        assertTrue(store.update(changed, A));
        reopenStore();
        PendingReport back = pending(r.reportId());
        assertEquals(new PendingReport(r, T0, "18446744073709551615", "nonce-7", 2, "ServerUnavailableException: 502", A,
                clock.instant().plus(LEASE)), back, "the report and storedAt as stored; the rest replaced; the poll id's exact digits");
        assertEquals(List.of(back), store.pending());

        PendingReport cleared = back.withUpload(null, null).withNote(null);
        assertTrue(store.update(cleared, A));
        assertEquals(cleared, pending(r.reportId()), "a poll id, nonce and message can be cleared");

        UsageReport unknown = report(1);
        assertFalse(store.update(PendingReport.of(unknown, T0).withClaim(A, clock.instant().plus(LEASE)), A),
                "an unknown id is not added by an update");
        assertEquals(Optional.empty(), store.state(unknown.reportId()));
    }

    @Test
    void anUpdateAppliesOnlyWhileTheOwnerHoldsTheStoredClaim() {
        UsageReport r = added(1, A);
        String id = r.reportId();
        PendingReport e = pending(id);
        assertTrue(store.update(e.withUpload("1", "n1").withClaim(A, clock.instant().plus(LEASE)), A), "node-a holds it");
        assertFalse(store.update(e.withUpload("x", "nx").withClaim(B, clock.instant().plus(LEASE)), B), "node-b does not");
        assertEquals("1", pending(id).pollId());
        assertEquals(A, pending(id).claimOwner());

        elapse(LEASE.plusMinutes(1));
        assertTrue(store.update(e.withUpload("2", "n2").withClaim(A, clock.instant().plus(LEASE)), A),
                "an expired claim no one took over is still node-a's");
        elapse(LEASE.plusMinutes(1));
        assertTrue(store.claim(id, B, LEASE).isPresent());
        assertFalse(store.update(e.withUpload("stale", "ns").withClaim(null, null), A),
                "node-a stalled past its claim and node-b took the report over: node-a's write is refused");
        PendingReport now = pending(id);
        assertEquals(B, now.claimOwner());
        assertEquals("2", now.pollId());
        assertEquals("n2", now.nonce());

        assertTrue(store.update(now.withClaim(null, null), B), "node-b releases it");
        reopenStore();
        assertNull(pending(id).claimOwner());
        assertFalse(store.update(now.withUpload("9", "n9"), B), "released: no one holds it");
        assertTrue(store.acknowledge(delivered(r, List.of())));
        assertFalse(store.update(now, B), "not pending");
        assertEquals(List.of(), store.pending());
    }

    // ---------------------------------------------------------------------------------------------
    // Acknowledgements

    @Test
    void anAcknowledgedReportIsDeliveredWithItsAcknowledgementsUntakenWhoeverHoldsTheClaim() {
        UsageReport r = added(2, A);
        assertTrue(store.update(pending(r.reportId()).withUpload(POLL_ID, "nonce-1"), A));
        elapse(Duration.ofMinutes(1));
        List<Acknowledgement> acks = acks(r);
        DeliveredReport d = delivered(r, acks);
        assertTrue(store.acknowledge(d), "node-a holds the claim, and the acknowledgement is recorded all the same");
        assertFalse(store.acknowledge(d), "not pending any more");
        assertEquals(List.of(), store.pending());
        assertEquals(Optional.of(ReportState.delivered(d)), store.state(r.reportId()));
        assertEquals(acks, store.acknowledgements());
        assertEquals(new UsageCounts(0, 0, 2), store.counts());
        reopenStore();
        assertEquals(Optional.of(ReportState.delivered(d)), store.state(r.reportId()), "with all its acknowledgements");
        assertEquals(acks, store.acknowledgements());
        assertEquals(Optional.empty(), store.claim(r.reportId(), A, LEASE));
    }

    @Test
    void onlyAPendingReportIsAcknowledgedAndNothingElseChanges() {
        UsageReport dead = added(1, A);
        DeadLetter letter = letter(pending(dead.reportId()), List.of());
        assertTrue(store.refuse(letter, A));
        assertFalse(store.acknowledge(delivered(dead, acks(dead))), "a dead letter is not delivered");
        UsageReport unknown = report(1);
        assertFalse(store.acknowledge(delivered(unknown, acks(unknown))), "an unknown id is not added");
        UsageReport done = added(1, A);
        DeliveredReport first = delivered(done, acks(done));
        assertTrue(store.acknowledge(first));
        elapse(Duration.ofMinutes(1));
        assertFalse(store.acknowledge(delivered(done, List.of(ack(done, 0)))), "a second answer changes nothing");
        reopenStore();
        assertEquals(Optional.of(ReportState.dead(letter)), store.state(dead.reportId()));
        assertEquals(Optional.empty(), store.state(unknown.reportId()));
        assertEquals(Optional.of(ReportState.delivered(first)), store.state(done.reportId()));
        assertEquals(first.acknowledgements(), store.acknowledgements());
        assertEquals(new UsageCounts(0, 1, 1), store.counts());
    }

    @Test
    void acknowledgementsAreListedOldestFirstUntilTakenAndTheirReportKeepsThemAll() {
        UsageReport later = added(2, A);
        UsageReport earlier = added(1, B);
        elapse(Duration.ofMinutes(1));
        Acknowledgement early = ack(earlier, 0);
        elapse(Duration.ofMinutes(1));
        List<Acknowledgement> late = acks(later);
        // Recorded in another order than they arrived.
        DeliveredReport laterDelivered = delivered(later, late);
        assertTrue(store.acknowledge(laterDelivered));
        assertTrue(store.acknowledge(delivered(earlier, List.of(early))));
        List<String> expected = List.of(early.id(), late.get(0).id(), late.get(1).id());
        assertEquals(expected, ackIds(), "by when they arrived, then by id");

        assertTrue(store.take(late.get(0).id()));
        assertFalse(store.take(late.get(0).id()), "taken already");
        assertFalse(store.take("u" + "0".repeat(32) + "-1"), "unknown");
        assertEquals(List.of(early, late.get(1)), store.acknowledgements());
        assertEquals(new UsageCounts(0, 0, 2), store.counts());
        reopenStore();
        assertEquals(List.of(early, late.get(1)), store.acknowledgements(), "taking survives reopening");
        assertEquals(Optional.of(ReportState.delivered(laterDelivered)), store.state(later.reportId()),
                "a delivered report keeps all its acknowledgements, taken or not");
        assertTrue(store.take(early.id()));
        assertTrue(store.take(late.get(1).id()));
        assertEquals(List.of(), store.acknowledgements());
        assertEquals(new UsageCounts(0, 0, 0), store.counts());
    }

    @Test
    void aDeliveredReportAndItsAcknowledgementsAreRememberedForTheRetention() {
        UsageReport r = added(2, A);
        List<Acknowledgement> acks = acks(r);
        DeliveredReport d = delivered(r, acks);
        assertTrue(store.acknowledge(d));
        assertTrue(store.take(acks.get(0).id()));
        elapse(UsageOutbox.DELIVERED_RETENTION.minusHours(1));
        reopenStore();
        added(1, B);   // a change, after which a store may forget what is past its retention
        elapse(Duration.ofHours(1));
        reopenStore();
        added(1, B);
        assertEquals(Optional.of(ReportState.delivered(d)), store.state(r.reportId()), "remembered for 30 days at least");
        assertEquals(List.of(acks.get(1)), store.acknowledgements(), "an acknowledgement not taken is kept with its report");
        assertEquals(Optional.of(ReportState.delivered(d)), store.add(r, B, LEASE), "submitting it again sends nothing");
        assertEquals(2, store.counts().pending());
    }

    @Test
    void aForgottenDeliveredReportTakesItsAcknowledgementsWithIt() {
        UsageReport r = added(2, A);
        List<Acknowledgement> acks = acks(r);
        assertTrue(store.acknowledge(delivered(r, acks)));
        assertTrue(store.take(acks.get(0).id()));
        elapse(UsageOutbox.DELIVERED_RETENTION.plusDays(2));
        reopenStore();
        added(1, B);
        if (store.state(r.reportId()).isEmpty()) {
            assertEquals(List.of(), store.acknowledgements(), "forgotten with its report");
            assertEquals(new UsageCounts(1, 0, 0), store.counts());
            assertEquals(Optional.empty(), store.add(r, B, LEASE), "a forgotten id may be added again");
        } else {
            assertEquals(List.of(acks.get(1)), store.acknowledgements(), "kept as long as its report");
            assertEquals(new UsageCounts(1, 0, 1), store.counts());
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Dead letters

    @Test
    void aRefusedReportBecomesADeadLetterOnlyForTheOwnerOfItsClaim() {
        UsageReport r = added(1, A);
        assertTrue(store.update(pending(r.reportId()).withUpload(POLL_ID, "nonce-1"), A));
        elapse(LEASE.plusMinutes(1));
        DeadLetter letter = letter(pending(r.reportId()), List.of());
        assertFalse(store.refuse(letter, B), "node-b does not hold its claim");
        assertEquals(ReportStatus.PENDING, store.state(r.reportId()).orElseThrow().status());
        assertTrue(store.refuse(letter, A), "node-a's claim expired, but no one took it over");
        assertFalse(store.refuse(letter, A), "not pending any more");
        assertEquals(List.of(), store.pending());
        assertEquals(List.of(letter), store.dead());
        assertEquals(new UsageCounts(0, 1, 0), store.counts());
        reopenStore();
        assertEquals(List.of(letter), store.dead(), "with the delivery state and the server's answer");
        assertEquals(Optional.of(ReportState.dead(letter)), store.state(r.reportId()));

        UsageReport taken = added(1, A);
        elapse(LEASE.plusMinutes(1));
        assertTrue(store.claim(taken.reportId(), B, LEASE).isPresent());
        assertFalse(store.refuse(letter(pending(taken.reportId()), List.of()), A), "node-b took it over");
        assertTrue(store.update(pending(taken.reportId()).withClaim(null, null), B));
        assertFalse(store.refuse(letter(pending(taken.reportId()), List.of()), B), "released: no one holds it");
        assertEquals(ReportStatus.PENDING, store.state(taken.reportId()).orElseThrow().status());
    }

    @Test
    void theAcknowledgementsOfADeadLetterAreKeptUntilTakenWhateverBecomesOfIt() {
        UsageReport retried = added(2, A);
        UsageReport discarded = added(2, A);
        Acknowledgement one = ack(retried, 0);
        elapse(Duration.ofSeconds(1));
        Acknowledgement other = ack(discarded, 1);
        assertTrue(store.refuse(letter(pending(retried.reportId()), List.of(one)), A));
        assertTrue(store.refuse(letter(pending(discarded.reportId()), List.of(other)), A));
        assertEquals(List.of(one, other), store.acknowledgements());
        assertEquals(new UsageCounts(0, 2, 2), store.counts());
        reopenStore();
        assertTrue(store.retry(retried.reportId()));
        assertTrue(store.discard(discarded.reportId()));
        reopenStore();
        assertEquals(List.of(one, other), store.acknowledgements(), "an acknowledgement in hand is never dropped");
        assertTrue(store.take(other.id()));
        assertEquals(List.of(one), store.acknowledgements());
    }

    @Test
    void aRetriedDeadLetterIsPendingAgainWithNoDeliveryStateOrClaim() {
        UsageReport r = added(1, A);
        PendingReport polled = pending(r.reportId()).withUpload(POLL_ID, "nonce-1").withFailure("HTTP 400");
        assertTrue(store.update(polled, A));
        assertTrue(store.refuse(letter(pending(r.reportId()), List.of()), A));
        elapse(Duration.ofDays(2));
        assertTrue(store.retry(r.reportId()));
        assertFalse(store.retry(r.reportId()), "not dead any more");
        reopenStore();
        assertEquals(List.of(PendingReport.of(r, T0)), store.pending(), "the report as stored, when it was first stored, no claim");
        assertEquals(List.of(), store.dead());
        assertEquals(C, store.claim(r.reportId(), C, LEASE).orElseThrow().claimOwner(), "anyone may claim it");
        assertFalse(store.retry(r.reportId()), "a pending report is not retried");
        assertFalse(store.retry("u" + "0".repeat(32)));
        assertEquals(C, pending(r.reportId()).claimOwner(), "and nothing changed");
    }

    @Test
    void aDiscardedDeadLetterIsForgottenAndItsIdMayBeAddedAgain() {
        UsageReport r = added(1, A);
        UsageReport stays = added(1, A);
        assertTrue(store.refuse(letter(pending(r.reportId()), List.of()), A));
        assertFalse(store.discard(stays.reportId()), "a pending report is not discarded");
        assertTrue(store.discard(r.reportId()));
        assertFalse(store.discard(r.reportId()));
        reopenStore();
        assertEquals(Optional.empty(), store.state(r.reportId()));
        assertEquals(List.of(), store.dead());
        assertEquals(List.of(stays.reportId()), pendingIds());
        assertEquals(Optional.empty(), store.add(r, B, LEASE), "its usage may be submitted again");
        assertEquals(B, pending(r.reportId()).claimOwner());
    }

    @Test
    void deadLettersAreListedOldestFirst() {
        UsageReport first = added(1, A);
        elapse(Duration.ofSeconds(1));
        UsageReport second = added(1, A);
        assertTrue(store.refuse(letter(pending(second.reportId()), List.of()), A));
        assertTrue(store.refuse(letter(pending(first.reportId()), List.of()), A));
        reopenStore();
        assertEquals(List.of(first.reportId(), second.reportId()), store.dead().stream().map(DeadLetter::reportId).toList(),
                "by when they were stored");
    }

    @Test
    void countsCountPendingReportsDeadLettersAndUntakenAcknowledgements() {
        assertEquals(new UsageCounts(0, 0, 0), store.counts());
        added(1, A);
        added(1, B);
        UsageReport dead = added(1, A);
        UsageReport delivered = added(3, A);
        assertTrue(store.refuse(letter(pending(dead.reportId()), List.of(ack(dead, 0))), A));
        assertTrue(store.acknowledge(delivered(delivered, acks(delivered))));
        assertTrue(store.take(ack(delivered, 1).id()));
        reopenStore();
        assertEquals(new UsageCounts(2, 1, 3), store.counts());
    }

    // ---------------------------------------------------------------------------------------------
    // Acknowledgements kept outside a report (authorization codes)

    @Test
    void aKeptAcknowledgementIsListedWithTheOthersUntilTakenAndBelongsToNoReport() {
        UsageReport r = added(1, A);
        Acknowledgement early = ack(r, 0);
        assertTrue(store.acknowledge(delivered(r, List.of(early))));
        elapse(Duration.ofMinutes(1));
        Acknowledgement code = code(AcknowledgementKind.AUTHORIZATION);
        elapse(Duration.ofMinutes(1));
        Acknowledgement returned = code(AcknowledgementKind.RETURN);
        assertTrue(store.keep(returned));
        assertTrue(store.keep(code));
        assertEquals(List.of(early, code, returned), store.acknowledgements(), "oldest first, with the reports' acknowledgements");
        assertEquals(new UsageCounts(0, 0, 3), store.counts());
        assertEquals(Optional.empty(), store.state(code.reportId()), "a kept acknowledgement belongs to no report");
        reopenStore();
        assertEquals(List.of(early, code, returned), store.acknowledgements(), "kept durably, its kind with it");
        assertTrue(store.take(code.id()));
        assertFalse(store.take(code.id()), "taken already");
        assertEquals(List.of(early, returned), store.acknowledgements());
        assertEquals(new UsageCounts(0, 0, 2), store.counts());
        reopenStore();
        assertEquals(List.of(early, returned), store.acknowledgements(), "taking survives reopening");
        assertEquals(List.of(early), store.state(r.reportId()).orElseThrow().delivered().acknowledgements(),
                "the report's own are untouched");
    }

    @Test
    void keepingAKnownIdChangesNothing() {
        Acknowledgement code = code(AcknowledgementKind.AUTHORIZATION);
        assertTrue(store.keep(code));
        Acknowledgement same = new Acknowledgement(code.id(), AcknowledgementKind.RETURN, code.reportId(), code.account(),
                code.virtualAccount(), code.sudi(), null, List.of(), "b3RoZXI=", null, clock.instant());
        assertFalse(store.keep(code), "kept already");
        assertFalse(store.keep(same), "an id is kept once");
        assertEquals(List.of(code), store.acknowledgements());
        assertTrue(store.take(code.id()));
        reopenStore();
        assertFalse(store.keep(code), "a taken one is remembered");
        assertEquals(List.of(), store.acknowledgements());

        UsageReport r = added(1, A);
        Acknowledgement reports = ack(r, 0);
        assertTrue(store.acknowledge(delivered(r, List.of(reports))));
        assertFalse(store.keep(reports), "the id of a report's acknowledgement not taken is known");
        assertEquals(List.of(reports), store.acknowledgements());
        assertEquals(new UsageCounts(0, 0, 1), store.counts());
    }

    @Test
    void aKeptAcknowledgementIsForgottenAfterTheRetentionTakenOrNot() {
        Acknowledgement taken = code(AcknowledgementKind.AUTHORIZATION);
        Acknowledgement untaken = code(AcknowledgementKind.AUTHORIZATION);
        assertTrue(store.keep(taken));
        assertTrue(store.keep(untaken));
        assertTrue(store.take(taken.id()));
        elapse(UsageOutbox.DELIVERED_RETENTION.minusHours(1));
        reopenStore();
        added(1, B);   // a change, after which a store may forget what is past its retention
        assertEquals(List.of(untaken), store.acknowledgements(), "kept for 30 days at least");
        assertFalse(store.keep(taken), "and remembered, taken or not");
        elapse(Duration.ofHours(2));
        reopenStore();
        Acknowledgement later = code(AcknowledgementKind.RETURN);
        assertTrue(store.keep(later));
        assertEquals(List.of(later), store.acknowledgements(), "forgotten once the retention passed");
        assertEquals(new UsageCounts(1, 0, 1), store.counts());
        assertFalse(store.take(untaken.id()), "gone");
    }

    // ---------------------------------------------------------------------------------------------
    // Concurrency and the state store

    @Test
    void concurrentChangesKeepEveryReportInExactlyOneState() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        Set<String> pendingIds = new HashSet<>();
        Set<String> deadIds = new HashSet<>();
        Set<String> deliveredIds = new HashSet<>();
        try {
            List<Future<String[]>> done = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                int n = i;
                done.add(pool.submit(() -> {
                    String owner = "node-" + n;
                    UsageReport r = report(1);
                    store.add(r, owner, LEASE);
                    PendingReport entry = store.state(r.reportId()).orElseThrow().pending().withUpload("p-" + n, "n-" + n);
                    assertTrue(store.update(entry, owner));
                    store.claim(owner, 1, LEASE);
                    if (n % 4 == 0) {
                        assertTrue(store.acknowledge(delivered(r, acks(r))));
                        return new String[] {"delivered", r.reportId()};
                    }
                    if (n % 4 == 1) {
                        assertTrue(store.refuse(letter(entry, List.of()), owner));
                        return new String[] {"dead", r.reportId()};
                    }
                    return new String[] {"pending", r.reportId()};
                }));
            }
            for (Future<String[]> f : done) {
                String[] outcome = f.get(120, TimeUnit.SECONDS);
                (outcome[0].equals("pending") ? pendingIds : outcome[0].equals("dead") ? deadIds : deliveredIds).add(outcome[1]);
            }
        } finally {
            pool.shutdownNow();
        }
        reopenStore();
        assertEquals(pendingIds, new HashSet<>(pendingIds()));
        store.pending().forEach(e -> assertTrue(e.pollId().startsWith("p-") && e.nonce().startsWith("n-"), e.toString()));
        assertEquals(deadIds, new HashSet<>(store.dead().stream().map(DeadLetter::reportId).toList()));
        deliveredIds.forEach(id -> assertEquals(ReportStatus.DELIVERED, store.state(id).orElseThrow().status()));
        assertEquals(new UsageCounts(20, 10, 10), store.counts());
    }

    @Test
    void snapshotsAndTheOutcomeAreReplacedAndSurviveReopening() {
        assertEquals(Optional.empty(), store.loadSnapshot("acme.example"));
        assertEquals(Optional.empty(), store.lastOutcome());
        store.saveSnapshot(new LicenseSnapshot("acme.example", List.of(), T0, List.of()));
        LicenseSnapshot second = new LicenseSnapshot("acme.example", List.of("SDWAN"), T0.plusSeconds(1), List.of());
        store.saveSnapshot(second);
        LicenseSnapshot other = new LicenseSnapshot("other.example", List.of(), T0, List.of());
        store.saveSnapshot(other);
        SyncOutcome outcome = new SyncOutcome(T0, T0.plusSeconds(2), false, 0, 1, 2, "ServerUnavailableException", "HTTP 502",
                List.of("u" + "1".repeat(32)), List.of("pending-x.report.1"), List.of(new SyncOutcome.Step("usage", false,
                        "ServerUnavailableException", "HTTP 502")));
        store.saveOutcome(new SyncOutcome(T0, T0.plusSeconds(1), true, 0, 0, 0, null, null));
        store.saveOutcome(outcome);
        reopenStore();
        assertEquals(Optional.of(second), store.loadSnapshot("ACME.example"), "the latest, by account case-insensitively");
        assertEquals(Optional.of(other), store.loadSnapshot("other.example"));
        assertEquals(Optional.empty(), store.loadSnapshot("unknown.example"));
        assertEquals(Optional.of(outcome), store.lastOutcome());
    }

    // ---------------------------------------------------------------------------------------------
    // Quarantine (stores that offer one)

    @Test
    void aQuarantineStartsEmptyAndDiscardsOnlyWhatItHolds() {
        Optional<Quarantine> quarantine = store.quarantine();
        assumeTrue(quarantine.isPresent(), "the store has no quarantine");
        assertEquals(List.of(), quarantine.get().quarantined());
        assertFalse(quarantine.get().discardQuarantined("pending-u0.report.1"));
        added(1, A);
        assertEquals(List.of(), quarantine.get().quarantined(), "an intact entry is not quarantined");
    }

    @Test
    void aDamagedReportIsQuarantinedAndBlocksNoOther() throws Exception {
        assumeTrue(store.quarantine().isPresent(), "the store has no quarantine");
        UsageReport damaged = added(1, A);
        UsageReport intact = added(2, A);
        assumeTrue(damage(damaged.reportId()), "the test cannot damage an entry of this store");
        assertEquals(List.of(intact.reportId()), pendingIds(), "the others are listed");
        elapse(LEASE.plusSeconds(1));
        assertEquals(List.of(intact.reportId()), ids(store.claim(B, 10, LEASE)), "and claimed");
        assertEquals(1, store.counts().pending());
        Quarantine quarantine = store.quarantine().orElseThrow();
        List<QuarantinedEntry> aside = quarantine.quarantined();
        assertEquals(1, aside.size(), aside.toString());
        assertTrue(aside.get(0).description().contains(damaged.reportId()), "names what it was: " + aside.get(0).description());
        reopenStore();
        quarantine = store.quarantine().orElseThrow();
        assertEquals(aside, quarantine.quarantined(), "kept until an operator discards it");
        assertTrue(quarantine.discardQuarantined(aside.get(0).id()));
        assertFalse(quarantine.discardQuarantined(aside.get(0).id()));
        assertEquals(List.of(), quarantine.quarantined());
        assertEquals(List.of(intact.reportId()), pendingIds());
    }
}
