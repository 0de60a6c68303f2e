package io.github.ssmonprem.core.internal.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.core.Secret;
import io.github.ssmonprem.core.exception.ServerUnavailableException;
import io.github.ssmonprem.core.exception.TlsException;
import io.github.ssmonprem.core.internal.ClientMetrics;
import io.github.ssmonprem.core.testing.LogCapture;
import io.github.ssmonprem.core.http.SsmRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import java.util.List;
import org.junit.jupiter.api.Test;

class ObservationStepTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final TestObservationRegistry observations = TestObservationRegistry.create();
    private final ObservationStep step = new ObservationStep(new ClientMetrics(registry), " via proxy proxy.example:3128",
            observations);

    private double count(String status, String outcome) {
        return registry.get("ssm.client.requests").tags("operation", "accounts", "method", "GET", "status", status,
                "outcome", outcome).timer().count();
    }

    @Test
    void aSuccessIsTimedWithItsStatus() {
        Exchange exchange = Fakes.get();
        step.proceed(exchange, e -> {
            SsmResponseHolder.receive(e, 200);
            return e.response();
        });
        assertEquals(1.0, count("200", "SUCCESS"));
        TestObservationRegistryAssert.assertThat(observations).hasNumberOfObservationsWithNameEqualTo("ssm.client.request", 1)
                .hasObservationWithNameEqualTo("ssm.client.request").that().hasBeenStarted().hasBeenStopped()
                .hasContextualNameEqualTo("ssm accounts")
                .hasLowCardinalityKeyValue("operation", "accounts").hasLowCardinalityKeyValue("method", "GET")
                .hasLowCardinalityKeyValue("status", "200").hasLowCardinalityKeyValue("outcome", "SUCCESS")
                .doesNotHaveError();
    }

    @Test
    void aFailureIsTimedWithTheKindTheExceptionReports() {
        assertThrows(ServerUnavailableException.class, () -> step.proceed(Fakes.get(), e -> {
            SsmResponseHolder.receive(e, 502);
            throw Fakes.badGateway();
        }));
        assertEquals(1.0, count("502", "SERVER_ERROR"));
        TestObservationRegistryAssert.assertThat(observations).hasObservationWithNameEqualTo("ssm.client.request").that()
                .hasBeenStopped().hasLowCardinalityKeyValue("outcome", "SERVER_ERROR").hasLowCardinalityKeyValue("status", "502")
                .hasError();
    }

    @Test
    void aFailureWithNoAnswerHasStatusNone() {
        assertThrows(TlsException.class, () -> step.proceed(Fakes.get(), e -> {
            throw new TlsException(TlsException.Reason.HANDSHAKE_FAILED, "tls", "r", null, null, null, null);
        }));
        assertEquals(1.0, count("NONE", "TLS_ERROR"));
    }

    @Test
    void theDebugLineNamesTheAttemptAndTheProxyAndMasksTheToken() {
        Exchange exchange = Exchange.of(SsmRequest.get("accounts", "/observed-once").build(), "https://ssm.example:8443");
        exchange.token(Secret.of("eyJhbGciOiJSUzI1NiJ9.secret-token"));
        exchange.attempt(2, 4);
        step.proceed(exchange, e -> {
            SsmResponseHolder.receive(e, 200);
            return e.response();
        });
        List<String> lines = LogCapture.linesOf("io.github.ssmonprem.core.http.SsmHttpClient").stream()
                .filter(l -> l.contains("/observed-once")).toList();
        assertEquals(1, lines.size(), lines.toString());
        String line = lines.get(0);
        assertTrue(line.contains("GET /observed-once -> 200 SUCCESS"), line);
        assertTrue(line.contains("attempt 2/4, via proxy proxy.example:3128"), line);
        assertTrue(line.contains("Authorization: Bearer"), line);
        assertTrue(line.contains("X-Request-Id: r-1"), line);
        assertFalse(line.contains("secret-token"), line);
    }

    /** What the exchange step does with a complete answer. */
    private static final class SsmResponseHolder {
        static void receive(Exchange exchange, int status) {
            exchange.received(Fakes.answer(status, "{}", "X-Request-Id", "r-1"), true);
        }
    }
}
