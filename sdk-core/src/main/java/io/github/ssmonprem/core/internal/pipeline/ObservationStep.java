package io.github.ssmonprem.core.internal.pipeline;

import io.github.ssmonprem.core.exception.SsmException;
import io.github.ssmonprem.core.http.SsmResponse;
import io.github.ssmonprem.core.internal.ClientMetrics;
import io.github.ssmonprem.core.internal.Redactor;
import io.github.ssmonprem.core.internal.SdkObservations;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Observes each attempt: the {@code ssm.client.requests} timer (tagged with the status and the
 * outcome, {@code SUCCESS} or the error's {@link SsmException#kind()}), the Micrometer Observation
 * {@code ssm.client.request} (the same low-cardinality keys; a span with Boot's tracing) and one redacted
 * DEBUG line with an allow-list of headers, logged by the {@code SsmHttpClient} logger.
 */
public final class ObservationStep implements Step {

    private static final Logger LOG = LoggerFactory.getLogger("io.github.ssmonprem.core.http.SsmHttpClient");

    private static final Set<String> LOGGED_REQUEST_HEADERS = caseInsensitive("Accept", "Content-Type",
            "Idempotency-Key", "X-CSW-SMART-ACCOUNT-ID", "X-CSW-VIRTUAL-ACCOUNT-ID", "X-CSW-REQUESTING-SYSTEM");
    private static final Set<String> LOGGED_RESPONSE_HEADERS = caseInsensitive("Content-Type", "Content-Length",
            "X-Request-Id", "Retry-After", "WWW-Authenticate", "Server");

    private final ClientMetrics metrics;
    private final String via;
    private final ObservationRegistry observations;

    /**
     * Creates the step.
     *
     * @param metrics the transport's meters
     * @param via " via proxy host:port" when requests are proxied, else ""
     * @param observations where the observations go
     */
    public ObservationStep(ClientMetrics metrics, String via, ObservationRegistry observations) {
        this.metrics = metrics;
        this.via = via;
        this.observations = observations;
    }

    @Override
    public SsmResponse proceed(Exchange exchange, Chain next) {
        long start = System.nanoTime();
        String operation = exchange.request().operation();
        Observation observation = SdkObservations.start(observations, SdkObservations.CLIENT_REQUEST, "ssm " + operation,
                "operation", operation, "method", exchange.request().method().name());
        try (Observation.Scope scope = observation.openScope()) {
            SsmResponse response = next.proceed(exchange);
            finish(exchange, "SUCCESS", System.nanoTime() - start);
            SdkObservations.stop(observation, "SUCCESS", "status", status(exchange));
            return response;
        } catch (SsmException e) {
            finish(exchange, e.kind().name(), System.nanoTime() - start);
            SdkObservations.fail(observation, e, e.kind().name(), "status", status(exchange));
            throw e;
        }
    }

    private static String status(Exchange exchange) {
        return exchange.status() < 0 ? "NONE" : String.valueOf(exchange.status());
    }

    private void finish(Exchange exchange, String outcome, long nanos) {
        String status = status(exchange);
        metrics.attempt(exchange.request().operation(), exchange.request().method().name(), status, outcome, nanos);
        if (LOG.isDebugEnabled()) {
            LOG.debug("{} {} -> {} {} in {} ms (operation {}, attempt {}/{}{}) request headers {} response headers {}",
                    exchange.request().method(), exchange.request().path(), status, outcome, nanos / 1_000_000,
                    exchange.request().operation(), exchange.attempt(), exchange.maxAttempts(), via.isEmpty() ? "" : "," + via,
                    requestHeaders(exchange), responseHeaders(exchange.response()));
        }
    }

    private static String requestHeaders(Exchange exchange) {
        List<String> shown = new ArrayList<>();
        if (exchange.contentType() != null) {
            shown.add("Content-Type: " + exchange.contentType().getMimeType());
        }
        exchange.request().headers().forEach((name, value) -> {
            if (LOGGED_REQUEST_HEADERS.contains(name)) {
                shown.add(name + ": " + Redactor.redact(value));
            }
        });
        if (exchange.token() != null) {
            shown.add("Authorization: Bearer " + Redactor.MASK);
        }
        return shown.toString();
    }

    private static String responseHeaders(SsmResponse response) {
        if (response == null) {
            return "[]";
        }
        List<String> shown = new ArrayList<>();
        response.headers().forEach((name, values) -> {
            if (LOGGED_RESPONSE_HEADERS.contains(name)) {
                shown.add(name + ": " + Redactor.redact(String.join(", ", values)));
            }
        });
        return shown.toString();
    }

    private static Set<String> caseInsensitive(String... names) {
        Set<String> set = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        set.addAll(List.of(names));
        return set;
    }
}
