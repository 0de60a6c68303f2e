package io.github.ssmonprem.core.internal.pipeline;

import io.github.ssmonprem.core.SsmClientConfig;
import io.github.ssmonprem.core.exception.ConnectionFailedException;
import io.github.ssmonprem.core.exception.MalformedResponseException;
import io.github.ssmonprem.core.exception.RequestTimeoutException;
import io.github.ssmonprem.core.exception.SsmClientException;
import io.github.ssmonprem.core.http.SsmResponse;
import io.github.ssmonprem.core.internal.ApacheClientFactory;
import io.github.ssmonprem.core.internal.AttemptTimer;
import io.github.ssmonprem.core.internal.BoundedHandshakeStrategy;
import io.github.ssmonprem.core.internal.ErrorMapper;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;

/**
 * The last step: one HTTP exchange with Apache HttpClient 5, its body read in full, bounded as a
 * whole by {@code attemptTimeout} and by what is left of the call's deadline. Returns any complete
 * answer, whatever its status, and turns I/O failures into typed exceptions.
 */
public final class ApacheExchangeStep implements Step {

    private final CloseableHttpClient http;
    private final ScheduledExecutorService timers;
    private final SsmClientConfig config;
    private final Route route;
    private final ErrorMapper errors;
    private final ResponseReader reader;
    private final long attemptTimeoutNanos;
    private final Clock clock;

    /**
     * Creates the step.
     *
     * @param http the Apache client
     * @param timers the scheduler of attempt timers
     * @param config the configuration (timeouts, response size cap)
     * @param route where requests go
     * @param errors the mapping of I/O failures
     */
    public ApacheExchangeStep(CloseableHttpClient http, ScheduledExecutorService timers, SsmClientConfig config, Route route,
            ErrorMapper errors) {
        this.http = http;
        this.timers = timers;
        this.config = config;
        this.route = route;
        this.errors = errors;
        this.reader = new ResponseReader(config.maxResponseBytes());
        this.attemptTimeoutNanos = config.attemptTimeout().toNanos();
        this.clock = config.clock();
    }

    @Override
    public SsmResponse proceed(Exchange exchange, Chain next) {
        HttpUriRequestBase message = new HttpUriRequestBase(exchange.request().method().name(), URI.create(exchange.url()));
        message.addHeader("Accept", "application/json");
        exchange.request().headers().forEach(message::setHeader);
        if (exchange.token() != null) {
            message.setHeader("Authorization", "Bearer " + exchange.token().reveal());
        }
        if (exchange.body() != null) {
            message.setEntity(new ByteArrayEntity(exchange.body(), exchange.contentType()));
        }
        HttpClientContext context = HttpClientContext.create();
        long left = exchange.deadlineMillis() == Long.MAX_VALUE ? Long.MAX_VALUE
                : TimeUnit.MILLISECONDS.toNanos(Math.max(0, exchange.deadlineMillis() - clock.millis()));
        AttemptTimer timer = AttemptTimer.start(timers, message, Math.min(attemptTimeoutNanos, left));
        try {
            SsmResponse response = http.execute(message, context, reader);
            exchange.received(response, context.getAttribute(ApacheClientFactory.TARGET_REACHED) != null);
            return response;
        } catch (IOException e) {
            if (e instanceof ResponseReader.CutShort) {
                exchange.status(((ResponseReader.CutShort) e).status);
            } else if (e instanceof ResponseReader.UnusableBody) {
                exchange.status(((ResponseReader.UnusableBody) e).status);
            }
            throw timer.fired() ? attemptTimedOut(exchange, timer, e) : failure(exchange, context, e);
        } finally {
            timer.cancel();
        }
    }

    private SsmClientException failure(Exchange exchange, HttpClientContext context, IOException e) {
        if (e instanceof ResponseReader.UnusableBody) {
            ResponseReader.UnusableBody unusable = (ResponseReader.UnusableBody) e;
            return new MalformedResponseException(exchange.target() + ": " + e.getMessage(), unusable.remediation(), unusable.status, "");
        }
        if (e instanceof ResponseReader.CutShort) {
            return new ConnectionFailedException(ConnectionFailedException.Reason.CONNECTION_CLOSED,
                    exchange.target() + route.via() + ": the answer (HTTP " + ((ResponseReader.CutShort) e).status
                            + ") was cut short while its body was read: the connection was closed or reset mid-answer.",
                    "Usually a connection dropped mid-answer by the server, a proxy or a firewall; the SDK retries requests "
                            + "that are safe to repeat. If it persists, check their logs and idle/size limits.", e.getCause());
        }
        if (route.https() && context.getAttribute(ApacheClientFactory.TARGET_REACHED) == null && isHandshakeTimeout(e)) {
            return new RequestTimeoutException(RequestTimeoutException.Phase.TLS_HANDSHAKE,
                    exchange.target() + route.via() + ": the TCP connection was accepted but the TLS handshake did not complete within "
                            + Durations.text(config.connectTimeout()) + " (connectTimeout)"
                            + (route.tunnelled() ? " (or the proxy did not answer CONNECT)" : "")
                            + ": the server's side of the handshake did not come, or came too slowly (a stalled or dripping connection).",
                    "Check that the URL's port speaks HTTPS (SSM On-Prem: 8443) and that no middlebox (firewall, load balancer, "
                            + "TLS inspection) holds the connection; raise connectTimeout only on very slow links.", e);
        }
        return errors.fromIoException(e, exchange.target(), route.host(), route.proxied());
    }

    /**
     * A read that timed out while the connection was being established: TCP was accepted, so this is
     * the TLS handshake (HttpClient reports it as a connect timeout whose message says "Read timed out",
     * or quotes the whole handshake's limit).
     */
    private static boolean isHandshakeTimeout(IOException e) {
        for (Throwable c = e; c != null && c.getCause() != c; c = c.getCause()) {
            if (c instanceof BoundedHandshakeStrategy.HandshakeTimeout) {
                return true;
            }
        }
        if (e instanceof ConnectTimeoutException) {
            String message = String.valueOf(e.getMessage());
            return message.endsWith("Read timed out") || message.contains(BoundedHandshakeStrategy.HandshakeTimeout.TEXT);
        }
        return e instanceof SocketTimeoutException;
    }

    private RequestTimeoutException attemptTimedOut(Exchange exchange, AttemptTimer timer, IOException e) {
        if (timer.limitNanos() < attemptTimeoutNanos && exchange.callersDeadline()) {
            return new RequestTimeoutException(RequestTimeoutException.Phase.DEADLINE,
                    exchange.target() + route.via() + ": cut at the deadline of the work it belongs to ("
                            + exchange.request().deadline() + ").",
                    "The overall limit of the work (a sync's syncTimeout, the command's --deadline) ran out; the rest is done "
                            + "by the next run. Raise the limit if the server is legitimately this slow.", e);
        }
        if (timer.limitNanos() < attemptTimeoutNanos) {
            return new RequestTimeoutException(RequestTimeoutException.Phase.CALL,
                    exchange.target() + route.via() + ": the call did not complete within callTimeout ("
                            + Durations.text(config.callTimeout()) + "), across its attempts and back-off.",
                    "The server is slow, stuck or failing: check its health; raise callTimeout only if calls legitimately take longer.", e);
        }
        return new RequestTimeoutException(RequestTimeoutException.Phase.ATTEMPT,
                exchange.target() + route.via() + ": the attempt did not complete within attemptTimeout ("
                        + Durations.text(config.attemptTimeout()) + "): the answer came too slowly or not at all (a stalled or dripping connection).",
                "Check the server's load and any proxy or middlebox holding the connection; raise attemptTimeout for very "
                        + "large answers on slow links.", e);
    }
}
