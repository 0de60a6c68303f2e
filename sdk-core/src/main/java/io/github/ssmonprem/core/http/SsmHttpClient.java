package io.github.ssmonprem.core.http;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.retry.Retry;
import io.github.ssmonprem.core.ProxyConfig;
import io.github.ssmonprem.core.Secret;
import io.github.ssmonprem.core.SsmClientConfig;
import io.github.ssmonprem.core.exception.CircuitOpenException;
import io.github.ssmonprem.core.exception.ConnectionFailedException;
import io.github.ssmonprem.core.exception.MalformedResponseException;
import io.github.ssmonprem.core.exception.ProxyAuthenticationException;
import io.github.ssmonprem.core.exception.RequestTimeoutException;
import io.github.ssmonprem.core.exception.SsmClientException;
import io.github.ssmonprem.core.exception.SsmConfigurationException;
import io.github.ssmonprem.core.exception.SsmException;
import io.github.ssmonprem.core.exception.SsmServiceException;
import io.github.ssmonprem.core.exception.TlsException;
import io.github.ssmonprem.core.exception.UnauthorizedException;
import io.github.ssmonprem.core.internal.ApacheClientFactory;
import io.github.ssmonprem.core.internal.AttemptTimer;
import io.github.ssmonprem.core.internal.ClientMetrics;
import io.github.ssmonprem.core.internal.ErrorMapper;
import io.github.ssmonprem.core.internal.Redactor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.entity.UrlEncodedFormEntity;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.NameValuePair;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.message.BasicNameValuePair;
import org.apache.hc.core5.io.CloseMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SDK's HTTP transport: one pooled Apache HttpClient 5 per instance, the configured proxy and
 * trust, Resilience4j retries and circuit breaker, Micrometer metrics, redacted logging, and typed
 * errors. Thread-safe; close it to release its connections.
 *
 * <p>HttpClient's own retries and redirects are off: Resilience4j is the one retry owner, so attempts
 * never multiply. HttpClient's header and wire loggers are never fed; one redacted DEBUG line per
 * attempt is logged by this class's logger instead.
 *
 * <pre>{@code
 * try (SsmHttpClient http = SsmHttpClient.create(config)) {
 *     JsonNode accounts = http.execute(SsmRequest.get("accounts", config.routes().accountsPath())
 *         .bearer(tokens).build(), JsonNode.class);
 * }
 * }</pre>
 */
public final class SsmHttpClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SsmHttpClient.class);

    private static final Set<String> LOGGED_REQUEST_HEADERS = caseInsensitive("Accept", "Content-Type",
            "Idempotency-Key", "X-CSW-SMART-ACCOUNT-ID", "X-CSW-VIRTUAL-ACCOUNT-ID", "X-CSW-REQUESTING-SYSTEM");
    private static final Set<String> LOGGED_RESPONSE_HEADERS = caseInsensitive("Content-Type", "Content-Length",
            "X-Request-Id", "Retry-After", "WWW-Authenticate", "Server");

    private static final String TARGET_REACHED = ApacheClientFactory.TARGET_REACHED;

    private final SsmClientConfig config;
    private final String baseUrl;
    private final boolean tunnelled;
    private final boolean https;
    private final long attemptTimeoutNanos;
    private final ScheduledExecutorService timers;
    private final String host;
    private final String hostPort;
    private final ProxyConfig proxy;
    private final boolean proxied;
    private final PoolingHttpClientConnectionManager pool;
    private final CloseableHttpClient http;
    private final ObjectMapper mapper;
    private final Retry retry;
    private final CircuitBreaker breaker;
    private final ClientMetrics metrics;
    private final ErrorMapper errors;
    private volatile Opening opening;
    private volatile boolean closed;

    private SsmHttpClient(SsmClientConfig config) {
        this.config = config;
        URI base = config.baseUrl();
        this.baseUrl = base.toString();
        this.host = base.getHost();
        int port = base.getPort() > 0 ? base.getPort() : ("https".equals(base.getScheme()) ? 443 : 80);
        this.hostPort = host + ":" + port;
        this.proxy = config.proxy().orElse(null);
        this.proxied = proxy != null && proxy.appliesTo(host);
        this.https = "https".equals(base.getScheme());
        this.tunnelled = proxied && https;
        this.attemptTimeoutNanos = config.attemptTimeout().toNanos();
        this.timers = AttemptTimer.scheduler();
        this.mapper = SsmJson.mapper();
        this.metrics = new ClientMetrics(config.meterRegistry().orElse(null));
        this.errors = new ErrorMapper(proxy, config.clock());

        this.pool = ApacheClientFactory.pool(config);
        this.http = ApacheClientFactory.client(config, pool, proxy);

        this.retry = Retry.of("ssm-" + hostPort,
                config.retryConfig().orElseGet(() -> config.retrySettings().toRetryConfig()));
        if (config.circuitBreakerEnabled()) {
            CircuitBreakerConfig.Builder cb = CircuitBreakerConfig.from(config.circuitBreakerConfig()).clock(config.clock());
            if (config.clock().getClass() != java.time.Clock.systemUTC().getClass()
                    && config.circuitBreakerConfig().getSlidingWindowType() == CircuitBreakerConfig.SlidingWindowType.TIME_BASED
                    && config.circuitBreakerConfig().getSlidingWindowSynchronizationStrategy()
                            == CircuitBreakerConfig.SlidingWindowSynchronizationStrategy.LOCK_FREE) {
                // Resilience4j's lock-free time window reads the system clock whatever the configured
                // one; with an injected clock, the synchronised window keeps time under its control.
                cb.slidingWindowSynchronizationStrategy(CircuitBreakerConfig.SlidingWindowSynchronizationStrategy.SYNCHRONIZED);
            }
            this.breaker = CircuitBreaker.of("ssm-" + hostPort, cb.build());
            metrics.bindCircuitBreaker(breaker, hostPort);
        } else {
            this.breaker = null;
        }
    }

    /**
     * Creates a transport for one server.
     *
     * @param config the configuration
     * @return the transport; close it when done
     * @throws SsmConfigurationException when the TLS settings cannot be applied
     */
    public static SsmHttpClient create(SsmClientConfig config) {
        return new SsmHttpClient(config);
    }

    /**
     * Returns the configuration this transport was built with.
     *
     * @return the configuration this transport was built with
     */
    public SsmClientConfig config() {
        return config;
    }

    /**
     * Returns the SDK's configured Jackson mapper.
     *
     * @return the SDK's configured Jackson mapper
     */
    public ObjectMapper objectMapper() {
        return mapper;
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
        Prepared prepared = prepare(request);
        AccessTokenSource source = request.bearer();
        if (source == null) {
            return executeWithRetries(prepared, null);
        }
        Secret token = source.accessToken();
        try {
            return executeWithRetries(prepared, token);
        } catch (UnauthorizedException first) {
            LOG.debug("{} {}: the server rejected the access token (401); obtaining a new one and repeating once",
                    request.method(), request.path());
            source.invalidate(token);
            Secret fresh = source.accessToken();
            try {
                return executeWithRetries(prepared, fresh);
            } catch (SsmException second) {
                second.recordAttempts(first.attempts() + second.attempts());
                throw second;
            }
        }
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
        return decode(request, execute(request), mapper.constructType(type));
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
        return decode(request, execute(request), mapper.constructType(type));
    }

    /**
     * Reads a JSON answer, turning any parse failure into a {@link MalformedResponseException} with a
     * short, redacted snippet: no Jackson exception or message leaves this method.
     *
     * @param request the request the answer belongs to
     * @param response the answer
     * @param type the expected type
     * @param <T> the expected type
     * @return the decoded answer, never null
     */
    public <T> T decode(SsmRequest request, SsmResponse response, JavaType type) {
        try {
            T value = mapper.readValue(response.body(), type);
            if (value == null) {
                throw malformed(request, response, "is empty or null");
            }
            return value;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw malformed(request, response, "is not the expected JSON (" + e.getClass().getSimpleName() + where + ")");
        } catch (IOException e) {
            throw malformed(request, response, "cannot be read (" + e.getClass().getSimpleName() + ")");
        }
    }

    /**
     * Builds the error for an answer that is well-formed HTTP but unusable.
     *
     * @param request the request
     * @param response the answer
     * @param problem what is wrong with it, completing "the answer ..."
     * @return the exception, with a redacted snippet of the body
     */
    public MalformedResponseException malformed(SsmRequest request, SsmResponse response, String problem) {
        String snippet = Redactor.snippet(response.bodyAsString(), 160);
        return new MalformedResponseException(
                request.operation() + " (" + target(request) + "): the answer (HTTP " + response.statusCode() + ", "
                        + response.header("Content-Type").orElse("no Content-Type") + ", " + response.body().length
                        + " bytes) " + problem + ". It starts: \"" + snippet + "\"",
                "Check that the URL points at the SSM On-Prem server itself (not a portal, proxy error page or "
                        + "another service) and that the server version speaks the SSM On-Prem API.",
                response.statusCode(), snippet);
    }

    private String target(SsmRequest request) {
        return request.method() + " " + baseUrl + request.path();
    }

    private Prepared prepare(SsmRequest request) {
        byte[] body = null;
        ContentType contentType = null;
        if (request.jsonBytes() != null) {
            body = request.jsonBytes();
            contentType = ContentType.APPLICATION_JSON;
        } else if (request.jsonBody() != null) {
            try {
                body = mapper.writeValueAsBytes(request.jsonBody());
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("cannot serialise the body of " + request + ": " + e.getOriginalMessage(), e);
            }
            contentType = ContentType.APPLICATION_JSON;
        } else if (request.formBody() != null) {
            List<NameValuePair> pairs = new ArrayList<>();
            request.formBody().forEach((k, v) -> pairs.add(new BasicNameValuePair(k, v)));
            try (UrlEncodedFormEntity form = new UrlEncodedFormEntity(pairs, StandardCharsets.UTF_8)) {
                body = form.getContent().readAllBytes();
            } catch (IOException e) {
                throw new IllegalStateException("cannot encode the form of " + request, e);
            }
            contentType = ContentType.APPLICATION_FORM_URLENCODED.withCharset(StandardCharsets.UTF_8);
        }
        return new Prepared(request, body, contentType, baseUrl);
    }

    /**
     * One call guarded by the circuit breaker: the breaker counts calls (with their retries), not
     * attempts, so one failed call against a backend that is down does not open it on its own.
     */
    private SsmResponse executeWithRetries(Prepared prepared, Secret token) {
        if (breaker == null) {
            return retried(prepared, token);
        }
        if (!breaker.tryAcquirePermission()) {
            metrics.attempt(prepared.request.operation(), prepared.request.method().name(), "NONE", "CIRCUIT_OPEN", 0);
            throw circuitOpen(prepared);
        }
        long start = System.nanoTime();
        try {
            SsmResponse response = retried(prepared, token);
            breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            return response;
        } catch (SsmException e) {
            long nanos = System.nanoTime() - start;
            if (countsAsFailure(e)) {
                CircuitBreaker.State before = breaker.getState();
                breaker.onError(nanos, TimeUnit.NANOSECONDS, e);
                if (before != CircuitBreaker.State.OPEN && breaker.getState() == CircuitBreaker.State.OPEN) {
                    opening = new Opening(e.detail(), config.clock().instant());
                }
            } else {
                breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
            }
            throw e;
        } catch (RuntimeException | Error e) {
            breaker.releasePermission();
            throw e;
        }
    }

    private CircuitOpenException circuitOpen(Prepared prepared) {
        Opening why = opening;
        Duration wait = waitInOpenState();
        Instant now = config.clock().instant();
        Instant resume = why == null ? now.plus(wait) : why.at.plus(wait);
        Duration left = resume.isAfter(now) ? Duration.between(now, resume) : Duration.ZERO;
        String cause = why == null ? "" : " The failure that opened it, at " + why.at + ": " + why.failure;
        return new CircuitOpenException(prepared.target() + ": not sent: the circuit breaker for " + hostPort
                + " is open after repeated failed calls (failure rate " + breaker.getMetrics().getFailureRate() + "%)."
                + cause + (cause.endsWith(".") ? "" : ".") + " Calls will be tried again from " + resume
                + " (in " + Math.max(1, (left.toMillis() + 999) / 1000) + " s).",
                "The server has been failing or unreachable; check its health. A trial request is let through "
                        + wait.toSeconds() + " s after the circuit opened; retrying after that wait may succeed.",
                left);
    }

    /** The failure that opened the breaker, and when. */
    private static final class Opening {
        final String failure;
        final Instant at;

        Opening(String failure, Instant at) {
            this.failure = failure;
            this.at = at;
        }
    }

    private SsmResponse retried(Prepared prepared, Secret token) {
        SsmRequest request = prepared.request;
        boolean retryable = request.idempotent();
        Retry.AsyncContext<Object> context = retryable ? retry.asyncContext() : null;
        int maxAttempts = retryable ? retry.getRetryConfig().getMaxAttempts() : 1;
        long endMillis = config.clock().millis() + config.callTimeout().toMillis();
        int attempt = 0;
        while (true) {
            attempt++;
            try {
                SsmResponse response = attempt(prepared, token, attempt, maxAttempts, endMillis);
                if (context != null) {
                    context.onComplete();
                }
                return response;
            } catch (SsmException e) {
                long waitMillis = context == null ? -1 : context.onError(e);
                if (waitMillis < 0) {
                    e.recordAttempts(attempt);
                    throw e;
                }
                long leftMillis = endMillis - config.clock().millis();
                if (waitMillis >= leftMillis || isCallTimeout(e)) {
                    SsmException stop = isCallTimeout(e) ? e : callTimeout(prepared, e, attempt, waitMillis);
                    stop.recordAttempts(attempt);
                    throw stop;
                }
                metrics.retry(request.operation());
                LOG.debug("{}: attempt {}/{} failed ({}); retrying in {} ms", prepared.target(), attempt, maxAttempts,
                        e.getClass().getSimpleName(), waitMillis);
                try {
                    config.sleeper().sleep(Duration.ofMillis(waitMillis));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    SsmClientException stop = new SsmClientException(prepared.target() + ": interrupted while waiting to retry.",
                            "The calling thread was interrupted (shutdown?); the request was not completed.", false, e);
                    stop.recordAttempts(attempt);
                    throw stop;
                }
            }
        }
    }

    private static boolean isCallTimeout(SsmException e) {
        return e instanceof RequestTimeoutException && ((RequestTimeoutException) e).phase() == RequestTimeoutException.Phase.CALL;
    }

    private RequestTimeoutException callTimeout(Prepared prepared, SsmException last, int attempts, long waitMillis) {
        return new RequestTimeoutException(RequestTimeoutException.Phase.CALL,
                prepared.target() + ": the call did not succeed within callTimeout (" + seconds(config.callTimeout()) + ") after "
                        + attempts + (attempts == 1 ? " attempt" : " attempts") + "; the next retry, due in " + waitMillis
                        + " ms, would pass it. The last failure: " + last.detail(),
                last.remediation(), last);
    }

    private Duration waitInOpenState() {
        long millis = config.circuitBreakerConfig().getWaitIntervalFunctionInOpenState().apply(1);
        return Duration.ofMillis(millis);
    }

    private static boolean countsAsFailure(SsmException e) {
        if (e instanceof SsmServiceException) {
            int status = ((SsmServiceException) e).statusCode();
            return status >= 500 || status == 429;
        }
        return e instanceof ConnectionFailedException || e instanceof RequestTimeoutException
                && ((RequestTimeoutException) e).phase() != RequestTimeoutException.Phase.CONNECTION_POOL;
    }

    private SsmResponse attempt(Prepared prepared, Secret token, int attempt, int maxAttempts, long endMillis) {
        SsmRequest request = prepared.request;
        HttpUriRequestBase message = new HttpUriRequestBase(request.method().name(), URI.create(baseUrl + request.path()));
        message.addHeader("Accept", "application/json");
        request.headers().forEach(message::setHeader);
        if (token != null) {
            message.setHeader("Authorization", "Bearer " + token.reveal());
        }
        if (prepared.body != null) {
            message.setEntity(new ByteArrayEntity(prepared.body, prepared.contentType));
        }
        long start = System.nanoTime();
        SsmResponse response;
        HttpClientContext context = HttpClientContext.create();
        AttemptTimer timer = AttemptTimer.start(timers, message, Math.min(attemptTimeoutNanos,
                TimeUnit.MILLISECONDS.toNanos(Math.max(0, endMillis - config.clock().millis()))));
        try {
            response = http.execute(message, context, this::read);
        } catch (IOException e) {
            long nanos = System.nanoTime() - start;
            SsmClientException error = timer.fired()
                    ? attemptTimedOut(prepared, timer, e)
                    : fromIoException(prepared, context, e);
            String status = e instanceof UnusableBody ? String.valueOf(((UnusableBody) e).status)
                    : e instanceof CutShort ? String.valueOf(((CutShort) e).status) : "NONE";
            finish(prepared, token != null, attempt, maxAttempts, status, outcome(error), nanos, null);
            throw error;
        } finally {
            timer.cancel();
        }
        long nanos = System.nanoTime() - start;
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            finish(prepared, token != null, attempt, maxAttempts, String.valueOf(status), "SUCCESS", nanos, response);
            return response;
        }
        SsmException error = tunnelled && context.getAttribute(TARGET_REACHED) == null
                ? errors.fromConnectRefusal(response, prepared.target(), hostPort)
                : decodeError(prepared, response);
        finish(prepared, token != null, attempt, maxAttempts, String.valueOf(status), outcome(error), nanos, response);
        throw error;
    }

    private SsmClientException fromIoException(Prepared prepared, HttpClientContext context, IOException e) {
        String via = proxied ? " via proxy " + proxy.address() : "";
        if (e instanceof UnusableBody) {
            UnusableBody unusable = (UnusableBody) e;
            return new MalformedResponseException(prepared.target() + ": " + e.getMessage(), unusable.remediation, unusable.status, "");
        }
        if (e instanceof CutShort) {
            return new ConnectionFailedException(ConnectionFailedException.Reason.CONNECTION_CLOSED,
                    prepared.target() + via + ": the answer (HTTP " + ((CutShort) e).status
                            + ") was cut short while its body was read (" + e.getCause().getClass().getSimpleName()
                            + "): the connection was closed or reset mid-answer.",
                    "Usually a connection dropped mid-answer by the server, a proxy or a firewall; the SDK retries requests "
                            + "that are safe to repeat. If it persists, check their logs and idle/size limits.", e.getCause());
        }
        if (https && context.getAttribute(TARGET_REACHED) == null && isHandshakeTimeout(e)) {
            return new RequestTimeoutException(RequestTimeoutException.Phase.TLS_HANDSHAKE,
                    prepared.target() + via + ": the TCP connection was accepted but the TLS handshake did not complete within "
                            + seconds(config.connectTimeout()) + " (connectTimeout)" + (tunnelled ? " (or the proxy did not answer CONNECT)" : "")
                            + ": no ServerHello came back.",
                    "Check that the URL's port speaks HTTPS (SSM On-Prem: 8443) and that no middlebox (firewall, load balancer, "
                            + "TLS inspection) holds the connection; raise connectTimeout only on very slow links.", e);
        }
        return errors.fromIoException(e, prepared.target(), host, proxied);
    }

    /**
     * A read that timed out while the connection was being established: TCP was accepted, so this is
     * the TLS handshake (HttpClient reports it as a connect timeout whose message says "Read timed out").
     */
    private static boolean isHandshakeTimeout(IOException e) {
        if (e instanceof org.apache.hc.client5.http.ConnectTimeoutException) {
            return String.valueOf(e.getMessage()).endsWith("Read timed out");
        }
        return e instanceof java.net.SocketTimeoutException;
    }

    private RequestTimeoutException attemptTimedOut(Prepared prepared, AttemptTimer timer, IOException e) {
        boolean call = timer.limitNanos() < attemptTimeoutNanos;
        String via = proxied ? " via proxy " + proxy.address() : "";
        if (call) {
            return new RequestTimeoutException(RequestTimeoutException.Phase.CALL,
                    prepared.target() + via + ": the call did not complete within callTimeout (" + seconds(config.callTimeout())
                            + "), across its attempts and back-off.",
                    "The server is slow, stuck or failing: check its health; raise callTimeout only if calls legitimately take longer.", e);
        }
        return new RequestTimeoutException(RequestTimeoutException.Phase.ATTEMPT,
                prepared.target() + via + ": the attempt did not complete within attemptTimeout (" + seconds(config.attemptTimeout())
                        + "): the answer came too slowly or not at all (a stalled or dripping connection).",
                "Check the server's load and any proxy or middlebox holding the connection; raise attemptTimeout for very "
                        + "large answers on slow links.", e);
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private SsmException decodeError(Prepared prepared, SsmResponse response) {
        JsonNode json = null;
        byte[] body = response.body();
        if (body.length > 0 && looksLikeJson(body)) {
            try {
                JsonNode node = mapper.readTree(body);
                json = node != null && node.isObject() ? node : null;
            } catch (IOException notJson) {
                json = null;
            }
        }
        ErrorResponse error = new ErrorResponse(prepared.request.operation(), prepared.target(), response, json);
        if (response.statusCode() != 407 && prepared.request.errorDecoder() != null) {
            SsmException decoded = prepared.request.errorDecoder().decode(error);
            if (decoded != null) {
                return decoded;
            }
        }
        return errors.fromStatus(error, proxied);
    }

    private static boolean looksLikeJson(byte[] body) {
        for (byte b : body) {
            if (!Character.isWhitespace(b)) {
                return b == '{';
            }
        }
        return false;
    }

    private SsmResponse read(ClassicHttpResponse response) throws IOException {
        int status = response.getCode();
        TreeMap<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (Header h : response.getHeaders()) {
            headers.computeIfAbsent(h.getName(), k -> new ArrayList<>(1)).add(h.getValue());
        }
        HttpEntity entity = response.getEntity();
        byte[] body = NO_BODY;
        if (entity != null) {
            long cap = config.maxResponseBytes();
            long length = entity.getContentLength();
            if (length > cap) {
                throw new UnusableBody(status, "the answer's body of " + length
                        + " bytes exceeds maxResponseBytes (" + cap + ")", tooLargeRemediation());
            }
            try (InputStream in = entity.getContent()) {
                body = length >= 0 ? readKnownLength(in, (int) length, status) : readUpToCap(in, cap, status);
            } catch (UnusableBody | CutShort e) {
                throw e;
            } catch (IOException e) {
                throw cutShort(status, e);
            }
            if (body.length == 0 && length < 0 && !entity.isChunked() && status != 204 && status != 304
                    && response.getVersion() != null && response.getVersion().greaterEquals(org.apache.hc.core5.http.HttpVersion.HTTP_1_1)) {
                // An HTTP/1.1 head with neither Content-Length nor chunking, then the end of the stream:
                // HttpClient accepts a head cut mid-way like this, so it is caught here.
                throw cutShort(status, new java.io.EOFException("the connection ended before the answer's headers were complete"));
            }
        }
        return new SsmResponse(status, headers, body);
    }

    private static final byte[] NO_BODY = new byte[0];

    private static byte[] readKnownLength(InputStream in, int length, int status) throws IOException {
        byte[] body = in.readNBytes(length);
        if (body.length < length) {
            throw cutShort(status, new java.io.EOFException(body.length + " of " + length + " bytes"));
        }
        return body;
    }

    private static byte[] readUpToCap(InputStream in, long cap, int status) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        byte[] buffer = new byte[8192];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) != -1) {
            total += n;
            if (total > cap) {
                throw new UnusableBody(status, "the answer's body exceeds maxResponseBytes (" + cap + ")", tooLargeRemediation());
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    private static CutShort cutShort(int status, IOException e) {
        return new CutShort(status, e);
    }

    private static String tooLargeRemediation() {
        return "Lower the page size of the call, or raise maxResponseBytes if the server really sends answers this large.";
    }

    private void finish(Prepared prepared, boolean authorized, int attempt, int maxAttempts, String status, String outcome,
            long nanos, SsmResponse response) {
        metrics.attempt(prepared.request.operation(), prepared.request.method().name(), status, outcome, nanos);
        if (LOG.isDebugEnabled()) {
            LOG.debug("{} {} -> {} {} in {} ms (operation {}, attempt {}/{}{}) request headers {} response headers {}",
                    prepared.request.method(), prepared.request.path(), status, outcome, nanos / 1_000_000,
                    prepared.request.operation(), attempt, maxAttempts, proxied ? ", via proxy " + proxy.address() : "",
                    requestHeaders(prepared, authorized), responseHeaders(response));
        }
    }

    private static String requestHeaders(Prepared prepared, boolean authorized) {
        List<String> shown = new ArrayList<>();
        if (prepared.contentType != null) {
            shown.add("Content-Type: " + prepared.contentType.getMimeType());
        }
        prepared.request.headers().forEach((name, value) -> {
            if (LOGGED_REQUEST_HEADERS.contains(name)) {
                shown.add(name + ": " + Redactor.redact(value));
            }
        });
        if (authorized) {
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

    private static String outcome(SsmException e) {
        if (e instanceof SsmServiceException) {
            return ((SsmServiceException) e).statusCode() >= 500 ? "SERVER_ERROR" : "CLIENT_ERROR";
        }
        if (e instanceof TlsException) {
            return "TLS_ERROR";
        }
        if (e instanceof ProxyAuthenticationException) {
            return "PROXY_AUTH_ERROR";
        }
        if (e instanceof RequestTimeoutException) {
            return "TIMEOUT";
        }
        if (e instanceof MalformedResponseException) {
            return "MALFORMED_RESPONSE";
        }
        if (e instanceof CircuitOpenException) {
            return "CIRCUIT_OPEN";
        }
        if (e instanceof ConnectionFailedException) {
            return "CONNECTION_ERROR";
        }
        return e instanceof SsmClientException ? "CLIENT_FAILURE" : "ERROR";
    }

    /**
     * The circuit breaker guarding this client, for inspection.
     *
     * @return the breaker, or null when disabled
     */
    public CircuitBreaker circuitBreaker() {
        return breaker;
    }

    /** Closes the pool and its connections; a later {@link #execute(SsmRequest)} fails with "client is closed". */
    @Override
    public void close() {
        closed = true;
        timers.shutdownNow();
        http.close(CloseMode.GRACEFUL);
        pool.close(CloseMode.GRACEFUL);
    }

    @Override
    public String toString() {
        return "SsmHttpClient{" + baseUrl + (proxied ? " via proxy " + proxy.address() : "") + "}";
    }

    private static Set<String> caseInsensitive(String... names) {
        Set<String> set = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        set.addAll(List.of(names));
        return set;
    }

    /** A request with its body serialised once, for every attempt. */
    private static final class Prepared {
        final SsmRequest request;
        final byte[] body;
        final ContentType contentType;
        final String baseUrl;
        /** The method and URL, for messages and logs: built only when one needs it. */
        String target;

        Prepared(SsmRequest request, byte[] body, ContentType contentType, String baseUrl) {
            this.request = request;
            this.body = body;
            this.contentType = contentType;
            this.baseUrl = baseUrl;
        }

        String target() {
            if (target == null) {
                target = request.method() + " " + baseUrl + request.path();
            }
            return target;
        }
    }

    /** Raised inside the response handler when the connection is lost while the body is read. */
    private static final class CutShort extends IOException {
        private static final long serialVersionUID = 1L;
        final int status;

        CutShort(int status, IOException cause) {
            super("cut short", cause);
            this.status = status;
        }
    }

    /** Raised inside the response handler when the body cannot be used; carries the status. */
    private static final class UnusableBody extends IOException {
        private static final long serialVersionUID = 1L;
        final int status;
        final String remediation;

        UnusableBody(int status, String message, String remediation) {
            super(message);
            this.status = status;
            this.remediation = remediation;
        }
    }
}
