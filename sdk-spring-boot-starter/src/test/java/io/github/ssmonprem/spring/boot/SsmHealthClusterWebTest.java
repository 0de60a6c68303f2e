package io.github.ssmonprem.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.ssmonprem.emulator.SsmEmulator;
import io.github.ssmonprem.spring.boot.internal.SsmHealthStatusOrder;
import io.github.ssmonprem.sync.SsmSyncClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * Two nodes of one web application (two contexts, each in a real servlet container) on one shared
 * state directory, while SSM On-Prem is down: neither node's {@code /actuator/health} turns 503, the
 * liveness and readiness groups stay out of it, and DOWN comes only when the application opts in. The
 * CA is given as a plain path, a {@code file:} URL and a {@code classpath:} location, one per node.
 */
class SsmHealthClusterWebTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static SsmEmulator emulator;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path dir;

    private final List<ConfigurableApplicationContext> nodes = new ArrayList<>();

    @BeforeAll
    static void start() {
        emulator = SsmEmulator.builder().https().start();
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    private ConfigurableApplicationContext node(String caCert, String... more) {
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--ssm.onprem.url=" + emulator.url(),
                "--ssm.onprem.ca-cert=" + caCert, "--ssm.onprem.client-id=" + SsmEmulator.DEMO_CLIENT_ID,
                "--ssm.onprem.client-secret=" + SsmEmulator.DEMO_CLIENT_SECRET, "--ssm.onprem.username=" + SsmEmulator.DEMO_USER,
                "--ssm.onprem.password=" + SsmEmulator.DEMO_PASSWORD, "--ssm.onprem.accounts[0].domain=" + SsmEmulator.DEMO_ACCOUNT,
                "--ssm.onprem.retries=1", "--ssm.onprem.scheduler.initial-delay=1h",
                "--ssm.onprem.store.state-dir=" + dir.resolve("shared-state"),
                "--management.endpoints.web.exposure.include=health,ssm", "--management.endpoint.health.show-details=always",
                "--management.endpoint.health.probes.enabled=true", "--spring.main.banner-mode=off"));
        args.addAll(List.of(more));
        SpringApplication app = new SpringApplication(App.class);
        app.setWebApplicationType(WebApplicationType.SERVLET);
        ConfigurableApplicationContext context = app.run(args.toArray(String[]::new));
        nodes.add(context);
        return context;
    }

    private static HttpResponse<String> call(ConfigurableApplicationContext node, String method, String path) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + node.getEnvironment().getProperty("local.server.port") + path);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).header("Accept", "application/json");
        b = "POST".equals(method) ? b.POST(HttpRequest.BodyPublishers.noBody()) : b.GET();
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response, int status) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return JSON.readTree(response.body());
    }

    /** Puts the CA where the test class path has it, for a {@code classpath:} location. */
    private static String onClassPath(String pem) throws Exception {
        Path classes = Path.of(SsmHealthClusterWebTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Files.writeString(classes.resolve("ssm-health-test-ca.pem"), pem, StandardCharsets.US_ASCII);
        return "classpath:ssm-health-test-ca.pem";
    }

    @Test
    void anUnreachableServerDegradesEveryNodeWithoutTakingAnyOutOfItsLoadBalancer() throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.pem"), emulator.caPem(), StandardCharsets.US_ASCII);
        try {
            ConfigurableApplicationContext a = node(ca.toString());
            ConfigurableApplicationContext b = node("file:" + ca);
            for (ConfigurableApplicationContext node : List.of(a, b)) {
                assertThat(node.getBean(SsmSyncClient.class).listAccounts()).as("the CA was read: TLS to the emulator works")
                        .isNotEmpty();
            }
            assertThat(a.getEnvironment().getProperty(SsmHealthStatusOrder.ORDER)).isEqualTo(SsmHealthStatusOrder.DEFAULT_ORDER);

            assertThat(json(call(a, "POST", "/actuator/ssm/sync"), 200).path("success").asBoolean()).isTrue();
            emulator.faults().backendDown(true);
            JsonNode failed = json(call(a, "POST", "/actuator/ssm/sync"), 200);
            assertThat(failed.path("success").asBoolean()).isFalse();

            for (ConfigurableApplicationContext node : List.of(a, b)) {
                JsonNode health = json(call(node, "GET", "/actuator/health"), 200);
                assertThat(health.path("status").asText()).isEqualTo("DEGRADED");
                JsonNode ssm = health.path("components").path("ssm");
                assertThat(ssm.path("status").asText()).isEqualTo("DEGRADED");
                assertThat(ssm.path("details").path("lastAttemptSucceeded").asBoolean()).as("the shared outcome").isFalse();
                assertThat(ssm.path("details").path("errorType").asText()).isEqualTo(failed.path("errorType").asText());
                for (String probe : List.of("/actuator/health/liveness", "/actuator/health/readiness")) {
                    JsonNode group = json(call(node, "GET", probe), 200);
                    assertThat(group.path("status").asText()).as(probe).isEqualTo("UP");
                    assertThat(group.toString()).as(probe).doesNotContain("ssm");
                }
            }

            // Opted in: licenses older than the configured age take the node out (503), probes still up.
            ConfigurableApplicationContext strict = node(onClassPath(emulator.caPem()),
                    "--ssm.onprem.health.down-when-licenses-older-than=1ns");
            JsonNode down = json(call(strict, "GET", "/actuator/health"), 503);
            assertThat(down.path("status").asText()).isEqualTo("DOWN");
            assertThat(down.path("components").path("ssm").path("details").path("downWhenLicensesOlderThan").asText())
                    .isEqualTo("PT0.000000001S");
            assertThat(json(call(strict, "GET", "/actuator/health/readiness"), 200).path("status").asText()).isEqualTo("UP");
            emulator.faults().clear();
            assertThat(strict.getBean(SsmSyncClient.class).listAccounts()).as("the classpath: CA was read").isNotEmpty();
        } finally {
            emulator.faults().clear();
            nodes.forEach(ConfigurableApplicationContext::close);
        }
    }

    /** The application: nothing but Boot's auto-configuration (no component scan of the other tests' beans). */
    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class App {
    }
}
