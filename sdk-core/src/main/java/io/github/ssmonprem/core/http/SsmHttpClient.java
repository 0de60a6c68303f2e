package io.github.ssmonprem.core.http;

import com.fasterxml.jackson.core.type.TypeReference;
import io.github.ssmonprem.core.SsmClientConfig;
import io.github.ssmonprem.core.exception.MalformedResponseException;
import io.github.ssmonprem.core.exception.SsmConfigurationException;
import io.github.ssmonprem.core.exception.SsmException;
import io.github.ssmonprem.core.internal.JsonCodec;
import io.github.ssmonprem.core.internal.pipeline.Exchange;
import io.github.ssmonprem.core.internal.pipeline.TransportPipeline;

/**
 * The SDK's HTTP transport: one pooled Apache HttpClient 5 per instance, the configured proxy and
 * trust, Resilience4j retries and circuit breaker, Micrometer metrics, redacted logging, and typed
 * errors. Thread-safe; close it to release its connections.
 *
 * <p>Each call runs through a fixed pipeline of steps, outermost first:
 * <ol>
 *   <li>bearer token: sends the request's token; on a 401 renews it once and repeats the call once;</li>
 *   <li>circuit breaker: counts calls (with their retries), not attempts, as failed when the exception
 *       says {@link SsmException#isServerFailure()}; while open, fails fast with a retryable
 *       {@link io.github.ssmonprem.core.exception.CircuitOpenException}; the token route has a breaker
 *       and a retry budget of its own;</li>
 *   <li>retry: repeats what {@link SsmException#isRetryable()} for a request that is safe to repeat,
 *       within {@link SsmClientConfig#callTimeout()} across attempts and back-off;</li>
 *   <li>observation: one {@code ssm.client.requests} timing and one redacted DEBUG line per attempt,
 *       with the outcome {@code SUCCESS} or the error's {@link SsmException#kind()};</li>
 *   <li>error decoding: a non-2xx answer becomes a typed {@link SsmException};</li>
 *   <li>the exchange: Apache HttpClient 5, the body read in full, bounded by
 *       {@link SsmClientConfig#attemptTimeout()}.</li>
 * </ol>
 *
 * <p>HttpClient's own retries and redirects are off: the retry step is the one retry owner, so
 * attempts never multiply. HttpClient's header and wire loggers are never fed; the DEBUG lines are
 * logged by this class's logger instead. Every exception reports in {@link SsmException#attempts()}
 * the attempts really made, both token rounds included.
 *
 * <pre>{@code
 * try (SsmHttpClient http = SsmHttpClient.create(config)) {
 *     JsonNode accounts = http.execute(SsmRequest.get("accounts", config.routes().accountsPath())
 *         .bearer(tokens).build(), JsonNode.class);
 * }
 * }</pre>
 */
public final class SsmHttpClient implements AutoCloseable {

    private final SsmClientConfig config;
    private final TransportPipeline pipeline;
    private final JsonCodec json;
    private volatile boolean closed;

    private SsmHttpClient(SsmClientConfig config) {
        this.config = config;
        this.pipeline = new TransportPipeline(config);
        this.json = new JsonCodec(config.baseUrl());
    }

    /**
     * Creates a transport for one server.
     *
     * @param config the configuration
     * @return the transport; close it when done
     * @throws SsmConfigurationException when the TLS settings cannot be applied, or the Apache HttpClient on the
     *     class path is older than 5.4 (HttpCore older than 5.3)
     */
    public static SsmHttpClient create(SsmClientConfig config) {
        return new SsmHttpClient(config);
    }

    /** {@return the configuration this transport was built with} */
    public SsmClientConfig config() {
        return config;
    }

    /**
     * Sends a request and returns its successful answer; retries what is safe to retry, renews the
     * bearer token once on 401, and throws a typed {@link SsmException} for anything else.
     *
     * @param request the request
     * @return the 2xx answer, body read in full
     * @throws SsmException typed by what went wrong, with the attempts made
     * @throws IllegalStateException when the client is closed
     */
    public SsmResponse execute(SsmRequest request) {
        if (closed) {
            throw new IllegalStateException("The SSM On-Prem client is closed: " + request.method() + " " + request.path()
                    + " was not sent. Build a new client, or close the client only after its last call.");
        }
        return pipeline.execute(Exchange.of(request, pipeline.route().baseUrl()));
    }

    /**
     * Sends a request and reads its JSON answer.
     *
     * @param request the request
     * @param type the answer's type
     * @param <T> the answer's type
     * @return the decoded answer, never null
     * @throws MalformedResponseException when the answer is not the expected JSON
     */
    public <T> T execute(SsmRequest request, Class<T> type) {
        return json.decode(request, execute(request), type);
    }

    /**
     * Sends a request and reads its JSON answer into a generic type.
     *
     * @param request the request
     * @param type the answer's type
     * @param <T> the answer's type
     * @return the decoded answer, never null
     * @throws MalformedResponseException when the answer is not the expected JSON
     */
    public <T> T execute(SsmRequest request, TypeReference<T> type) {
        return json.decode(request, execute(request), json.mapper().constructType(type));
    }

    /** Closes the pool and its connections; a later {@link #execute(SsmRequest)} fails with "client is closed". */
    @Override
    public void close() {
        closed = true;
        pipeline.close();
    }

    @Override
    public String toString() {
        return "SsmHttpClient{" + pipeline.route().baseUrl() + pipeline.route().via() + "}";
    }
}
