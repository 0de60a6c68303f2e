package io.github.ssmonprem.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.ssmonprem.core.exception.ServerUnavailableException;
import io.github.ssmonprem.core.testing.FakeClock;
import io.github.ssmonprem.core.testing.TestSecrets;
import io.github.ssmonprem.sync.model.Account;
import io.github.ssmonprem.sync.model.License;
import io.github.ssmonprem.sync.model.UsageReport;
import io.github.ssmonprem.sync.store.FileSyncStore;
import io.github.ssmonprem.sync.store.PendingReport;
import io.github.ssmonprem.sync.store.SyncStore;
import io.github.ssmonprem.sync.store.SyncStoreException;
import io.github.ssmonprem.testkit.SsmEmulator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(TestSecrets.NoLeaks.class)
class SyncCycleTest {

    static final String ACCOUNT = "acme.example";

    @TempDir
    Path state;

    private FakeClock clock;
    private SimpleMeterRegistry registry;
    private SsmEmulator emulator;

    @BeforeEach
    void start() {
        clock = FakeClock.atEpochOfTests();
        registry = new SimpleMeterRegistry();
        emulator = SsmEmulator.builder().clock(clock)
                .account(ACCOUNT, "Acme", "VA1", "VA2")
                .licenses(ACCOUNT, "VA1", 250)
                .licenses(ACCOUNT, "VA2", 30)
                .acknowledgeAfter(2, Duration.ZERO)
                .pollAfterSeconds(3)
                .start();
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    private SsmSyncClient.Builder client() {
        return SsmSyncClient.builder()
                .config(emulator.clientConfig().clock(clock).sleeper(clock).meterRegistry(registry).build())
                .grant(emulator.passwordGrant())
                .stateDirectory(state)
                .account(AccountSelection.of(ACCOUNT, "VA1"));
    }

    private UsageReport report() {
        return UsageReport.builder(clock).account(ACCOUNT).virtualAccount("VA1").productInstance("vmanage-cluster-1")
                .device("edge-1", "regid.2019-10.com.cisco.SDWAN")
                .usage("sdwan_dna_advantage", 12, clock.instant().minusSeconds(86_400), clock.instant())
                .usage("sdwan_dna_essentials", 3, clock.instant().minusSeconds(86_400), clock.instant())
                .device("edge-2", "regid.2019-10.com.cisco.SDWAN")
                .usage("sdwan_dna_advantage", 7, clock.instant().minusSeconds(86_400), clock.instant())
                .build();
    }

    @Test
    void twoHundredFiftyLicensesInPagesOfOneHundredTakeThreeCalls() {
        try (SsmSyncClient ssm = client().build()) {
            List<License> licenses = ssm.licenses(ACCOUNT, List.of("VA1"));
            assertEquals(250, licenses.size());
            assertEquals(250, licenses.stream().map(License::key).distinct().count());
            assertTrue(licenses.stream().allMatch(l -> l.virtualAccount().equals("VA1") && !l.licenseDetails().isEmpty()));
        }
        assertEquals(3, emulator.stats().licensePages());
    }

    @Test
    void licensesStreamLazilyPageByPage() {
        try (SsmSyncClient ssm = client().pageSize(50).build();
                Stream<License> stream = ssm.streamLicenses(ACCOUNT, List.of())) {
            assertEquals(10, stream.limit(10).count());
            assertEquals(1, emulator.stats().licensePages(), "only the first page was fetched");
        }
    }

    @Test
    void accountsListTheirVirtualAccounts() {
        try (SsmSyncClient ssm = client().build()) {
            Account acme = ssm.listAccounts().stream().filter(a -> a.accountDomain().equals(ACCOUNT)).findFirst().orElseThrow();
            assertEquals(List.of("VA1", "VA2"), acme.virtualAccounts().stream().map(v -> v.name()).toList());
            assertTrue(acme.virtualAccounts().get(0).isDefault());
        }
    }

    @Test
    void anUnknownAccountIsATypedNotFoundWithTheServerMessage() {
        try (SsmSyncClient ssm = client().build()) {
            AccountNotFoundException e = assertThrows(AccountNotFoundException.class,
                    () -> ssm.licenses("nobody.example", List.of()));
            assertEquals("nobody.example", e.account());
            assertTrue(e.serverMessage().contains("Smart Account not found"), e.serverMessage());
            assertTrue(e.remediation().contains("ssm accounts"), e.remediation());
        }
    }

    @Test
    void usagePushPollsTwiceThenCompletesAndEmptiesTheStore() {
        try (SsmSyncClient ssm = client().build()) {
            UsageReport report = report();
            Instant before = clock.instant();
            DeliveryResult result = ssm.submitUsage(report);
            assertTrue(result.delivered(), String.valueOf(result.error()));
            assertNotNull(result.smartLicense());
            assertEquals(0, ssm.store().pendingCount());
            assertEquals(List.of(Duration.ofSeconds(3), Duration.ofSeconds(3)),
                    clock.sleeps().stream().filter(d -> d.equals(Duration.ofSeconds(3))).toList(),
                    "waited poll_after_seconds after each OK_POLL");
            assertEquals(Duration.ofSeconds(6), Duration.between(before, clock.instant()));
        }
        assertEquals(3, emulator.stats().polls(), "OK_POLL, OK_POLL, COMPLETE");
        assertEquals("{\"display_name\":\"ssm-onprem-java-sdk\",\"host_identifier\":\""
                + RequestingSystem.ofLocalHost().hostIdentifier() + "\"}", emulator.stats().lastRequestingSystem(),
                "by default: this SDK on the local host");
        assertEquals(1, emulator.stats().distinctReports());
        assertEquals(3, emulator.stats().usageRecordsCounted());
        assertEquals(1, emulator.stats().acknowledged());
    }

    @Test
    void thePollIdIsOnDiskBeforeTheFirstWaitAndNotWrittenWhenTheFirstPollAcknowledges() throws Exception {
        List<String> savedPollIds = new CopyOnWriteArrayList<>();
        List<String> onDiskWhileWaiting = new CopyOnWriteArrayList<>();
        try (FileSyncStore files = new FileSyncStore(state);
                SsmSyncClient ssm = SsmSyncClient.builder()
                        .config(emulator.clientConfig().clock(clock).sleeper(d -> {
                            try (FileSyncStore reader = new FileSyncStore(state)) {
                                onDiskWhileWaiting.add(reader.pendingReports().get(0).pollId());
                            }
                            clock.sleep(d);
                        }).build())
                        .grant(emulator.passwordGrant()).store(recording(files, savedPollIds)).build()) {
            DeliveryResult polledTwice = ssm.submitUsage(report());
            assertTrue(polledTwice.delivered(), String.valueOf(polledTwice.error()));
            assertEquals(List.of(polledTwice.pollId(), polledTwice.pollId()), onDiskWhileWaiting,
                    "a process killed while it waits resumes polling instead of resubmitting");
            assertEquals(List.of(polledTwice.pollId()), savedPollIds, "stored once, before the first wait");

            savedPollIds.clear();
            emulator.acknowledgeAfter(0, Duration.ZERO);
            int polls = emulator.stats().polls();
            DeliveryResult polledOnce = ssm.submitUsage(report());
            assertTrue(polledOnce.delivered(), String.valueOf(polledOnce.error()));
            assertEquals(polls + 1, emulator.stats().polls());
            assertEquals(List.of(), savedPollIds, "acknowledged at once: nothing to resume, no write");
            assertEquals(0, files.pendingCount());
        }
    }

    /** The store, recording the poll id of each delivery state saved. */
    private static SyncStore recording(SyncStore store, List<String> savedPollIds) {
        return (SyncStore) Proxy.newProxyInstance(SyncStore.class.getClassLoader(), new Class<?>[] {SyncStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("updatePending")) {
                        savedPollIds.add(((PendingReport) args[0]).pollId());
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void anInterruptWhileWaitingToPollKeepsTheReportsPendingAndSaysSo() {
        emulator.acknowledgeAfter(Integer.MAX_VALUE, Duration.ZERO);
        try (SsmSyncClient ssm = SsmSyncClient.builder()
                .config(emulator.clientConfig().clock(clock).sleeper(d -> {
                    throw new InterruptedException("stopping");
                }).build())
                .grant(emulator.passwordGrant()).stateDirectory(state).build()) {
            ssm.store().addPending(PendingReport.of(report(), clock.instant()));
            ssm.store().addPending(PendingReport.of(report(), clock.instant()));
            List<DeliveryResult> results = ssm.deliverPending();
            assertEquals(2, results.size(), "both were submitted before the one wait for their acknowledgements");
            results.forEach(r -> assertTrue(r.error().startsWith("interrupted while waiting"), r.error()));
            assertTrue(Thread.interrupted(), "the interrupt is kept for the caller");
            assertEquals(2, ssm.store().pendingCount());
            assertTrue(ssm.store().pendingReports().stream().allMatch(p -> p.pollId() != null), "polling resumes next time");
        }
    }

    @Test
    void aConfiguredRequestingSystemIsSentWithUsage() {
        try (SsmSyncClient ssm = client().requestingSystem(new RequestingSystem("vManage cluster 1", "vmanage-1.lab")).build()) {
            assertTrue(ssm.submitUsage(report()).delivered());
        }
        assertEquals("{\"display_name\":\"vManage cluster 1\",\"host_identifier\":\"vmanage-1.lab\"}",
                emulator.stats().lastRequestingSystem());
    }

    @Test
    void aFullSyncPullsComparesDeliversAndRecordsItsOutcome() {
        try (SsmSyncClient ssm = client().build()) {
            ssm.store().addPending(PendingReport.of(report(), clock.instant()));
            SyncResult first = ssm.sync();
            assertTrue(first.isSuccess(), String.valueOf(first.error()));
            assertTrue(first.changes().get(ACCOUNT).initial());
            assertEquals(250, first.outcome().licensesPulled());
            assertEquals(1, first.outcome().reportsDelivered());
            assertEquals(0, first.outcome().reportsPending());

            emulator.setLicenses(ACCOUNT, "VA1", 240, 7);
            clock.advance(Duration.ofHours(24));
            SyncResult second = ssm.sync();
            LicenseChanges changes = second.changes().get(ACCOUNT);
            assertFalse(changes.initial());
            assertTrue(changes.hasChanges());
            assertEquals(240, second.outcome().licensesPulled());
            assertFalse(changes.outOfCompliance().isEmpty(), "the generated inventory overuses some licenses");
        }
        assertEquals(2.0, registry.get("ssm.sync.runs").tag("outcome", "success").counter().count());
        assertEquals(2, registry.get("ssm.sync.duration").tag("outcome", "success").timer().count());
        assertEquals(240.0, registry.get("ssm.licenses").gauge().value());
        assertEquals(0.0, registry.get("ssm.usage.pending").gauge().value());
        assertEquals(clock.instant().getEpochSecond(), (long) registry.get("ssm.sync.last.success").gauge().value());
        assertEquals(1, emulator.stats().tokenRequests("password"), "one grant, then refreshes");
        assertEquals(1, emulator.stats().tokenRequests("refresh_token"), "the token had expired by the second sync");
    }

    @Test
    void aRefusedAccountFailsTheSyncButTheOtherAccountsAndThePendingUsageGoAhead() {
        try (SsmSyncClient ssm = client().accounts(List.of(AccountSelection.of("typo.example"), AccountSelection.of(ACCOUNT, "VA2")))
                .build()) {
            ssm.store().addPending(PendingReport.of(report(), clock.instant()));
            SyncResult result = ssm.sync();
            assertFalse(result.isSuccess());
            assertInstanceOf(AccountNotFoundException.class, result.error());
            assertEquals(30, result.outcome().licensesPulled(), "the other account was pulled");
            assertEquals(1, result.outcome().reportsDelivered(), "the pending usage was delivered");
            assertEquals(0, ssm.store().pendingCount());
        }
    }

    @Test
    void lastOutcomeAndSnapshotAreReadableWhileTheServerIsGone() {
        try (SsmSyncClient ssm = client().build()) {
            assertTrue(ssm.sync().isSuccess());
        }
        emulator.close();
        try (SsmSyncClient offline = client().build()) {
            assertTrue(offline.lastOutcome().orElseThrow().success());
            assertEquals(250, offline.lastSnapshot(ACCOUNT).orElseThrow().licenses().size());
            SyncResult failed = offline.sync();
            assertFalse(failed.isSuccess());
            assertEquals(250, offline.lastSnapshot(ACCOUNT).orElseThrow().licenses().size(), "a failed pull keeps the known state");
            assertFalse(offline.lastOutcome().orElseThrow().success());
            assertNotNull(offline.lastOutcome().orElseThrow().errorType());
        }
    }

    @Test
    void backendDownDuringPushKeepsTheReportPendingAndTheNextSyncDeliversIt() {
        try (SsmSyncClient ssm = client().build()) {
            ssm.tokens().token();
            emulator.faults().backendDown(true);
            UsageReport report = report();
            DeliveryResult result = ssm.submitUsage(report);
            assertFalse(result.delivered());
            assertTrue(result.error().startsWith("ServerUnavailableException"), result.error());
            List<PendingReport> pending = ssm.store().pendingReports();
            assertEquals(1, pending.size());
            assertEquals(report, pending.get(0).report());
            assertEquals(1, pending.get(0).attempts());
            assertNull(pending.get(0).pollId());

            SyncResult whileDown = ssm.sync();
            assertFalse(whileDown.isSuccess());
            assertInstanceOf(ServerUnavailableException.class, whileDown.error());
            assertEquals(1, whileDown.outcome().reportsPending());

            emulator.faults().backendDown(false);
            // The circuit breaker opened during the outage; the scheduler's back-off (15 min) outlasts its wait.
            clock.advance(Duration.ofMinutes(15));
            SyncResult recovered = ssm.sync();
            assertTrue(recovered.isSuccess(), String.valueOf(recovered.error()));
            assertEquals(1, recovered.outcome().reportsDelivered());
            assertEquals(0, ssm.store().pendingCount());
            assertEquals(2 * 4 + 1, emulator.stats().submissionsOf(report.reportId()),
                    "four attempts answered 502 by the push and by the sync while down, then one accepted");
            assertEquals(1, emulator.stats().distinctReports(), "always with the same nonce");
        }
    }

    @Test
    void aCorruptEntryIsQuarantinedAndDoesNotBlockTheOthers() throws Exception {
        Path pendingDir = state.resolve("pending");
        try (SsmSyncClient ssm = client().build()) {
            ssm.store().addPending(PendingReport.of(report(), clock.instant()));
            Files.writeString(pendingDir.resolve("torn-1.report"), "ssm-entry crc32c=00000000\n{\"reportId\": trunc");
            List<DeliveryResult> results = ssm.deliverPending();
            assertEquals(1, results.size());
            assertTrue(results.get(0).delivered());
            assertEquals(1, ssm.store().quarantined().size());
            String why = ssm.store().quarantined().get(0).description();
            assertTrue(why.contains("torn-1.report") && why.contains("checksum"), why);
        }
        assertFalse(Files.exists(pendingDir.resolve("torn-1.report")));
        try (Stream<Path> aside = Files.list(state.resolve("quarantine"))) {
            assertEquals(2, aside.count(), "the entry and its .reason file");
        }
    }

    @Test
    void aReadOnlyStateDirectoryFailsTheSubmitTypedBeforeAnythingIsSent() throws Exception {
        try (SsmSyncClient ssm = client().build()) {
            Path pendingDir = state.resolve("pending");
            try (ReadOnly ignored = ReadOnly.make(pendingDir)) {
                SyncStoreException e = assertThrows(SyncStoreException.class, () -> ssm.submitUsage(report()));
                assertTrue(e.remediation().contains("writable"), e.remediation());
                assertTrue(e.getMessage().contains(pendingDir.toString()), e.getMessage());
            }
        }
        assertEquals(List.of(), emulator.stats().requestLines(), "nothing was sent, not even a token request");
    }

    @Test
    void revokedTokensMidwayAreRenewedOnceAndTheCallRepeated() {
        try (SsmSyncClient ssm = client().build()) {
            ssm.listAccounts();
            emulator.revokeAllTokens();
            assertEquals(2, ssm.listAccounts().size(), "acme.example and the emulator's demo account");
        }
        assertEquals(1, emulator.stats().rejectedTokens());
        assertEquals(1, emulator.stats().tokenRequests("refresh_token"), "the refresh token is tried first");
        assertEquals(2, emulator.stats().tokenRequests("password"), "revoked with the access token, so the grant is used again");
    }

    /** Makes a directory unwritable, for root too (where permissions do not bind): chmod, then chattr +i. */
    static final class ReadOnly implements AutoCloseable {
        private final Path dir;
        private final boolean immutable;

        private ReadOnly(Path dir, boolean immutable) {
            this.dir = dir;
            this.immutable = immutable;
        }

        static ReadOnly make(Path dir) throws Exception {
            dir.toFile().setWritable(false, false);
            if (Files.isWritable(dir) || canCreateIn(dir)) {
                Process p = new ProcessBuilder("chattr", "+i", dir.toString()).redirectErrorStream(true).start();
                boolean ok = p.waitFor() == 0 && !canCreateIn(dir);
                assumeTrue(ok, "cannot make a directory read-only here (root without chattr)");
                return new ReadOnly(dir, true);
            }
            return new ReadOnly(dir, false);
        }

        private static boolean canCreateIn(Path dir) {
            try {
                Files.delete(Files.createTempFile(dir, "probe", ".tmp"));
                return true;
            } catch (Exception e) {
                return false;
            }
        }

        @Override
        public void close() throws Exception {
            if (immutable) {
                new ProcessBuilder("chattr", "-i", dir.toString()).start().waitFor();
            }
            dir.toFile().setWritable(true, false);
        }
    }
}
