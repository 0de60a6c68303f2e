package io.github.ssmonprem.examples.boot;

import io.github.ssmonprem.emulator.SsmEmulator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;

/**
 * A Spring Boot application that gets a scheduled, observable SSM sync from properties alone
 * ({@code application.properties}). It starts the SDK's emulator over HTTPS and points
 * {@code ssm.onprem.url} and {@code ssm.onprem.ca-cert} at it; a real application sets those to its server.
 *
 * <p>Then: {@code curl localhost:8080/actuator/health/ssm}, {@code curl localhost:8080/actuator/ssm} (with
 * the dead letters, if any), {@code curl -X POST localhost:8080/actuator/ssm/sync},
 * {@code curl -X POST localhost:8080/actuator/ssm/usage/ID/retry} (or {@code /discard}) for a dead letter,
 * {@code curl localhost:8080/actuator/metrics/ssm.sync.last.success}.
 *
 * <p>With {@code --spring.profiles.active=cluster} ({@code application-cluster.properties}) the store and
 * the sync lock are in PostgreSQL ({@code spring.datasource.*}), shared by every instance started so.
 */
@SpringBootApplication
public class SpringBootSample {

    private static final Logger LOG = LoggerFactory.getLogger(SpringBootSample.class);

    /**
     * Starts the emulator and the application.
     *
     * @param args Spring Boot arguments, such as {@code --server.port=9090}
     * @throws IOException when the emulator's CA certificate cannot be written
     */
    public static void main(String[] args) throws IOException {
        start(args);
    }

    /**
     * Starts the emulator and the application; closing the context stops the emulator.
     *
     * @param args Spring Boot arguments
     * @return the running context
     * @throws IOException when the emulator's CA certificate cannot be written
     */
    public static ConfigurableApplicationContext start(String... args) throws IOException {
        SsmEmulator emulator = SsmEmulator.builder().https().start();
        Path ca = Files.createTempFile("ssm-emulator-ca", ".pem");
        Files.writeString(ca, emulator.caPem(), StandardCharsets.US_ASCII);
        ca.toFile().deleteOnExit();
        SpringApplication app = new SpringApplication(SpringBootSample.class);
        app.setDefaultProperties(Map.of("ssm.onprem.url", emulator.url().toString(), "ssm.onprem.ca-cert", "file:" + ca));
        app.addListeners((ContextClosedEvent e) -> emulator.close());
        ConfigurableApplicationContext context = app.run(args);
        LOG.info("Syncing against the emulator at {}; see /actuator/health/ssm, /actuator/ssm, POST /actuator/ssm/sync",
                emulator.url());
        return context;
    }
}
