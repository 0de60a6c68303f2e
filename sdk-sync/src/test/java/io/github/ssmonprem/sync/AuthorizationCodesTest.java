package io.github.ssmonprem.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.core.exception.SsmException;
import io.github.ssmonprem.sync.store.FileSyncStore;
import io.github.ssmonprem.sync.store.UsageCounts;
import io.github.ssmonprem.sync.usage.Acknowledgement;
import io.github.ssmonprem.sync.usage.AcknowledgementKind;
import io.github.ssmonprem.sync.usage.AuthorizationRequest;
import io.github.ssmonprem.sync.usage.DeliveryResult;
import io.github.ssmonprem.sync.usage.InvalidAuthorizationRequestException;
import io.github.ssmonprem.sync.usage.ReportStatus;
import io.github.ssmonprem.sync.usage.Sudi;
import io.github.ssmonprem.core.testing.TestClock;
import io.github.ssmonprem.emulator.IssuedAuthorization;
import io.github.ssmonprem.emulator.SsmEmulator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Authorization codes (HSEC, SLAC) against the emulator: requested and returned in the device's name
 * through the request-then-poll exchange, kept in the store like acknowledgements (listed, handed to
 * the listener, taken), and what a refusal, a slow server and an unreachable one make of a request.
 */
class AuthorizationCodesTest {

    private static final String HSEC = "regid.2019-03.com.cisco.DNA_HSEC,1.0_509c41ab-05a8-431f-95fe-ec28086e8844";

    @TempDir
    Path dir;

    private SsmEmulator emulator;
    private TestClock clock;
    private FileSyncStore store;
    private SsmSyncClient ssm;
    private final List<Acknowledgement> heard = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        emulator = EmulatorFixtures.emulator(TestClock.start()).acknowledgeAfter(1, Duration.ZERO).start();
        clock = emulator.testClock();
        store = new FileSyncStore(dir.resolve("state"), clock);
        ssm = client(b -> b);
    }

    @AfterEach
    void stop() {
        ssm.close();
        store.close();
        emulator.close();
    }

    private SsmSyncClient client(UnaryOperator<SsmSyncClientBuilder> custom) {
        return custom.apply(SsmSyncClient.builder().config(emulator.clientConfig().build()).grant(emulator.passwordGrant()).store(store)
                .requestingSystem(new Sudi("VMANAGE", "SN-APP")).acknowledgementListener(heard::add)).build();
    }

    private DeliveryResult request(AuthorizationRequest request) {
        return ssm.requestAuthorization(EmulatorFixtures.ACCOUNT, EmulatorFixtures.VIRTUAL_ACCOUNT, request);
    }

    @Test
    void aRequestedCodeIsKeptHandedToTheListenerAndTakenLikeAnAcknowledgement() {
        Sudi device = EmulatorFixtures.device(1);
        DeliveryResult result = request(AuthorizationRequest.of(device, "edge-1", HSEC, 2));

        assertEquals(ReportStatus.DELIVERED, result.status(), String.valueOf(result));
        assertTrue(result.reportId().matches("a[0-9a-f]{32}"), result.reportId());
        assertNull(result.detail());
        assertEquals(1, result.acknowledgements().size());
        Acknowledgement code = result.acknowledgements().get(0);
        IssuedAuthorization issued = emulator.stats().issuedAuthorizations().get(0);
        assertEquals(AcknowledgementKind.AUTHORIZATION, code.kind());
        assertEquals(issued.smartLicense(), code.smartLicense(), "the code the server issued for this device");
        assertEquals(issued.text(), code.text());
        assertTrue(code.text().contains("entitlements=\"" + HSEC + "=2\""), code.text());
        assertEquals(List.of(HSEC + "=2"), issued.entitlements());
        assertEquals("edge-1", issued.hostname());
        assertEquals(device, code.sudi());
        assertEquals(result.reportId(), code.reportId());
        assertEquals(result.reportId() + "-1", code.id());
        assertEquals(List.of(), code.rumReportIds());
        assertEquals(EmulatorFixtures.ACCOUNT, code.account());
        assertEquals(EmulatorFixtures.VIRTUAL_ACCOUNT, code.virtualAccount());
        assertEquals(issued.correlationId(), code.correlationId(), "the entry's correlation id, for support");
        assertEquals(issued.pollId(), result.pollId());
        assertEquals("{\"udi_pid\":\"C8000V\",\"udi_serial_number\":\"SN-1\"}", emulator.stats().lastRequestingSystem(),
                "asked in the device's name, not the application's");

        assertEquals(List.of(code), heard, "the listener heard it once it was kept");
        assertEquals(List.of(code), ssm.usage().acknowledgements());
        assertEquals(new UsageCounts(0, 0, 1), ssm.usage().counts());
        assertEquals(java.util.Optional.empty(), store.state(result.reportId()), "no usage report was stored for it");
        ssm.close();
        store.close();

        store = new FileSyncStore(dir.resolve("state"), clock);
        ssm = client(b -> b);
        assertEquals(List.of(code), ssm.usage().acknowledgements(), "kept durably");
        assertTrue(ssm.usage().take(code.id()));
        assertEquals(List.of(), ssm.usage().acknowledgements());

        DeliveryResult again = request(AuthorizationRequest.of(device, "edge-1", HSEC, 2));
        assertEquals(ReportStatus.DELIVERED, again.status());
        assertNotEquals(result.reportId(), again.reportId(), "a new request is a new id");
        assertEquals(2, emulator.stats().authorizationRequests());
    }

    @Test
    void aReturnedCodeIsConfirmed() {
        Sudi device = EmulatorFixtures.device(2);
        DeliveryResult result = request(AuthorizationRequest.returnOf(device, "edge-2", "RC-4711"));

        assertEquals(ReportStatus.DELIVERED, result.status(), String.valueOf(result));
        Acknowledgement confirmation = result.acknowledgements().get(0);
        assertEquals(AcknowledgementKind.RETURN, confirmation.kind());
        IssuedAuthorization issued = emulator.stats().issuedAuthorizations().get(0);
        assertTrue(issued.isReturn());
        assertEquals("RC-4711", issued.removeCode());
        assertEquals(List.of(), issued.entitlements(), "a return sends no keys");
        assertEquals(issued.text(), confirmation.text());
        assertEquals(List.of(confirmation), ssm.usage().acknowledgements());
        assertEquals(List.of(confirmation), heard);
    }

    @Test
    void anErrorEntryMakesTheRequestDeadWithTheServersMessageAndKeepsNothing() {
        Sudi device = EmulatorFixtures.device(3);
        emulator.faults().errorEntryFor(EmulatorFixtures.deviceId(device), "FAILED", "SLAC_NO_LICENSE", "No HSEC license is available in the virtual account");
        DeliveryResult result = request(AuthorizationRequest.of(device, "edge-3", HSEC));

        assertEquals(ReportStatus.DEAD, result.status(), String.valueOf(result));
        assertEquals("FAILED", result.server().status());
        assertEquals("SLAC_NO_LICENSE", result.server().code());
        assertEquals("No HSEC license is available in the virtual account", result.server().message());
        assertNotNull(result.server().correlationId());
        assertTrue(result.detail().contains("No HSEC license is available"), result.detail());
        assertEquals(List.of(), result.acknowledgements());
        assertEquals(List.of(), ssm.usage().acknowledgements());
        assertEquals(List.of(), heard);
        assertNull(result.failure());
    }

    @Test
    void noCodeWithinTheAcknowledgementTimeoutLeavesTheRequestToMakeAgain() {
        emulator.acknowledgeAfter(Integer.MAX_VALUE, Duration.ZERO);
        ssm.close();
        ssm = client(b -> b.ackTimeout(Duration.ofSeconds(30)));
        emulator.faults().okPollWithMessageNext(1, "Authorization request is being processed", "AUTH_PENDING");
        DeliveryResult result = request(AuthorizationRequest.of(EmulatorFixtures.device(4), "edge-4", HSEC));

        assertEquals(ReportStatus.PENDING, result.status(), String.valueOf(result));
        assertNull(result.failure(), "the server answered; the code did not come in time");
        assertNotNull(result.pollId());
        assertTrue(result.detail().contains("no code after") && result.detail().contains("request it again"), result.detail());
        assertTrue(result.detail().contains("Authorization request is being processed"), "the server's message is surfaced: "
                + result.detail());
        assertTrue(emulator.stats().polls() >= 2, "polled until the timeout, as the server asks: " + emulator.stats().polls());
        assertEquals(List.of(), ssm.usage().acknowledgements());
        assertEquals(List.of(), heard);
    }

    @Test
    void anUnreachableServerLeavesTheRequestToMakeAgainWithWhy() {
        emulator.faults().backendDownOn("/backend/api/v2/devices/authrequest", 100);
        DeliveryResult result = request(AuthorizationRequest.of(EmulatorFixtures.device(5), "edge-5", HSEC));

        assertEquals(ReportStatus.PENDING, result.status(), String.valueOf(result));
        assertInstanceOf(SsmException.class, result.failure());
        assertTrue(result.detail().contains("request it again"), result.detail());
        assertTrue(emulator.stats().requests("authrequest") > 0, "it was tried");
        assertEquals(0, emulator.stats().authorizationRequests());
        assertEquals(List.of(), ssm.usage().acknowledgements());
    }

    @Test
    void aRequestWithoutAnAccountOrDeviceIsRefusedBeforeAnythingIsSent() {
        assertThrows(InvalidAuthorizationRequestException.class,
                () -> ssm.requestAuthorization(" ", EmulatorFixtures.VIRTUAL_ACCOUNT, AuthorizationRequest.of(EmulatorFixtures.device(1),
                        "edge-1", HSEC)));
        assertThrows(InvalidAuthorizationRequestException.class, () -> AuthorizationRequest.of(null, "edge-1", HSEC));
        assertThrows(InvalidAuthorizationRequestException.class, () -> AuthorizationRequest.of(EmulatorFixtures.device(1), "edge-1", HSEC, 0));
        assertThrows(InvalidAuthorizationRequestException.class, () -> AuthorizationRequest.of(EmulatorFixtures.device(1), "edge\n1", HSEC));
        assertThrows(InvalidAuthorizationRequestException.class, () -> AuthorizationRequest.returnOf(EmulatorFixtures.device(1), "edge-1", ""));
        assertThrows(AccountNotFoundException.class, () -> ssm.requestAuthorization("other.example", "VA1",
                AuthorizationRequest.of(EmulatorFixtures.device(1), "edge-1", HSEC)));
        assertEquals(0, emulator.stats().authorizationRequests());
        assertEquals(0, emulator.stats().requests("authrequest"));
    }
}
