package io.github.ssmonprem.core.internal.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.github.ssmonprem.core.Secret;
import io.github.ssmonprem.core.internal.SsmJson;
import io.github.ssmonprem.core.http.SsmRequest;
import io.github.ssmonprem.core.http.SsmResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.hc.client5.http.entity.UrlEncodedFormEntity;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.NameValuePair;
import org.apache.hc.core5.http.message.BasicNameValuePair;

/**
 * One call on its way through the pipeline: the request with its body serialised once, and what the
 * steps tell each other (the token to send, the attempt, the call's deadline, what the last attempt
 * received). Confined to the calling thread.
 */
public final class Exchange {

    private final SsmRequest request;
    private final String url;
    private final byte[] body;
    private final ContentType contentType;
    private String target;

    private Secret token;
    private int attempt = 1;
    private int maxAttempts = 1;
    private long deadlineMillis = Long.MAX_VALUE;
    private boolean callersDeadline;
    private int status = -1;
    private SsmResponse response;
    private boolean targetReached;

    private Exchange(SsmRequest request, String baseUrl, byte[] body, ContentType contentType) {
        this.request = request;
        this.url = baseUrl + request.path();
        this.body = body;
        this.contentType = contentType;
    }

    /**
     * Prepares a request: serialises its JSON or form body once, for every attempt.
     *
     * @param request the request
     * @param baseUrl the server's base URL
     * @return the exchange
     * @throws IllegalArgumentException when the JSON body cannot be serialised
     */
    public static Exchange of(SsmRequest request, String baseUrl) {
        if (request.jsonBytes() != null) {
            return new Exchange(request, baseUrl, request.jsonBytes(), ContentType.APPLICATION_JSON);
        }
        if (request.jsonBody() != null) {
            try {
                return new Exchange(request, baseUrl, SsmJson.mapper().writeValueAsBytes(request.jsonBody()),
                        ContentType.APPLICATION_JSON);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("cannot serialise the body of " + request + ": " + e.getOriginalMessage(), e);
            }
        }
        if (request.formBody() != null) {
            List<NameValuePair> pairs = new ArrayList<>();
            request.formBody().forEach((k, v) -> pairs.add(new BasicNameValuePair(k, v)));
            try (UrlEncodedFormEntity form = new UrlEncodedFormEntity(pairs, StandardCharsets.UTF_8)) {
                return new Exchange(request, baseUrl, form.getContent().readAllBytes(),
                        ContentType.APPLICATION_FORM_URLENCODED.withCharset(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new IllegalStateException("cannot encode the form of " + request, e);
            }
        }
        return new Exchange(request, baseUrl, null, null);
    }

    /** {@return the request} */
    public SsmRequest request() {
        return request;
    }

    /** {@return the full URL} */
    public String url() {
        return url;
    }

    /** {@return the serialised body, or null for none} */
    public byte[] body() {
        return body;
    }

    /** {@return the body's content type, or null for no body} */
    public ContentType contentType() {
        return contentType;
    }

    /** {@return the method and URL, for messages and logs} */
    public String target() {
        if (target == null) {
            target = request.method() + " " + url;
        }
        return target;
    }

    /** {@return the bearer token to send, or null for none} */
    public Secret token() {
        return token;
    }

    /**
     * Sets the bearer token to send.
     *
     * @param token the token, or null for none
     */
    public void token(Secret token) {
        this.token = token;
    }

    /** {@return the attempt in progress, from 1} */
    public int attempt() {
        return attempt;
    }

    /** {@return the most attempts the call may make} */
    public int maxAttempts() {
        return maxAttempts;
    }

    /**
     * Starts an attempt: forgets what the previous one received.
     *
     * @param attempt the attempt, from 1
     * @param maxAttempts the most attempts the call may make
     */
    public void attempt(int attempt, int maxAttempts) {
        this.attempt = attempt;
        this.maxAttempts = maxAttempts;
        this.status = -1;
        this.response = null;
        this.targetReached = false;
    }

    /**
     * Returns when the call must be over, in the configured clock's epoch milliseconds.
     *
     * @return when the call must be over, or {@link Long#MAX_VALUE} for no deadline
     */
    public long deadlineMillis() {
        return deadlineMillis;
    }

    /**
     * Sets the call's deadline.
     *
     * @param deadlineMillis the deadline in the configured clock's epoch milliseconds
     */
    public void deadlineMillis(long deadlineMillis) {
        deadlineMillis(deadlineMillis, false);
    }

    /**
     * Sets the call's deadline, and whether it is the caller's ({@link SsmRequest#deadline()}) rather than {@code callTimeout}.
     *
     * @param deadlineMillis the deadline in the configured clock's epoch milliseconds
     * @param callers true when the caller's deadline is the nearer limit
     */
    public void deadlineMillis(long deadlineMillis, boolean callers) {
        this.deadlineMillis = deadlineMillis;
        this.callersDeadline = callers;
    }

    /**
     * Returns whether the call's deadline is the caller's rather than {@code callTimeout}.
     *
     * @return true when the caller's deadline bounds the call
     */
    public boolean callersDeadline() {
        return callersDeadline;
    }

    /** {@return the HTTP status the attempt received, or -1 when none came} */
    public int status() {
        return status;
    }

    /**
     * Records the HTTP status of an answer whose body could not be read.
     *
     * @param status the status
     */
    public void status(int status) {
        this.status = status;
    }

    /** {@return the complete answer the attempt received, whatever its status, or null} */
    public SsmResponse response() {
        return response;
    }

    /**
     * Records the complete answer of the attempt.
     *
     * @param response the answer
     * @param targetReached whether it came from the server, not from the proxy refusing CONNECT
     */
    public void received(SsmResponse response, boolean targetReached) {
        this.response = response;
        this.status = response.statusCode();
        this.targetReached = targetReached;
    }

    /**
     * Returns whether the attempt reached the server through the proxy's tunnel (always true without one).
     *
     * @return whether the answer came from the server rather than the proxy
     */
    public boolean targetReached() {
        return targetReached;
    }
}
