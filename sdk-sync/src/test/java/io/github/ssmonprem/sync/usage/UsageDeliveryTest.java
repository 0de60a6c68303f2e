package io.github.ssmonprem.sync.usage;

import io.github.ssmonprem.sync.SsmSyncClientBuilder;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.auth.OAuthGrant;
import io.github.ssmonprem.core.Secret;
import io.github.ssmonprem.core.SsmClientConfig;
import io.github.ssmonprem.core.testing.TestClock;
import io.github.ssmonprem.sync.AccountSelection;
import io.github.ssmonprem.sync.SsmSyncClient;
import io.github.ssmonprem.sync.SyncResult;
import io.github.ssmonprem.sync.store.FileSyncStore;
import io.github.ssmonprem.sync.store.ReportState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The delivery path against a scripted server: what each answer of PROTOCOL.md makes of a report and its ACKs. */
class UsageDeliveryTest {

    private final FakeSsm fake = new FakeSsm();
    private final TestClock clock = TestClock.start();
    @TempDir
    Path state;
    private FileSyncStore store;
    private final List<Acknowledgement> heard = new CopyOnWriteArrayList<>();
    private MockWebServer server;
    private SsmSyncClient client;

    @BeforeEach
    void start() throws Exception {
        store = new FileSyncStore(state, clock);
        server = FakeSsm.start(fake);
        client = client(b -> { });
    }

    private SsmSyncClient client(Consumer<SsmSyncClientBuilder> custom) {
        SsmSyncClientBuilder b = SsmSyncClient.builder()
                .config(SsmClientConfig.builder().baseUrl(server.url("/").toString()).allowPlainHttp(true).noProxy().clock(clock)
                        .sleeper(clock).build())
                .grant(OAuthGrant.clientCredentials("client", Secret.of("secret")))
                .store(store).nodeName("node-a").acknowledgementListener(heard::add);
        custom.accept(b);
        return b.build();
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        server.close();
        store.close();
    }

    private static UsageReport twoDevices() {
        return UsageReport.of("acme.example", "SDWAN", List.of(Rum.report("C9800-CL-K9", "A", 1), Rum.report("C8000V", "B", 9)));
    }

    @Test
    void anAcknowledgedReportKeepsOneAcknowledgementPerDeviceUntilTaken() {
        List<DeliveryResult> results = client.submitUsage(twoDevices());
        assertEquals(1, results.size());
        DeliveryResult r = results.get(0);
        assertEquals(ReportStatus.DELIVERED, r.status(), String.valueOf(r));
        assertEquals("77412347487202314", r.pollId());
        assertEquals(2, r.acknowledgements().size());
        Acknowledgement b = r.acknowledgements().get(0);
        assertEquals(new Sudi("C8000V", "B"), b.sudi());
        assertEquals("ACK for C8000V:B", b.text(), "each device gets the ACK the server gave for it");
        assertEquals(List.of("9"), b.rumReportIds());
        assertEquals("corr-1", b.correlationId());
        assertEquals(r.acknowledgements(), heard, "the listener hears each ACK once it is stored");
        assertEquals(2, client.usage().acknowledgements().size());
        assertTrue(client.usage().take(b.id()));
        assertFalse(client.usage().take(b.id()), "taken once");
        assertEquals(List.of(r.acknowledgements().get(1)), client.usage().acknowledgements());
        assertEquals(0, client.usage().counts().pending());
    }

    @Test
    void pushingTheSameReportsAgainSendsNothing() {
        client.submitUsage(twoDevices());
        DeliveryResult again = client.submitUsage(twoDevices()).get(0);
        assertEquals(ReportStatus.DELIVERED, again.status());
        assertEquals(2, again.acknowledgements().size(), "the stored acknowledgements");
        assertTrue(again.detail().contains("nothing was sent"), again.detail());
        assertEquals(1, fake.count("/v2/devices/reportusage"));
    }

    @Test
    void aReportTheServerAlreadyHasIsDeliveredNotDead() {
        fake.uploads.add(body -> FakeSsm.failed("The usage report was already received", "DUPLICATE"));
        DeliveryResult r = client.submitUsage(twoDevices()).get(0);
        assertEquals(ReportStatus.ALREADY_RECEIVED, r.status());
        assertTrue(r.delivered());
        assertEquals(0, client.usage().counts().dead());
        assertEquals(ReportStatus.ALREADY_RECEIVED, store.state(r.reportId()).map(ReportState::status).orElseThrow());
    }

    @Test
    void anyOtherRefusalIsADeadLetterWithTheServersMessageNeverCalledPending() {
        fake.uploads.add(body -> FakeSsm.failed("Signature verification failed", "SIG_INVALID"));
        DeliveryResult r = client.submitUsage(twoDevices()).get(0);
        assertEquals(ReportStatus.DEAD, r.status());
        assertEquals("SIG_INVALID", r.server().code());
        assertEquals("SIG_INVALID", store.dead().get(0).server().code());
        UsageDeliveryException e = new UsageDeliveryException(r);
        assertTrue(e.getMessage().contains("refused by the server for good and moved to the dead letters"), e.getMessage());
        assertFalse(e.getMessage().contains("still pending"), e.getMessage());
        assertFalse(e.getMessage().contains("next sync"), e.getMessage());
        assertFalse(e.isRetryable());
    }

    @Test
    void anAcknowledgementEntryWithAnErrorIsNoDeliveryButTheOtherDevicesKeepTheirs() {
        fake.polls.add(body -> FakeSsm.complete(FakeSsm.ackOf(sudi("C8000V", "B"))
                + ",{\"sudi\":{\"udi_pid\":\"C9800-CL-K9\",\"udi_serial_number\":\"A\"},\"status\":\"FAILED\",\"error_code\":\"E42\","
                + "\"status_message\":\"unknown device\"}"));
        DeliveryResult r = client.submitUsage(twoDevices()).get(0);
        assertEquals(ReportStatus.DEAD, r.status());
        assertTrue(r.detail().contains("C9800-CL-K9:A (FAILED E42: unknown device)"), r.detail());
        assertEquals(1, client.usage().acknowledgements().size(), "the ACK that did arrive is kept for its device");
        assertEquals(new Sudi("C8000V", "B"), client.usage().acknowledgements().get(0).sudi());
    }

    @Test
    void aPollIdTheServerForgotMakesTheReportBeUploadedAgain() {
        fake.polls.add(body -> FakeSsm.json(404, "{\"status\":\"ERROR\",\"statusMessage\":\"Unknown poll id\"}"));
        fake.uploads.add(body -> FakeSsm.accepted(body, "11", 1));
        fake.uploads.add(body -> FakeSsm.accepted(body, "22", 1));
        DeliveryResult r = client.submitUsage(twoDevices()).get(0);
        assertEquals(ReportStatus.DELIVERED, r.status(), String.valueOf(r));
        assertEquals("22", r.pollId());
        assertEquals(2, fake.count("/v2/devices/reportusage"));
    }

    @Test
    void aForgottenPollIdOfAReportTheServerHasEndsAsAlreadyReceivedSayingWhy() {
        fake.polls.add(body -> FakeSsm.json(404, "{\"status\":\"ERROR\",\"statusMessage\":\"Unknown poll id\"}"));
        fake.uploads.add(body -> FakeSsm.accepted(body, "11", 1));
        fake.uploads.add(body -> FakeSsm.failed("Report already received", "DUP"));
        DeliveryResult r = client.submitUsage(twoDevices()).get(0);
        assertEquals(ReportStatus.ALREADY_RECEIVED, r.status());
        assertTrue(r.detail().contains("no longer knows poll 11"), r.detail());
    }

    @Test
    void aServerMessageWhileNotReadyIsSurfacedAndTheReportStaysPendingWithIt() {
        client.close();
        client = client(b -> b.ackTimeout(Duration.ofSeconds(30)));
        fake.defaultPoll = body -> FakeSsm.notReady("Waiting for the licensing backend", 10);
        DeliveryResult r = client.submitUsage(twoDevices()).get(0);
        assertEquals(ReportStatus.PENDING, r.status());
        assertNull(r.failure(), "awaiting the acknowledgement is no failure");
        PendingReportView stored = new PendingReportView(store.state(r.reportId()).orElseThrow());
        assertEquals("77412347487202314", stored.pollId, "the poll id is kept: the next delivery polls, it does not upload again");
        assertTrue(stored.lastError.contains("Waiting for the licensing backend (message code POLL_WARN)"), stored.lastError);
        assertNull(stored.claimOwner, "the claim is released");
        DeliveryResult next = client.deliverPending().get(0);
        assertEquals(ReportStatus.PENDING, next.status());
        assertEquals(1, fake.count("/v2/devices/reportusage"), "polling resumes with the stored poll id");
    }

    @Test
    void aHugePollIntervalIsBoundedAndReportedTruthfully() {
        fake.uploads.add(body -> FakeSsm.accepted(body, "5", 1_000_000_000));
        DeliveryResult r = client.submitUsage(twoDevices()).get(0);
        assertEquals(ReportStatus.DELIVERED, r.status());
        assertEquals(List.of(Duration.ofMinutes(5)), clock.sleeps(), "waited maxPollInterval, not 10^9 s");

        client.close();
        client = client(b -> b.ackTimeout(Duration.ofMinutes(1)));
        fake.uploads.add(body -> FakeSsm.accepted(body, "6", 1_000_000_000));
        DeliveryResult late = client.submitUsage(UsageReport.of("acme.example", "SDWAN", List.of(Rum.report("P", "S", 3)))).get(0);
        assertEquals(ReportStatus.PENDING, late.status());
        assertTrue(late.detail().contains("the server asks to poll again in 300 s, after the acknowledgement timeout of 60 s"),
                late.detail());
    }

    @Test
    void aServerThatIsDownLeavesEveryReportPendingSayingWhy() {
        client.submitUsage(twoDevices());
        fake.defaultUpload = body -> new MockResponse.Builder().code(502).addHeader("Content-Type", "text/html")
                .body("<html><body>502 Bad Gateway</body></html>").build();
        store.retry("none");
        UsageReport one = UsageReport.of("acme.example", "SDWAN", List.of(Rum.report("P", "S", 1)));
        UsageReport two = UsageReport.of("acme.example", "SDWAN", List.of(Rum.report("P", "S", 2)));
        store.add(one, "other", Duration.ofSeconds(1));
        store.add(two, "other", Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(2));
        SyncResult sync = client.sync();
        assertFalse(sync.isSuccess());
        assertEquals(2, sync.deliveries().size());
        assertTrue(sync.deliveries().get(0).failure() != null);
        assertTrue(sync.deliveries().get(1).detail().startsWith("not attempted: the server failed on another report first"),
                sync.deliveries().get(1).detail());
        assertTrue(store.pending().stream().allMatch(p -> p.claimOwner() == null), "claims released");
    }

    @Test
    void fourConcurrentSubmissionsCostAboutOneAcknowledgementWait() throws Exception {
        CountDownLatch uploaded = new CountDownLatch(4);
        fake.defaultUpload = body -> {
            uploaded.countDown();
            return FakeSsm.accepted(body, String.valueOf(1000 + uploaded.getCount()), 1);
        };
        // The server acknowledges only once all four reports were uploaded: deliveries that ran one at a time would never see it.
        fake.defaultPoll = body -> {
            try {
                return uploaded.await(30, TimeUnit.SECONDS) ? FakeSsm.complete(FakeSsm.ackOf(sudi("P", "S")))
                        : FakeSsm.failed("the four reports did not arrive together", "SERIAL");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return FakeSsm.failed("interrupted", "X");
            }
        };
        List<CompletableFuture<List<DeliveryResult>>> futures = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            futures.add(client.submitUsageAsync(UsageReport.of("acme.example", "SDWAN", List.of(Rum.report("P", "S", i)))));
        }
        for (CompletableFuture<List<DeliveryResult>> f : futures) {
            assertEquals(ReportStatus.DELIVERED, f.get(60, TimeUnit.SECONDS).get(0).status());
        }
    }

    @Test
    void aReportLargerThanAnUploadIsSplitAndEachPartAcknowledgedOnItsOwn() throws Exception {
        client.close();
        client = client(b -> b.maxUploadBytes(4096));
        List<RumReport> rum = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            rum.add(Rum.report("C9800-CL-K9", "SN" + (i % 3), i));
        }
        UsageReport big = UsageReport.of("acme.example", "SDWAN", rum);
        List<DeliveryResult> results = client.submitUsage(big);
        assertTrue(results.size() > 1, "split: " + results.size());
        assertTrue(results.stream().allMatch(DeliveryResult::delivered));
        assertEquals(results.size(), fake.count("/v2/devices/reportusage"));
        fake.of("/v2/devices/reportusage").forEach(r -> assertTrue(r.getBodySize() <= 4096, "body of " + r.getBodySize() + " bytes"));
        assertEquals(3, client.usage().acknowledgements().stream().map(Acknowledgement::sudi).distinct().count());
        assertEquals(results.stream().map(DeliveryResult::reportId).toList(),
                client.submitUsage(big).stream().map(DeliveryResult::reportId).toList(), "the same parts again, nothing sent");
        assertEquals(results.size(), fake.count("/v2/devices/reportusage"));
    }

    @Test
    void anUploadRefusedAsAlreadyReceivedIsSplitUntilTheNewReportsGoUp() throws Exception {
        java.util.Set<String> onServer = java.util.Set.of("1", "2");
        fake.defaultUpload = body -> {
            for (com.fasterxml.jackson.databind.JsonNode group : body.path("data").path("reports")) {
                for (com.fasterxml.jackson.databind.JsonNode usage : group.path("usage")) {
                    try {
                        String id = FakeSsm.JSON.readTree(usage.path("payload").asText()).path("asset_identification").path("report_id").asText();
                        if (onServer.contains(id)) {
                            return FakeSsm.failed("Report " + id + " already received", "DUP");
                        }
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            }
            return FakeSsm.accepted(body, String.valueOf(900 + fake.count("/v2/devices/reportusage")), 1);
        };
        List<RumReport> rum = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            rum.add(Rum.report("P", "S", i));
        }
        List<DeliveryResult> results = client.submitUsage(UsageReport.of("acme.example", "SDWAN", rum));
        assertEquals(ReportStatus.ALREADY_RECEIVED, results.get(0).status());
        assertTrue(results.get(0).detail().contains("split into"), results.get(0).detail());
        // [1 2 3 4] refused -> [1 2] refused, [3 4] delivered -> [1] and [2] each already received
        assertEquals(List.of(ReportStatus.ALREADY_RECEIVED, ReportStatus.ALREADY_RECEIVED, ReportStatus.DELIVERED,
                ReportStatus.ALREADY_RECEIVED, ReportStatus.ALREADY_RECEIVED), results.stream().map(DeliveryResult::status).toList(),
                String.valueOf(results));
        assertEquals(List.of("3", "4"), results.get(2).acknowledgements().get(0).rumReportIds(), "the new reports' ACK");
        assertEquals(0, client.usage().counts().pending());
        assertEquals(5, fake.count("/v2/devices/reportusage"));
    }

    @Test
    void withoutAConfiguredRequestingSystemEachUploadNamesItsFirstDevice() {
        client.submitUsage(twoDevices());
        assertEquals("{\"udi_pid\":\"C8000V\",\"udi_serial_number\":\"B\"}",
                fake.of("/v2/devices/reportusage").get(0).getHeaders().get("X-CSW-REQUESTING-SYSTEM"));
    }

    @Test
    void aSyncDeliversThePendingReportsOfEveryAccountWithTheirOwnIds() {
        client.close();
        client = client(b -> b.account(AccountSelection.of("acme.example")));
        store.add(UsageReport.of("acme.example", "Lab", List.of(Rum.report("P", "S", 1))), "node-a", Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(2));
        fake.requests.clear();
        client.sync();
        assertEquals("777", fake.of("/v2/devices/reportusage").get(0).getHeaders().get("X-CSW-VIRTUAL-ACCOUNT-ID"));
    }

    private static com.fasterxml.jackson.databind.JsonNode sudi(String pid, String serial) {
        return FakeSsm.JSON.valueToTree(java.util.Map.of("udi_pid", pid, "udi_serial_number", serial));
    }

    /** The stored pending entry's delivery state. */
    private static final class PendingReportView {
        final String pollId;
        final String lastError;
        final String claimOwner;

        PendingReportView(ReportState state) {
            this.pollId = state.pending().pollId();
            this.lastError = state.pending().lastError();
            this.claimOwner = state.pending().claimOwner();
        }
    }
}
