package io.github.ssmonprem.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.ssmonprem.auth.OAuthTokenProvider;
import io.github.ssmonprem.emulator.RumReportFixture;
import io.github.ssmonprem.emulator.SsmEmulator;
import io.github.ssmonprem.sync.store.DeadLetter;
import io.github.ssmonprem.sync.store.DeliveredReport;
import io.github.ssmonprem.sync.store.PendingReport;
import io.github.ssmonprem.sync.store.SyncStore;
import io.github.ssmonprem.sync.usage.Acknowledgement;
import io.github.ssmonprem.sync.usage.AcknowledgementKind;
import io.github.ssmonprem.sync.usage.ReportStatus;
import io.github.ssmonprem.sync.usage.RumReport;
import io.github.ssmonprem.sync.usage.ServerMessage;
import io.github.ssmonprem.sync.usage.UsageReport;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A Boot web application (a real servlet container) with actuator against the emulator over HTTPS, its
 * CA given as a plain file path: health, the endpoint, the meters, and no secret in /actuator/env or
 * /actuator/configprops even with values shown.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "management.endpoints.web.exposure.include=health,ssm,env,configprops,metrics",
        "management.endpoint.health.show-details=always",
        "management.endpoint.env.show-values=always",
        "management.endpoint.configprops.show-values=always",
        "ssm.onprem.retries=1",
        "ssm.onprem.scheduler.initial-delay=1h",
        "ssm.onprem.accounts[0].domain=" + SsmEmulator.DEMO_ACCOUNT,
        "ssm.onprem.client-id=" + SsmEmulator.DEMO_CLIENT_ID,
        "ssm.onprem.client-secret=" + SsmEmulator.DEMO_CLIENT_SECRET,
        "ssm.onprem.username=" + SsmEmulator.DEMO_USER,
        "ssm.onprem.password=" + SsmEmulator.DEMO_PASSWORD,
        "ssm.onprem.proxy.url=http://proxy.example.test:3128",
        "ssm.onprem.proxy.username=proxy-user",
        "ssm.onprem.proxy.password=proxy-pass-value",
        "ssm.onprem.proxy.non-proxy-hosts=127.0.0.1"})
class SsmActuatorWebTest {

    private static final SsmEmulator EMULATOR = SsmEmulator.builder().https().start();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path dir;

    @DynamicPropertySource
    static void emulator(DynamicPropertyRegistry registry) throws IOException {
        dir = Files.createTempDirectory("ssm-boot-test");
        Path ca = Files.writeString(dir.resolve("ca.pem"), EMULATOR.caPem(), StandardCharsets.US_ASCII);
        registry.add("ssm.onprem.url", () -> EMULATOR.url().toString());
        // A plain path, as an operator writes it: a file, even in a servlet application.
        registry.add("ssm.onprem.ca-cert", ca::toString);
        registry.add("ssm.onprem.store.state-dir", () -> dir.resolve("state").toString());
    }

    @AfterAll
    static void stop() {
        EMULATOR.close();
    }

    @Autowired
    Environment environment;

    @Autowired
    SyncStore store;

    @Autowired
    OAuthTokenProvider tokens;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> call(String method, String path) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + environment.getProperty("local.server.port") + path);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).header("Accept", "application/json");
        b = "POST".equals(method) ? b.POST(HttpRequest.BodyPublishers.noBody()) : b.GET();
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode json(HttpResponse<String> response, int status) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return JSON.readTree(response.body());
    }

    @Test
    void healthEndpointAndMetersFollowTheSyncs() throws Exception {
        JsonNode health = json(call("GET", "/actuator/health/ssm"), 200);
        assertThat(health.path("status").asText()).isEqualTo("UP");
        assertThat(health.path("details").path("lastAttempt").asText()).isEqualTo("none yet");

        JsonNode sync = json(call("POST", "/actuator/ssm/sync"), 200);
        assertThat(sync.path("success").asBoolean()).as(sync.toString()).isTrue();
        assertThat(sync.path("licensesPulled").asLong()).isPositive();
        int tokenRequests = EMULATOR.stats().tokenRequests();
        tokens.accessToken();
        assertThat(EMULATOR.stats().tokenRequests()).as("the OAuthTokenProvider bean holds the sync's token")
                .isEqualTo(tokenRequests);

        JsonNode status = json(call("GET", "/actuator/ssm"), 200);
        assertThat(status.path("status").asText()).isEqualTo("UP");
        assertThat(status.path("lastAttemptSucceeded").asBoolean()).isTrue();
        assertThat(status.path("scheduler").asText()).isEqualTo("scheduled");
        assertThat(status.path("pending").asInt()).isZero();

        EMULATOR.faults().backendDown(true);
        try {
            JsonNode failed = json(call("POST", "/actuator/ssm/sync"), 200);
            assertThat(failed.path("success").asBoolean()).isFalse();
            assertThat(failed.path("remediation").asText()).isNotBlank();
            JsonNode down = json(call("GET", "/actuator/health/ssm"), 200);
            assertThat(down.path("status").asText()).as("SSM On-Prem down degrades, it does not take the app down")
                    .isEqualTo("DEGRADED");
            assertThat(json(call("GET", "/actuator/health"), 200).path("status").asText()).isEqualTo("DEGRADED");
            assertThat(json(call("GET", "/actuator/ssm"), 200).path("status").asText()).isEqualTo("DEGRADED");
            assertThat(down.path("details").path("errorType").asText()).isEqualTo(failed.path("errorType").asText());
            assertThat(down.path("details").path("remediation").asText()).isNotBlank();
            assertThat(down.path("details").path("lastSuccess").asText()).isEqualTo(sync.path("finishedAt").asText());
        } finally {
            EMULATOR.faults().clear();
        }
        assertThat(json(call("POST", "/actuator/ssm/sync"), 200).path("success").asBoolean()).isTrue();
        assertThat(json(call("GET", "/actuator/health/ssm"), 200).path("status").asText()).isEqualTo("UP");
        assertThat(call("POST", "/actuator/ssm/other").statusCode()).isEqualTo(400);

        JsonNode meters = json(call("GET", "/actuator/metrics"), 200);
        assertThat(meters.path("names").toString()).contains("ssm.sync.last.success").contains("ssm.auth.token.requests");
        JsonNode lastSuccess = json(call("GET", "/actuator/metrics/ssm.sync.last.success"), 200);
        assertThat(lastSuccess.path("measurements").get(0).path("value").asDouble()).isPositive();
    }

    private static UsageReport report(String serial) {
        Instant now = Instant.now();
        RumReportFixture rum = RumReportFixture.builder().device("C8000V", serial).count(1, now.minusSeconds(3600), now).build();
        return UsageReport.of(SsmEmulator.DEMO_ACCOUNT, "VA1", List.of(RumReport.of(rum.payload(), rum.signature())));
    }

    /** A report the server refused for good, as delivery leaves it; its id. */
    private String deadLetter(String serial) {
        UsageReport report = report(serial);
        if (store.state(report.reportId()).isEmpty()) {
            assertThat(store.add(report, "boot-test", Duration.ofMinutes(1))).isEmpty();
        }
        PendingReport pending = store.claim(report.reportId(), "boot-test", Duration.ofMinutes(1)).orElseThrow();
        assertThat(store.refuse(new DeadLetter(pending, 400, new ServerMessage("FAILED", "INVALID_USAGE", "unknown entitlement tag", null),
                Instant.now(), List.of()), "boot-test")).isTrue();
        return report.reportId();
    }

    @Test
    void deadLettersAreListedCountedRetriedAndDiscarded() throws Exception {
        String id = deadLetter("DEAD1");
        JsonNode health = json(call("GET", "/actuator/health/ssm"), 200);
        assertThat(health.path("details").path("dead").asInt()).isEqualTo(1);
        assertThat(health.path("details").path("quarantined").asInt()).isZero();
        JsonNode status = json(call("GET", "/actuator/ssm"), 200);
        assertThat(status.path("dead").asInt()).isEqualTo(1);
        assertThat(status.path("deadLetters").get(0).path("id").asText()).isEqualTo(id);
        assertThat(status.path("deadLetters").get(0).path("httpStatus").asInt()).isEqualTo(400);
        assertThat(status.path("deadLetters").get(0).path("code").asText()).isEqualTo("INVALID_USAGE");

        JsonNode retried = json(call("POST", "/actuator/ssm/usage/" + id + "/retry"), 200);
        assertThat(retried.path("pending").asBoolean()).isTrue();
        assertThat(store.dead()).isEmpty();
        assertThat(store.pending()).extracting(PendingReport::reportId).contains(id);
        json(call("POST", "/actuator/ssm/usage/" + id + "/retry"), 404);

        deadLetter("DEAD1");
        JsonNode discarded = json(call("POST", "/actuator/ssm/usage/" + id + "/discard"), 200);
        assertThat(discarded.path("discarded").asBoolean()).isTrue();
        assertThat(store.dead()).isEmpty();
        assertThat(store.pending()).extracting(PendingReport::reportId).doesNotContain(id);

        JsonNode unknown = json(call("POST", "/actuator/ssm/usage/no-such-report/discard"), 404);
        assertThat(unknown.path("remediation").asText()).contains("GET /actuator/ssm");
        assertThat(call("POST", "/actuator/ssm/usage/" + id + "/resend").statusCode()).isEqualTo(400);
        assertThat(call("POST", "/actuator/ssm/other/" + id + "/retry").statusCode()).isEqualTo(400);
    }

    @Test
    void acknowledgementsNotTakenAreListedAndTakenThroughTheEndpoint() throws Exception {
        UsageReport report = report("ACK1");
        store.add(report, "boot-test", Duration.ofMinutes(1));
        Acknowledgement ack = new Acknowledgement(report.reportId() + "-1", AcknowledgementKind.USAGE, report.reportId(), report.account(), report.virtualAccount(),
                report.devices().get(0), "C8000V", List.of("1"), "QUNL", "corr-1", Instant.now());
        assertThat(store.acknowledge(new DeliveredReport(report.reportId(), ReportStatus.DELIVERED, Instant.now(), "77",
                new ServerMessage("COMPLETE", null, null, "corr-1"), List.of(ack)))).isTrue();
        JsonNode status = json(call("GET", "/actuator/ssm"), 200);
        assertThat(status.path("acknowledgements").get(0).path("id").asText()).isEqualTo(ack.id());
        assertThat(status.path("acknowledgements").get(0).path("device").asText()).isEqualTo("C8000V:ACK1");
        assertThat(status.path("acknowledgements").get(0).path("kind").asText()).isEqualTo("usage");
        assertThat(json(call("GET", "/actuator/health/ssm"), 200).path("details").path("acknowledgements").asInt()).isEqualTo(1);
        JsonNode taken = json(call("POST", "/actuator/ssm/acknowledgement/" + ack.id() + "/take"), 200);
        assertThat(taken.path("taken").asBoolean()).isTrue();
        assertThat(store.acknowledgements()).isEmpty();
        json(call("POST", "/actuator/ssm/acknowledgement/" + ack.id() + "/take"), 404);
    }

    @Test
    void envAndConfigpropsNeverShowTheSecrets() throws Exception {
        for (String path : new String[] {"/actuator/env", "/actuator/configprops"}) {
            String body = json(call("GET", path), 200).toString();
            assertThat(body).as(path).contains("ssm.onprem").contains(SsmEmulator.DEMO_CLIENT_ID)
                    .doesNotContain(SsmEmulator.DEMO_CLIENT_SECRET).doesNotContain(SsmEmulator.DEMO_PASSWORD)
                    .doesNotContain("proxy-pass-value");
        }
        for (String path : new String[] {"/actuator/health", "/actuator/ssm", "/actuator/metrics"}) {
            String body = call("GET", path).body();
            assertThat(body).as(path).doesNotContain(SsmEmulator.DEMO_CLIENT_SECRET)
                    .doesNotContain(SsmEmulator.DEMO_PASSWORD).doesNotContain("proxy-pass-value");
        }
    }

    /** The application: nothing but Boot's auto-configuration. */
    @SpringBootApplication
    static class App {
    }
}
