package io.github.ssmonprem.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.core.testing.TestClock;
import io.github.ssmonprem.emulator.SsmEmulator;
import io.github.ssmonprem.sync.store.DeadLetter;
import io.github.ssmonprem.sync.store.FileSyncStore;
import io.github.ssmonprem.sync.store.PendingReport;
import io.github.ssmonprem.sync.store.ReportState;
import io.github.ssmonprem.sync.usage.Acknowledgement;
import io.github.ssmonprem.sync.usage.DeliveryResult;
import io.github.ssmonprem.sync.usage.ReportStatus;
import io.github.ssmonprem.sync.usage.UsageDeliveryException;
import io.github.ssmonprem.sync.usage.UsageReport;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What each answer of a server that speaks the usage protocol makes of a report, against the emulator
 * and a file store: a duplicate is delivered (already received), a refusal is a dead letter with the
 * server's words, a forgotten poll id is uploaded again, a message while not ready is surfaced, the
 * server's poll interval is honoured within bounds, and its 64-bit poll ids are kept exactly.
 */
class ServerAnswersTest {

    @TempDir
    Path dir;

    private SsmEmulator emulator;
    private TestClock clock;
    private FileSyncStore store;
    private SsmSyncClient ssm;

    @BeforeEach
    void start() {
        emulator = EmulatorFixtures.emulator(TestClock.start()).start();
        clock = emulator.testClock();
        store = new FileSyncStore(dir.resolve("state"), clock);
        ssm = client(store, b -> b);
    }

    @AfterEach
    void stop() {
        ssm.close();
        store.close();
        emulator.close();
    }

    private SsmSyncClient client(FileSyncStore on, UnaryOperator<SsmSyncClientBuilder> custom) {
        return custom.apply(SsmSyncClient.builder().config(emulator.clientConfig().build()).grant(emulator.passwordGrant()).store(on)
                .nodeName("node-a").account(AccountSelection.of(EmulatorFixtures.ACCOUNT, EmulatorFixtures.VIRTUAL_ACCOUNT))).build();
    }

    /** Replaces the client with one configured otherwise, on the same store. */
    private void reconfigure(UnaryOperator<SsmSyncClientBuilder> custom) {
        ssm.close();
        ssm = client(store, custom);
    }

    private UsageReport oneDevice(int device, long reportId) {
        return EmulatorFixtures.usage(clock, List.of(EmulatorFixtures.rum(device, reportId, 2)));
    }

    private UsageReport twoDevices() {
        return EmulatorFixtures.usage(clock, List.of(EmulatorFixtures.rum(1, 1, 2), EmulatorFixtures.rum(2, 1, 3)));
    }

    /** Submits a report the server does not acknowledge within the client's 10 s: {@return its result, pending with a poll id} */
    private DeliveryResult leftPollingFor(UsageReport report) {
        emulator.acknowledgeAfter(Integer.MAX_VALUE, Duration.ZERO);
        reconfigure(b -> b.ackTimeout(Duration.ofSeconds(10)));
        DeliveryResult pending = ssm.submitUsage(report).get(0);
        assertEquals(ReportStatus.PENDING, pending.status(), String.valueOf(pending));
        assertNotNull(pending.pollId());
        return pending;
    }

    @Test
    void aReportTheServerAlreadyHasIsAlreadyReceivedNotDead() {
        UsageReport report = oneDevice(1, 1);
        assertEquals(ReportStatus.DELIVERED, ssm.submitUsage(report).get(0).status());
        // Another application (its own store) pushes the same device file.
        try (FileSyncStore other = new FileSyncStore(dir.resolve("other"), clock); SsmSyncClient b = client(other, x -> x)) {
            DeliveryResult again = b.submitUsage(report).get(0);
            assertEquals(ReportStatus.ALREADY_RECEIVED, again.status(), String.valueOf(again));
            assertTrue(again.delivered());
            assertEquals(List.of(), again.acknowledgements(), "no acknowledgement comes with a refused upload");
            assertTrue(again.detail().contains("already has"), again.detail());
            assertEquals(ReportStatus.ALREADY_RECEIVED, other.state(report.reportId()).map(ReportState::status).orElseThrow());
            assertEquals(0, other.counts().dead());
            assertEquals(0, other.counts().pending());
            SyncResult sync = b.sync();
            assertTrue(sync.isSuccess(), "nothing left to fail: " + sync.failure());
        }
        assertEquals(1, emulator.stats().duplicatesRefused());
        assertEquals(2, emulator.stats().uploadsOf(EmulatorFixtures.keys(report).get(0)));
    }

    @Test
    void aReportOfNewAndKnownRumReportsDeliversTheNewOnesAndAcknowledgesThem() {
        UsageReport first = oneDevice(1, 1);
        ssm.submitUsage(first);
        UsageReport mixed = EmulatorFixtures.usage(clock, List.of(EmulatorFixtures.rum(1, 1, 2), EmulatorFixtures.rum(2, 7, 5)));
        List<DeliveryResult> results = ssm.submitUsage(mixed);
        assertTrue(results.stream().allMatch(DeliveryResult::delivered), String.valueOf(results));
        List<Acknowledgement> acks = results.stream().flatMap(r -> r.acknowledgements().stream()).toList();
        assertEquals(List.of(EmulatorFixtures.device(2)), acks.stream().map(Acknowledgement::sudi).toList(),
                "the new RUM report went up and its device got its acknowledgement");
        assertEquals(2, emulator.stats().distinctRumReports());
        assertEquals(0, store.counts().pending());
        assertEquals(0, store.counts().dead());
    }

    @Test
    void aForgottenPollIdMakesTheReportBeUploadedAgainAndAcknowledged() {
        UsageReport report = twoDevices();
        DeliveryResult pending = leftPollingFor(report);

        emulator.faults().forgetPollIds();           // a server restarted and lost its pending work
        emulator.acknowledgeAfter(0, Duration.ZERO);
        DeliveryResult delivered = ssm.deliverPending().get(0);
        assertEquals(ReportStatus.DELIVERED, delivered.status(), String.valueOf(delivered));
        assertNotEquals(pending.pollId(), delivered.pollId(), "acknowledged through the new upload's poll id");
        assertEquals(2, delivered.acknowledgements().size());
        assertEquals(1, emulator.stats().unknownPolls());
        for (String key : EmulatorFixtures.keys(report)) {
            assertEquals(2, emulator.stats().uploadsOf(key), key);
        }
        assertEquals(0, store.counts().dead(), "a refused poll is not a refused report");
    }

    @Test
    void aForgottenPollIdOfReportsTheServerKeptIsAlreadyReceivedSayingWhy() {
        DeliveryResult pending = leftPollingFor(oneDevice(1, 1));

        emulator.faults().forgetPollIdsKeepingReports();
        DeliveryResult result = ssm.deliverPending().get(0);
        assertEquals(ReportStatus.ALREADY_RECEIVED, result.status(), String.valueOf(result));
        assertTrue(result.detail().contains("no longer knows poll " + pending.pollId()), result.detail());
        assertEquals(0, store.counts().dead());
        assertEquals(0, store.counts().pending());
    }

    @Test
    void aRefusedUploadIsADeadLetterWithTheServersMessageAndCodeAndTheSyncFails() {
        store.add(oneDevice(1, 1), "node-a", EmulatorFixtures.LEASE);
        emulator.faults().failNextUploads(1, "Signature verification failed for C8000V:SN-1", "SIGNATURE_INVALID");
        SyncResult sync = ssm.sync();
        assertFalse(sync.isSuccess(), "a sync that delivered nothing does not report success");
        DeliveryResult dead = sync.deliveries().get(0);
        assertEquals(ReportStatus.DEAD, dead.status());
        assertEquals("SIGNATURE_INVALID", dead.server().code());
        UsageDeliveryException failure = assertInstanceOf(UsageDeliveryException.class, sync.failure().orElseThrow());
        assertEquals(ReportStatus.DEAD, failure.status());
        assertTrue(failure.getMessage().contains("Signature verification failed") && failure.getMessage().contains("SIGNATURE_INVALID"),
                failure.getMessage());
        assertFalse(failure.getMessage().contains("still pending"), failure.getMessage());
        DeadLetter letter = sync.deadLetters().get(0);
        assertEquals(200, letter.httpStatus());
        assertEquals("Signature verification failed for C8000V:SN-1", letter.server().message());
        assertEquals("SIGNATURE_INVALID", letter.server().code());
        assertEquals(List.of(letter), store.dead(), "kept with the server's answer until an operator acts");
        assertEquals(1, ssm.status().dead());
    }

    @Test
    void aRefusalWithAnErrorStatusIsADeadLetterWithTheServersMessageAndCodeToo() {
        emulator.faults().failNextUploads(1, 400, "Unknown device C8000V:SN-1", "DEVICE_UNKNOWN");
        DeliveryResult dead = ssm.submitUsage(oneDevice(1, 1)).get(0);
        assertEquals(ReportStatus.DEAD, dead.status(), String.valueOf(dead));
        DeadLetter letter = store.dead().get(0);
        assertEquals(400, letter.httpStatus());
        assertEquals("DEVICE_UNKNOWN", letter.server().code());
        assertEquals("Unknown device C8000V:SN-1", letter.server().message());
    }

    @Test
    void anErrorEntryForOneDeviceMakesADeadLetterThatKeepsTheOtherDevicesAcknowledgements() {
        emulator.faults().errorEntryFor(EmulatorFixtures.deviceId(1), "FAILED", "E42", "Device not registered");
        DeliveryResult dead = ssm.submitUsage(twoDevices()).get(0);
        assertEquals(ReportStatus.DEAD, dead.status(), String.valueOf(dead));
        assertTrue(dead.detail().contains(EmulatorFixtures.device(1).toString()) && dead.detail().contains("E42"), dead.detail());
        assertEquals(List.of(EmulatorFixtures.device(2)), dead.acknowledgements().stream().map(Acknowledgement::sudi).toList());
        DeadLetter letter = store.dead().get(0);
        assertEquals(dead.acknowledgements(), letter.acknowledgements());
        assertEquals(dead.acknowledgements(), ssm.usage().acknowledgements(), "device 2's acknowledgement is kept for it");
        assertEquals(emulator.stats().acknowledgementsFor(EmulatorFixtures.deviceId(2)).get(0).smartLicense(),
                ssm.usage().acknowledgements().get(0).smartLicense());
    }

    @Test
    void aMessageWhileNotReadyIsSurfacedAndTheReportStaysPendingWithIt() {
        reconfigure(b -> b.ackTimeout(Duration.ofSeconds(30)));
        emulator.faults().okPollWithMessageNext(1000, "Waiting for the licensing backend", "POLL_WARN");
        UsageReport report = oneDevice(1, 1);
        DeliveryResult result = ssm.submitUsage(report).get(0);
        assertEquals(ReportStatus.PENDING, result.status());
        assertNull(result.failure(), "awaiting the acknowledgement is no failure");
        assertTrue(result.detail().contains("Waiting for the licensing backend") && result.detail().contains("POLL_WARN"),
                result.detail());
        PendingReport stored = store.pending().get(0);
        assertTrue(stored.lastError().contains("Waiting for the licensing backend (message code POLL_WARN)"), stored.lastError());
        assertEquals(result.pollId(), stored.pollId(), "the next delivery polls again, it does not upload again");
        assertNull(stored.claimOwner(), "the claim is released");
        assertEquals(0, stored.attempts(), "no failed attempt");

        SyncResult sync = ssm.sync();
        assertTrue(sync.isSuccess(), "still waiting is no failure: " + sync.failure());
        assertTrue(sync.deliveries().get(0).detail().contains("Waiting for the licensing backend"), sync.deliveries().get(0).detail());

        emulator.faults().clear();
        DeliveryResult delivered = ssm.deliverPending().get(0);
        assertEquals(ReportStatus.DELIVERED, delivered.status());
        assertEquals(1, emulator.stats().uploadsOf(EmulatorFixtures.keys(report).get(0)));
    }

    @Test
    void aHugePollIntervalIsBoundedByMaxPollInterval() {
        emulator.faults().pollIntervalNext(1, 1_000_000_000L);
        DeliveryResult result = ssm.submitUsage(oneDevice(1, 1)).get(0);
        assertEquals(ReportStatus.DELIVERED, result.status(), String.valueOf(result));
        assertEquals(Duration.ofMinutes(5), clock.sleeps().get(0), "waited maxPollInterval (5 min), not 10^9 s");
        assertEquals(List.of(Duration.ofMinutes(5), Duration.ofSeconds(1)), clock.sleeps());
    }

    @Test
    void aHugePollIntervalPastTheAckTimeoutIsReportedTruthfully() {
        reconfigure(b -> b.ackTimeout(Duration.ofMinutes(1)).maxPollInterval(Duration.ofMinutes(2)));
        emulator.faults().pollIntervalNext(1, 1_000_000_000L);
        DeliveryResult result = ssm.submitUsage(oneDevice(1, 1)).get(0);
        assertEquals(ReportStatus.PENDING, result.status());
        assertTrue(result.detail().contains("the server asks to poll again in 120 s, after the acknowledgement timeout of 60 s"),
                result.detail());
        assertEquals(List.of(), clock.sleeps(), "it did not wait for nothing");
        assertNotNull(store.pending().get(0).pollId());
    }

    @Test
    void aNegativePollIntervalIsNotAWaitBackwards() {
        emulator.faults().pollIntervalNext(2, -30);
        DeliveryResult result = ssm.submitUsage(oneDevice(1, 1)).get(0);
        assertEquals(ReportStatus.DELIVERED, result.status(), String.valueOf(result));
        assertTrue(clock.sleeps().stream().noneMatch(Duration::isNegative), clock.sleeps().toString());
        assertTrue(clock.sleeps().stream().allMatch(d -> d.compareTo(Duration.ofSeconds(1)) >= 0 && d.compareTo(Duration.ofMinutes(5)) <= 0),
                clock.sleeps().toString());
    }

    @Test
    void sixtyFourBitPollIdsAreKeptExactlyAndSentBackAsNumbers() {
        UsageReport report = oneDevice(1, 1);
        DeliveryResult pending = leftPollingFor(report);
        String issued = emulator.stats().receivedReport(EmulatorFixtures.keys(report).get(0)).orElseThrow().pollId();
        assertTrue(new BigInteger(issued).compareTo(BigInteger.TWO.pow(53)) > 0, "beyond what a double holds exactly: " + issued);
        assertEquals(issued, pending.pollId());
        assertEquals(issued, store.pending().get(0).pollId(), "stored as its exact digits");
        assertTrue(emulator.stats().polls() > 0);

        emulator.acknowledgeAfter(0, Duration.ZERO);
        try (FileSyncStore reopened = new FileSyncStore(dir.resolve("state"), clock); SsmSyncClient restarted = client(reopened, b -> b)) {
            DeliveryResult delivered = restarted.deliverPending().get(0);
            assertEquals(ReportStatus.DELIVERED, delivered.status(), String.valueOf(delivered));
            assertEquals(issued, delivered.pollId(), "read back from disk and polled exactly");
        }
        assertEquals(0, emulator.stats().unknownPolls(), "never a poll id off by one");
        assertEquals(0, emulator.stats().refusedRequests(), "never a poll id sent as a string or a fraction");
        assertEquals(1, emulator.stats().uploads());
    }

    @Test
    void anUploadAnswerWithAnotherNonceIsNotTrustedAndTheReportStaysPending() {
        emulator.faults().otherNonceNext(1);
        UsageReport report = oneDevice(1, 1);
        DeliveryResult result = ssm.submitUsage(report).get(0);
        assertEquals(ReportStatus.PENDING, result.status(), String.valueOf(result));
        assertInstanceOf(io.github.ssmonprem.core.exception.MalformedResponseException.class, result.failure());
        assertTrue(result.detail().contains("nonce"), result.detail());
        PendingReport stored = store.pending().get(0);
        assertNull(stored.pollId(), "no poll id taken from an answer to another upload");
        assertEquals(1, stored.attempts());
        assertEquals(0, emulator.stats().polls(), "nothing polled with it");

        DeliveryResult next = ssm.deliverPending().get(0);
        assertTrue(next.delivered(), "the server has the report: " + next);
        assertEquals(0, store.counts().dead());
    }

    @Test
    void aPollIdUnderDataInA200AnswerIsReadToo() {
        emulator.faults().pollIdUnderDataNext(1).accept200Next(1);
        UsageReport report = oneDevice(1, 1);
        DeliveryResult result = ssm.submitUsage(report).get(0);
        assertEquals(ReportStatus.DELIVERED, result.status(), String.valueOf(result));
        assertEquals(emulator.stats().receivedReport(EmulatorFixtures.keys(report).get(0)).orElseThrow().pollId(), result.pollId());
    }
}
