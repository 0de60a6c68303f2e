package io.github.ssmonprem.sync.usage;

import io.github.ssmonprem.sync.SsmSyncClientBuilder;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ssmonprem.core.Secret;
import io.github.ssmonprem.core.SsmClientConfig;
import io.github.ssmonprem.core.exception.MalformedResponseException;
import io.github.ssmonprem.core.exception.ResourceNotFoundException;
import io.github.ssmonprem.core.http.AccessTokenSource;
import io.github.ssmonprem.core.http.SsmHttpClient;
import io.github.ssmonprem.core.testing.TestClock;
import io.github.ssmonprem.sync.AccountNotFoundException;
import io.github.ssmonprem.sync.SsmSyncClient;
import io.github.ssmonprem.sync.internal.usage.UsageProtocol;
import io.github.ssmonprem.sync.internal.usage.UsageProtocol.AccountIds;
import io.github.ssmonprem.sync.internal.usage.UsageProtocol.Poll;
import io.github.ssmonprem.sync.internal.usage.UsageProtocol.PollStatus;
import io.github.ssmonprem.sync.internal.usage.UsageProtocol.Upload;
import io.github.ssmonprem.sync.internal.usage.UsageProtocol.UploadStatus;
import java.time.Duration;
import java.util.List;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The usage routes on the wire, byte for byte as PROTOCOL.md writes them, and their answers read tolerantly. */
class UsageProtocolTest {

    private final FakeSsm fake = new FakeSsm();
    private MockWebServer server;
    private SsmHttpClient http;
    private UsageProtocol protocol;

    private static final AccessTokenSource TOKEN = new AccessTokenSource() {
        @Override
        public Secret accessToken() {
            return Secret.of("at-1");
        }

        @Override
        public void invalidate(Secret rejected) {
        }
    };

    @BeforeEach
    void start() throws Exception {
        server = FakeSsm.start(fake);
        TestClock clock = TestClock.start();
        http = SsmHttpClient.create(SsmClientConfig.builder().baseUrl(server.url("/").toString()).allowPlainHttp(true).noProxy()
                .clock(clock).sleeper(clock).build());
        protocol = new UsageProtocol(http, TOKEN, new Sudi("VMANAGE-CLUSTER", "SN-0001"), SsmSyncClientBuilder.DEFAULT_ALREADY_RECEIVED);
    }

    @AfterEach
    void stop() throws Exception {
        http.close();
        server.close();
    }

    private static UsageReport report() {
        return UsageReport.of("acme.example", "SDWAN", List.of(Rum.report("C9800-CL-K9", "A", 1), Rum.report("C9800-CL-K9", "A", 2),
                Rum.report("C8000V", "B", 9)));
    }

    @Test
    void resolvesTheNumericIdsOnceByDomainAndName() {
        assertEquals(new AccountIds("123456", "654321"), protocol.ids("ACME.example", "SDWAN"));
        assertEquals(new AccountIds("123456", "777"), protocol.ids("acme.example", "Lab"));
        assertEquals(1, fake.count("/v2/accounts/search"), "cached after the first search");
    }

    @Test
    void anUnknownAccountOrVirtualAccountListsWhatTheGrantSees() {
        AccountNotFoundException va = assertThrows(AccountNotFoundException.class, () -> protocol.ids("acme.example", "Branch"));
        assertTrue(va.getMessage().contains("has no virtual account 'Branch' that the API Toolkit grant sees (it sees SDWAN, Lab)"),
                va.getMessage());
        AccountNotFoundException account = assertThrows(AccountNotFoundException.class, () -> protocol.ids("other.example", "SDWAN"));
        assertTrue(account.getMessage().contains("sees no smart account 'other.example'") && account.getMessage().contains("acme.example"),
                account.getMessage());
    }

    @Test
    void uploadsTheReportsGroupedByDeviceWithPayloadsUnchangedAndTheNumericIdHeaders() throws Exception {
        UsageReport report = report();
        Upload answer = protocol.upload(report, protocol.ids("acme.example", "SDWAN"), null);
        assertEquals(UploadStatus.ACCEPTED, answer.status());
        assertEquals("77412347487202314", answer.pollId(), "a poll id above 2^53 keeps every digit");
        assertEquals(Duration.ofSeconds(1), answer.pollInterval());

        RecordedRequest upload = fake.of("/v2/devices/reportusage").get(0);
        assertEquals("123456", upload.getHeaders().get("X-CSW-SMART-ACCOUNT-ID"));
        assertEquals("654321", upload.getHeaders().get("X-CSW-VIRTUAL-ACCOUNT-ID"));
        assertEquals("{\"udi_pid\":\"VMANAGE-CLUSTER\",\"udi_serial_number\":\"SN-0001\"}", upload.getHeaders().get("X-CSW-REQUESTING-SYSTEM"));
        assertTrue(upload.getHeaders().get("Content-Type").startsWith("application/json"));
        assertEquals("Bearer at-1", upload.getHeaders().get("Authorization"));
        JsonNode body = FakeSsm.JSON.readTree(upload.getBody().utf8());
        JsonNode data = body.path("data");
        assertEquals(List.of("data"), iterable(body.fieldNames()));
        assertEquals(List.of("timestamp", "nonce", "reports"), iterable(data.fieldNames()));
        assertTrue(data.path("timestamp").isIntegralNumber(), "epoch milliseconds as a number");
        assertEquals(answer.nonce(), data.path("nonce").asText());
        assertEquals(2, data.path("reports").size(), "one group per device");
        JsonNode first = data.path("reports").get(0);
        assertEquals(List.of("sudi", "usage"), iterable(first.fieldNames()));
        assertEquals("C8000V", first.path("sudi").path("udi_pid").asText());
        JsonNode second = data.path("reports").get(1);
        assertEquals(2, second.path("usage").size());
        assertEquals(Rum.payload("C9800-CL-K9", "A", 1), second.path("usage").get(0).path("payload").asText(),
                "the payload arrives byte for byte, its spacing and escapes included");
        assertTrue(second.path("usage").get(0).path("payload").isTextual());
        assertEquals(FakeSsm.JSON.readTree(Rum.signature("C9800-CL-K9", "A")), second.path("usage").get(0).path("signature"));
    }

    @Test
    void pollsWithThePollIdAsTheSameJsonNumber() throws Exception {
        AccountIds ids = protocol.ids("acme.example", "SDWAN");
        Upload upload = protocol.upload(report(), ids, null);
        fake.polls.add(body -> FakeSsm.notReady("Report is being processed", 300));
        Poll poll = protocol.poll(ids, new Sudi("C8000V", "B"), upload.pollId(), upload.nonce(), null);
        assertEquals(PollStatus.NOT_READY, poll.status());
        assertEquals(Duration.ofSeconds(300), poll.pollInterval());
        assertEquals("Report is being processed", poll.server().message());
        String raw = fake.of("/v2/accounts/poll").get(0).getBody().utf8();
        assertTrue(raw.contains("\"poll_id\":77412347487202314"), raw);
        JsonNode data = FakeSsm.JSON.readTree(raw).path("data");
        assertEquals(List.of("timestamp", "nonce", "poll_id", "action"), iterable(data.fieldNames()));
        assertEquals("acknowledgements", data.path("action").asText());
        assertEquals(upload.nonce(), data.path("nonce").asText());
    }

    @Test
    void readsThePollIdUnderDataOrAsDigitsAnd200() {
        AccountIds ids = protocol.ids("acme.example", "SDWAN");
        fake.uploads.add(body -> FakeSsm.json(200, "{\"status\":\"OK_POLL\",\"data\":{\"poll_id\":9223372036854775807}}"));
        assertEquals("9223372036854775807", protocol.upload(report(), ids, null).pollId());
        fake.uploads.add(body -> FakeSsm.json(202, "{\"status\":\"OK_POLL\",\"poll_id\":\"18446744073709551615\"}"));
        assertEquals("18446744073709551615", protocol.upload(report(), ids, null).pollId());
        fake.uploads.add(body -> FakeSsm.json(202, "{\"status\":\"OK_POLL\",\"poll_id\":7.7e16}"));
        assertThrows(MalformedResponseException.class, () -> protocol.upload(report(), ids, null), "a poll id through a double is refused");
    }

    @Test
    void anAnswerForAnotherNonceIsRefused() {
        AccountIds ids = protocol.ids("acme.example", "SDWAN");
        fake.uploads.add(body -> FakeSsm.json(202, "{\"status\":\"OK_POLL\",\"nonce\":\"someone-else\",\"poll_id\":1}"));
        MalformedResponseException e = assertThrows(MalformedResponseException.class, () -> protocol.upload(report(), ids, null));
        assertTrue(e.getMessage().contains("answers nonce 'someone-else'"), e.getMessage());
    }

    @Test
    void tellsADuplicateFromOtherRefusalsInA200OrA4xx() {
        AccountIds ids = protocol.ids("acme.example", "SDWAN");
        fake.uploads.add(body -> FakeSsm.failed("Usage report has already been received", "DUPLICATE_REPORT"));
        assertEquals(UploadStatus.ALREADY_RECEIVED, protocol.upload(report(), ids, null).status());
        fake.uploads.add(body -> FakeSsm.json(400, "{\"status\":\"FAILED\",\"message\":\"Report already received\",\"message_code\":\"X1\"}"));
        assertEquals(UploadStatus.ALREADY_RECEIVED, protocol.upload(report(), ids, null).status());
        fake.uploads.add(body -> FakeSsm.failed("Signature verification failed", "SIG_INVALID"));
        Upload refused = protocol.upload(report(), ids, null);
        assertEquals(UploadStatus.REFUSED, refused.status());
        assertEquals("SIG_INVALID", refused.server().code());
        assertEquals("Signature verification failed", refused.server().message());
    }

    @Test
    void anUnknownPollIdIsToldFromAWrongRoute() {
        AccountIds ids = protocol.ids("acme.example", "SDWAN");
        fake.polls.add(body -> FakeSsm.json(404, "{\"status\":\"ERROR\",\"statusMessage\":\"Unknown poll id\"}"));
        assertEquals(PollStatus.UNKNOWN_POLL, protocol.poll(ids, new Sudi("P", "S"), "1", "n", null).status());
        fake.polls.add(body -> FakeSsm.json(400, "{\"status\":\"FAILED\",\"message\":\"invalid poll_id\",\"message_code\":\"BAD\"}"));
        assertEquals(PollStatus.UNKNOWN_POLL, protocol.poll(ids, new Sudi("P", "S"), "1", "n", null).status());
        fake.polls.add(body -> new mockwebserver3.MockResponse.Builder().code(404).addHeader("Content-Type", "text/html")
                .body("<html><body>404 Not Found</body></html>").build());
        assertThrows(ResourceNotFoundException.class, () -> protocol.poll(ids, new Sudi("P", "S"), "1", "n", null));
    }

    @Test
    void readsTheAcknowledgementsOfACompleteAnswerPerDevice() {
        AccountIds ids = protocol.ids("acme.example", "SDWAN");
        fake.polls.add(body -> FakeSsm.complete(FakeSsm.ackOf(FakeSsm.JSON.valueToTree(java.util.Map.of("udi_pid", "C8000V",
                "udi_serial_number", "B"))) + ",{\"sudi\":{\"udi_pid\":\"C9800-CL-K9\",\"udi_serial_number\":\"A\"},\"status\":\"FAILED\","
                + "\"status_message\":\"signature invalid\"}"));
        Poll poll = protocol.poll(ids, new Sudi("C8000V", "B"), "5", "n", null);
        assertEquals(PollStatus.COMPLETE, poll.status());
        assertEquals("corr-1", poll.server().correlationId());
        assertEquals(2, poll.acknowledgements().size());
        assertEquals(new Sudi("C8000V", "B"), poll.acknowledgements().get(0).sudi());
        assertEquals(null, poll.acknowledgements().get(0).error());
        assertTrue(poll.acknowledgements().get(1).error().contains("signature invalid"));
        assertFalse(poll.acknowledgements().get(0).smartLicense().isBlank());
    }

    private static final Sudi EDGE = new Sudi("C8300-1N1S-6T", "FDO2601X1AB");
    private static final String HSEC = "regid.2019-03.com.cisco.DNA_HSEC,1.0_509c41ab-05a8-431f-95fe-ec28086e8844";

    @Test
    void requestsACodeInTheDevicesNameWithTheCountAsADecimalString() throws Exception {
        AccountIds ids = protocol.ids("acme.example", "SDWAN");
        Upload answer = protocol.authorize(ids, AuthorizationRequest.of(EDGE, "edge-17", HSEC, 2), "nonce-1", null);
        assertEquals(UploadStatus.ACCEPTED, answer.status());
        assertEquals("88412347487202315", answer.pollId());
        assertEquals(Duration.ofSeconds(300), answer.pollInterval());
        assertEquals("nonce-1", answer.nonce());

        RecordedRequest request = fake.of("/v2/devices/authrequest").get(0);
        assertEquals("123456", request.getHeaders().get("X-CSW-SMART-ACCOUNT-ID"));
        assertEquals("654321", request.getHeaders().get("X-CSW-VIRTUAL-ACCOUNT-ID"));
        assertEquals("{\"udi_pid\":\"C8300-1N1S-6T\",\"udi_serial_number\":\"FDO2601X1AB\"}",
                request.getHeaders().get("X-CSW-REQUESTING-SYSTEM"), "the requesting system is the device, not the configured one");
        assertTrue(request.getHeaders().get("Content-Type").startsWith("application/json"));
        assertEquals("Bearer at-1", request.getHeaders().get("Authorization"));
        String raw = request.getBody().utf8();
        assertTrue(raw.matches("\\{\"data\":\\{\"timestamp\":[0-9]+,\"nonce\":\"nonce-1\",\"licenses\":\\[\\{\"sudi\":\\{\"udi_pid\":"
                + "\"C8300-1N1S-6T\",\"udi_serial_number\":\"FDO2601X1AB\"\\},\"hostname\":\"edge-17\",\"keys\":\\[\\{\"entitlement\":\""
                + java.util.regex.Pattern.quote(HSEC) + "\",\"count\":\"2\"\\}\\]\\}\\]\\}\\}"), raw);
    }

    @Test
    void returnsACodeWithNoKeysAndItsRemoveCode() throws Exception {
        AccountIds ids = protocol.ids("acme.example", "SDWAN");
        protocol.authorize(ids, AuthorizationRequest.returnOf(EDGE, "edge-17", "  UDI_PID:C8300;RC:4711  "), "nonce-2", null);
        JsonNode license = FakeSsm.JSON.readTree(fake.of("/v2/devices/authrequest").get(0).getBody().utf8()).path("data")
                .path("licenses").get(0);
        assertEquals(List.of("sudi", "hostname", "keys", "remove_code"), iterable(license.fieldNames()));
        assertTrue(license.path("keys").isArray() && license.path("keys").isEmpty());
        assertEquals("UDI_PID:C8300;RC:4711", license.path("remove_code").asText());
    }

    @Test
    void aRefusedRequestIsRefusedWhateverItsMessageSays() {
        AccountIds ids = protocol.ids("acme.example", "SDWAN");
        fake.authorizations.add(body -> FakeSsm.failed("The device already has an authorization code", "AUTH_EXISTS"));
        Upload refused = protocol.authorize(ids, AuthorizationRequest.of(EDGE, "edge-17", HSEC), "n", null);
        assertEquals(UploadStatus.REFUSED, refused.status(), "no duplicate upload here");
        assertEquals("AUTH_EXISTS", refused.server().code());
    }

    @Test
    void pollsForAuthorizationsInTheDevicesNameAndReadsNoneAsNoError() throws Exception {
        AccountIds ids = protocol.ids("acme.example", "SDWAN");
        fake.polls.add(body -> FakeSsm.json(200, "{\"status\":\"COMPLETE\",\"type\":\"authorizations\",\"correlation_id\":\"corr-a\","
                + "\"data\":{\"authorizations\":[{\"product_instance_identifier\":\"b7f1\",\"sudi\":{\"udi_pid\":\"C8300-1N1S-6T\","
                + "\"udi_serial_number\":\"FDO2601X1AB\"},\"smart_license\":\"Q09ERQ==\",\"auth_status\":[],\"error_code\":\"None\","
                + "\"status\":\"SUCCESS\",\"status_message\":\"None\",\"correlation_id\":\"entry-1\"},{\"sudi\":{\"udi_pid\":\"C8000V\","
                + "\"udi_serial_number\":\"B\"},\"smart_license\":null,\"error_code\":\"SLAC_NO_LICENSE\",\"status\":\"FAILED\","
                + "\"status_message\":\"No HSEC license in the virtual account\",\"correlation_id\":\"entry-2\"}]}}"));
        Poll poll = protocol.poll(UsageProtocol.Action.AUTHORIZATIONS, ids, EDGE, "88412347487202315", "nonce-1", null);
        assertEquals(PollStatus.COMPLETE, poll.status());
        assertEquals(2, poll.acknowledgements().size());
        UsageProtocol.AckEntry code = poll.acknowledgements().get(0);
        assertEquals(null, code.error(), "\"None\" is no error");
        assertEquals("Q09ERQ==", code.smartLicense());
        assertEquals(new ServerMessage("SUCCESS", null, null, "entry-1"), code.said());
        UsageProtocol.AckEntry refused = poll.acknowledgements().get(1);
        assertTrue(refused.error().contains("SLAC_NO_LICENSE") && refused.error().contains("No HSEC license"), refused.error());
        assertEquals(new ServerMessage("FAILED", "SLAC_NO_LICENSE", "No HSEC license in the virtual account", "entry-2"), refused.said());

        RecordedRequest request = fake.of("/v2/accounts/poll").get(0);
        assertEquals("{\"udi_pid\":\"C8300-1N1S-6T\",\"udi_serial_number\":\"FDO2601X1AB\"}",
                request.getHeaders().get("X-CSW-REQUESTING-SYSTEM"));
        String raw = request.getBody().utf8();
        assertTrue(raw.contains("\"poll_id\":88412347487202315,\"action\":\"authorizations\""), raw);
        fake.polls.add(body -> FakeSsm.json(200, "{\"status\":\"COMPLETE\",\"data\":{\"acknowledgements\":[]}}"));
        assertThrows(MalformedResponseException.class,
                () -> protocol.poll(UsageProtocol.Action.AUTHORIZATIONS, ids, EDGE, "1", "n", null), "an answer of the other action");
    }

    private static List<String> iterable(java.util.Iterator<String> names) {
        List<String> out = new java.util.ArrayList<>();
        names.forEachRemaining(out::add);
        return out;
    }
}
