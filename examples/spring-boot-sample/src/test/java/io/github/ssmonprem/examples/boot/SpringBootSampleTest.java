package io.github.ssmonprem.examples.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import io.github.ssmonprem.jdbc.JdbcSyncLock;
import io.github.ssmonprem.jdbc.JdbcSyncStore;
import io.github.ssmonprem.sync.lock.SyncLock;
import io.github.ssmonprem.sync.store.SyncStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

class SpringBootSampleTest {

    @Test
    void theSampleSyncsAndReportsHealth() throws Exception {
        try (ConfigurableApplicationContext context = SpringBootSample.start("--server.port=0",
                "--ssm.onprem.scheduler.initial-delay=1h", "--ssm.onprem.store.state-dir=target/test-ssm-state")) {
            String base = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> sync = http.send(HttpRequest.newBuilder(URI.create(base + "/actuator/ssm/sync"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(sync.statusCode()).isEqualTo(200);
            assertThat(sync.body()).contains("\"success\":true");
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/actuator/health/ssm")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"status\":\"UP\"").contains("\"lastAttemptSucceeded\":true");
        }
    }

    @Test
    void theClusterProfileKeepsTheStateInPostgres() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
                ConfigurableApplicationContext context = SpringBootSample.start("--server.port=0",
                        "--spring.profiles.active=cluster", "--spring.datasource.url=" + postgres.getJdbcUrl("postgres", "postgres"),
                        "--ssm.onprem.scheduler.initial-delay=1h")) {
            assertThat(context.getBean(SyncStore.class)).isInstanceOf(JdbcSyncStore.class);
            assertThat(context.getBean(SyncLock.class)).isInstanceOf(JdbcSyncLock.class);
            String base = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> sync = http.send(HttpRequest.newBuilder(URI.create(base + "/actuator/ssm/sync"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(sync.body()).contains("\"success\":true");
            HttpResponse<String> status = http.send(HttpRequest.newBuilder(URI.create(base + "/actuator/ssm")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(status.body()).contains("\"status\":\"UP\"").contains("\"dead\":0").contains("\"deadLetters\":[]");
            assertThat(context.getBean(SyncStore.class).lastOutcome()).as("the outcome is in PostgreSQL").isPresent();
        }
    }
}
