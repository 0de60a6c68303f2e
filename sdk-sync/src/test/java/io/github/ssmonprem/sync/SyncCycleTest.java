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
import io.github.ssmonprem.core.testing.TestClock;
import io.github.ssmonprem.core.testing.TestSecrets;
import io.github.ssmonprem.emulator.SsmEmulator;
import io.github.ssmonprem.sync.model.Account;
import io.github.ssmonprem.sync.model.License;
import io.github.ssmonprem.sync.store.FileSyncStore;
import io.github.ssmonprem.sync.store.PendingReport;
import io.github.ssmonprem.sync.store.QuarantinedEntry;
import io.github.ssmonprem.sync.store.SyncStore;
import io.github.ssmonprem.sync.store.SyncStoreException;
import io.github.ssmonprem.sync.store.UsageCounts;
import io.github.ssmonprem.sync.usage.Acknowledgement;
import io.github.ssmonprem.sync.usage.DeliveryResult;
import io.github.ssmonprem.sync.usage.ReportStatus;
import io.github.ssmonprem.sync.usage.Sudi;
import io.github.ssmonprem.sync.usage.UsageReport;
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

/** The sync cycle against the emulator: licenses, usage with its acknowledgements, the outcome, the store on a real disk. */
@ExtendWith(TestSecrets.NoLeaks.class)
class SyncCycleTest {

    static final String ACCOUNT = "acme.example";

    @TempDir
    Path state;

    private TestClock clock;
    private SimpleMeterRegistry registry;
    private SsmEmulator emulator;

    @BeforeEach
    void start() {
        clock = TestClock.start();
        registry = new SimpleMeterRegistry();
        emulator = SsmEmulator.builder().clock(clock)
                .account(ACCOUNT, "Acme", "VA1", "VA2")
                .licenses(ACCOUNT, "VA1", 250)
                .licenses(ACCOUNT, "VA2", 30)
                .acknowledgeAfter(2, Duration.ZERO)
                .pollInterval(3)
                .start();
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    private SsmSyncClientBuilder client() {
        return SsmSyncClient.builder()
                .config(emulator.clientConfig().clock(clock).sleeper(clock).meterRegistry(registry).build())
                .grant(emulator.passwordGrant())
                .stateDirectory(state)
                .account(AccountSelection.of(ACCOUNT, "VA1"));
    }

    /** Three RUM reports of two devices for VA1. */
    private UsageReport report() {
        return EmulatorFixtures.usage(clock, ACCOUNT, "VA1", List.of(EmulatorFixtures.rum(1, 1, 12), EmulatorFixtures.rum(1, 2, 3),
                EmulatorFixtures.rum(2, 1, 7)));
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
            assertTrue(e.remediation().contains("SsmSyncClient.listAccounts()"), e.remediation());
            assertEquals("account", e.setting(), "the command line and the starter name their own setting for it");
        }
    }

    @Test
    void usagePushWaitsThePollIntervalBeforeEachPollThenStoresOneAcknowledgementPerDevice() {
        try (SsmSyncClient ssm = client().build()) {
            UsageReport report = report();
            Instant before = clock.instant();
            List<DeliveryResult> results = ssm.submitUsage(report);
            assertEquals(1, results.size());
            DeliveryResult result = results.get(0);
            assertEquals(ReportStatus.DELIVERED, result.status(), String.valueOf(result));
            assertEquals(List.of(EmulatorFixtures.device(1), EmulatorFixtures.device(2)),
                    result.acknowledgements().stream().map(Acknowledgement::sudi).toList(), "one acknowledgement per device");
            assertEquals(new UsageCounts(0, 0, 2), ssm.usage().counts());
            assertEquals(List.of(Duration.ofSeconds(3), Duration.ofSeconds(3), Duration.ofSeconds(3)), clock.sleeps(),
                    "waited the poll_interval of the upload's answer, then of each OK_POLL");
            assertEquals(Duration.ofSeconds(9), Duration.between(before, clock.instant()));
        }
        assertEquals(3, emulator.stats().polls(), "OK_POLL, OK_POLL, COMPLETE");
        assertEquals("{\"udi_pid\":\"C8000V\",\"udi_serial_number\":\"SN-1\"}", emulator.stats().lastRequestingSystem(),
                "by default: the upload's first device");
        assertEquals(3, emulator.stats().distinctRumReports());
        assertEquals(2, emulator.stats().acknowledgementsIssued());
        assertEquals(0, emulator.stats().refusedRequests(), "every request was one a real server takes");
    }

    @Test
    void thePollIdIsOnDiskBeforeTheFirstWaitAndWrittenOnce() throws Exception {
        List<String> savedPollIds = new CopyOnWriteArrayList<>();
        List<String> onDiskWhileWaiting = new CopyOnWriteArrayList<>();
        try (FileSyncStore files = new FileSyncStore(state);
                SsmSyncClient ssm = SsmSyncClient.builder()
                        .config(emulator.clientConfig().clock(clock).sleeper(d -> {
                            try (FileSyncStore reader = new FileSyncStore(state)) {
                                onDiskWhileWaiting.add(reader.pending().get(0).pollId());
                            }
                            clock.sleep(d);
                        }).build())
                        .grant(emulator.passwordGrant()).store(recording(files, savedPollIds)).build()) {
            DeliveryResult polledThrice = ssm.submitUsage(report()).get(0);
            assertEquals(ReportStatus.DELIVERED, polledThrice.status(), String.valueOf(polledThrice));
            assertEquals(List.of(polledThrice.pollId(), polledThrice.pollId(), polledThrice.pollId()), onDiskWhileWaiting,
                    "a process killed while it waits resumes polling instead of uploading again");
            assertEquals(List.of(polledThrice.pollId()), savedPollIds, "stored once, before the first wait, not at every poll");
            assertEquals(0, files.counts().pending());
        }
    }

    /** The store, recording the poll id of each delivery state saved. */
    private static SyncStore recording(SyncStore store, List<String> savedPollIds) {
        return (SyncStore) Proxy.newProxyInstance(SyncStore.class.getClassLoader(), new Class<?>[] {SyncStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("update")) {
                        savedPollIds.add(((PendingReport) args[0]).pollId());
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** A client whose first wait for an acknowledgement is interrupted (the application stops it); none comes before. */
    private SsmSyncClient interruptedWhileWaiting() {
        emulator.acknowledgeAfter(Integer.MAX_VALUE, Duration.ZERO);
        return SsmSyncClient.builder().config(emulator.clientConfig().clock(clock).sleeper(d -> {
            throw new InterruptedException("stopping");
        }).build()).grant(emulator.passwordGrant()).stateDirectory(state).build();
    }

    @Test
    void anInterruptWhileWaitingToPollKeepsTheReportsPendingAndSaysSo() {
        try (SsmSyncClient ssm = interruptedWhileWaiting()) {
            ssm.store().add(report(), ssm.nodeName(), EmulatorFixtures.LEASE);
            ssm.store().add(EmulatorFixtures.usage(clock), ssm.nodeName(), EmulatorFixtures.LEASE);
            List<DeliveryResult> results = ssm.deliverPending();
            assertEquals(2, results.size(), "both were uploaded before the one wait for their acknowledgements");
            results.forEach(r -> assertTrue(r.detail().startsWith("interrupted while waiting"), r.detail()));
            results.forEach(r -> assertEquals(ReportStatus.PENDING, r.status()));
            assertTrue(Thread.interrupted(), "the interrupt is kept for the caller");
            assertEquals(2, ssm.usage().counts().pending());
            assertTrue(ssm.store().pending().stream().allMatch(p -> p.pollId() != null), "polling resumes next time");
        }
    }

    @Test
    void anInterruptedDeliveryReleasesItsClaimsForTheOtherNodes() {
        try (SsmSyncClient ssm = interruptedWhileWaiting()) {
            ssm.store().add(report(), ssm.nodeName(), EmulatorFixtures.LEASE);
            assertEquals(ReportStatus.PENDING, ssm.deliverPending().get(0).status());
            assertTrue(Thread.interrupted());
            PendingReport left = ssm.store().pending().get(0);
            assertNotNull(left.pollId());
            assertNull(left.claimOwner(), "an abandoned delivery hands its reports over: any node may resume polling at once");
        }
    }

    @Test
    void aConfiguredRequestingSystemIsSentWithUsage() {
        try (SsmSyncClient ssm = client().requestingSystem(new Sudi("VMANAGE-CLUSTER", "vmanage-1.lab")).build()) {
            assertTrue(ssm.submitUsage(report()).get(0).delivered());
        }
        assertEquals("{\"udi_pid\":\"VMANAGE-CLUSTER\",\"udi_serial_number\":\"vmanage-1.lab\"}",
                emulator.stats().lastRequestingSystem());
    }

    @Test
    void aFullSyncPullsComparesDeliversAndRecordsItsOutcome() {
        try (SsmSyncClient ssm = client().build()) {
            ssm.store().add(report(), ssm.nodeName(), EmulatorFixtures.LEASE);
            SyncResult first = ssm.sync();
            assertTrue(first.isSuccess(), String.valueOf(first.failure()));
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
        assertEquals(2.0, registry.get("ssm.usage.acknowledgements").gauge().value(), "one per device, not taken yet");
        assertEquals(clock.instant().getEpochSecond(), (long) registry.get("ssm.sync.last.success").gauge().value());
        assertEquals(1, emulator.stats().tokenRequests("password"), "one grant, then refreshes");
        assertEquals(1, emulator.stats().tokenRequests("refresh_token"), "the token had expired by the second sync");
    }

    @Test
    void aRefusedAccountFailsTheSyncButTheOtherAccountsAndThePendingUsageGoAhead() {
        try (SsmSyncClient ssm = client().accounts(List.of(AccountSelection.of("typo.example"), AccountSelection.of(ACCOUNT, "VA2")))
                .build()) {
            ssm.store().add(report(), ssm.nodeName(), EmulatorFixtures.LEASE);
            SyncResult result = ssm.sync();
            assertFalse(result.isSuccess());
            assertInstanceOf(AccountNotFoundException.class, result.failure().orElseThrow());
            assertEquals(30, result.outcome().licensesPulled(), "the other account was pulled");
            assertEquals(1, result.outcome().reportsDelivered(), "the pending usage was delivered");
            assertEquals(0, ssm.usage().counts().pending());
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
            DeliveryResult result = ssm.submitUsage(report).get(0);
            assertEquals(ReportStatus.PENDING, result.status());
            ServerUnavailableException down = assertInstanceOf(ServerUnavailableException.class, result.failure());
            assertEquals(4, down.attempts());
            List<PendingReport> pending = ssm.store().pending();
            assertEquals(1, pending.size());
            assertEquals(report, pending.get(0).report());
            assertEquals(1, pending.get(0).attempts());
            assertEquals(down.detail(), pending.get(0).lastError(), "the failure in words, as the operator reads it");
            assertNull(pending.get(0).pollId());
            assertNull(pending.get(0).claimOwner(), "the claim is released for the next delivery");

            SyncResult whileDown = ssm.sync();
            assertFalse(whileDown.isSuccess());
            assertInstanceOf(ServerUnavailableException.class, whileDown.failure().orElseThrow());
            assertEquals(1, whileDown.outcome().reportsPending());

            emulator.faults().backendDown(false);
            // The circuit breaker opened during the outage; the scheduler's back-off (15 min) outlasts its wait.
            clock.advance(Duration.ofMinutes(15));
            SyncResult recovered = ssm.sync();
            assertTrue(recovered.isSuccess(), String.valueOf(recovered.failure()));
            assertEquals(1, recovered.outcome().reportsDelivered());
            assertEquals(0, ssm.usage().counts().pending());
            assertEquals(2 * 4 + 1, emulator.stats().requests("search"),
                    "four attempts to find the account ids answered 502 by the push and by the sync while down, then one answered");
            for (String key : EmulatorFixtures.keys(report)) {
                assertEquals(1, emulator.stats().uploadsOf(key), "nothing was uploaded while down, then once: " + key);
            }
            assertEquals(3, emulator.stats().distinctRumReports());
        }
    }

    @Test
    void aCorruptEntryIsQuarantinedAndDoesNotBlockTheOthers() throws Exception {
        Path pendingDir = state.resolve("pending");
        try (SsmSyncClient ssm = client().build()) {
            ssm.store().add(report(), ssm.nodeName(), EmulatorFixtures.LEASE);
            Files.writeString(pendingDir.resolve("torn-1.report"), "ssm-entry crc32c=00000000\n{\"reportId\": trunc");
            List<DeliveryResult> results = ssm.deliverPending();
            assertEquals(1, results.size());
            assertTrue(results.get(0).delivered(), String.valueOf(results.get(0)));
            List<QuarantinedEntry> aside = ssm.store().quarantine().orElseThrow().quarantined();
            assertEquals(1, aside.size());
            String why = aside.get(0).description();
            assertTrue(why.contains("torn-1.report") && why.contains("checksum"), why);
            assertFalse(why.contains("Exception"), "what is wrong with the file, in words: " + why);
            assertEquals(1, ssm.status().quarantined());
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
