package io.github.ssmonprem.core.http;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One logical API request: method, route, headers, body, and how the transport should treat it
 * (operation name for metrics, idempotency for retries, bearer token, error decoding).
 *
 * <pre>{@code
 * SsmRequest request = SsmRequest.post("licenses", routes.licensesPath("acme.example"))
 *     .jsonBody(Map.of("virtualAccounts", List.of(), "limit", 100, "offset", 0))
 *     .idempotent(true)
 *     .bearer(tokenSource)
 *     .build();
 * }</pre>
 *
 * <p>{@link #toString()} shows the method, path and operation, never headers or body.
 */
public final class SsmRequest {

    /** The HTTP methods the SDK uses. */
    public enum Method {
        /** GET: always retried on transient failure. */
        GET,
        /** POST: retried only when marked idempotent. */
        POST
    }

    private final String operation;
    private final Method method;
    private final String path;
    private final Map<String, String> headers;
    private final Object jsonBody;
    private final byte[] jsonBytes;
    private final Map<String, String> formBody;
    private final boolean idempotent;
    private final AccessTokenSource bearer;
    private final ErrorDecoder errorDecoder;
    private final Instant deadline;

    private SsmRequest(Builder b) {
        this.operation = b.operation;
        this.method = b.method;
        this.path = b.path;
        this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(b.headers));
        this.jsonBody = b.jsonBody;
        this.jsonBytes = b.jsonBytes;
        this.formBody = b.formBody == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(b.formBody));
        this.idempotent = b.idempotent == null ? b.method == Method.GET : b.idempotent;
        this.bearer = b.bearer;
        this.errorDecoder = b.errorDecoder;
        this.deadline = b.deadline;
    }

    /**
     * Starts a GET.
     *
     * @param operation a short, fixed name for metrics and logs, such as {@code accounts}
     * @param path the route, absolute, without a query string
     * @return a builder
     */
    public static Builder get(String operation, String path) {
        return new Builder(operation, Method.GET, path);
    }

    /**
     * Starts a POST.
     *
     * @param operation a short, fixed name for metrics and logs, such as {@code token}
     * @param path the route, absolute, without a query string
     * @return a builder
     */
    public static Builder post(String operation, String path) {
        return new Builder(operation, Method.POST, path);
    }

    /** {@return the operation name} */
    public String operation() {
        return operation;
    }

    /** {@return the method} */
    public Method method() {
        return method;
    }

    /** {@return the route} */
    public String path() {
        return path;
    }

    /** {@return extra headers} */
    public Map<String, String> headers() {
        return headers;
    }

    /** {@return the object to send as JSON, or null} */
    public Object jsonBody() {
        return jsonBody;
    }

    /** {@return JSON already serialised, sent as is, or null} */
    public byte[] jsonBytes() {
        return jsonBytes;
    }

    /** {@return the form fields to send, or null} */
    public Map<String, String> formBody() {
        return formBody;
    }

    /** {@return whether repeating this request is safe, so it may be retried} */
    public boolean idempotent() {
        return idempotent;
    }

    /** {@return the bearer token source, or null for an unauthenticated request} */
    public AccessTokenSource bearer() {
        return bearer;
    }

    /** {@return the route's error decoder, or null} */
    public ErrorDecoder errorDecoder() {
        return errorDecoder;
    }

    /**
     * Returns the instant, in the client's clock, by which the call must be over, or null for none.
     *
     * @return the caller's deadline, or null
     */
    public Instant deadline() {
        return deadline;
    }

    @Override
    public String toString() {
        return "SsmRequest{" + operation + ": " + method + " " + path + "}";
    }

    /** Builds an {@link SsmRequest}. */
    public static final class Builder {
        private final String operation;
        private final Method method;
        private final String path;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private Object jsonBody;
        private byte[] jsonBytes;
        private Map<String, String> formBody;
        private Boolean idempotent;
        private AccessTokenSource bearer;
        private ErrorDecoder errorDecoder;
        private Instant deadline;

        private Builder(String operation, Method method, String path) {
            this.operation = Objects.requireNonNull(operation, "operation");
            this.method = method;
            this.path = Objects.requireNonNull(path, "path");
            if (!path.startsWith("/") || path.contains("?")) {
                throw new IllegalArgumentException("path must be absolute with no query string: " + path);
            }
        }

        /**
         * Adds a header. {@code Authorization} is set by the transport from {@link #bearer}.
         *
         * @param name the name
         * @param value the value
         * @return this builder
         */
        public Builder header(String name, String value) {
            headers.put(Objects.requireNonNull(name), Objects.requireNonNull(value));
            return this;
        }

        /**
         * Sends an object as a JSON body.
         *
         * @param body the object, serialised with the SDK's {@code ObjectMapper}
         * @return this builder
         */
        public Builder jsonBody(Object body) {
            this.jsonBody = Objects.requireNonNull(body);
            this.jsonBytes = null;
            this.formBody = null;
            return this;
        }

        /**
         * Sends JSON that is already serialised (UTF-8), as is: for bodies written once and kept, such
         * as a stored usage report.
         *
         * @param json the body; not copied, so do not change it afterwards
         * @return this builder
         */
        public Builder jsonBody(byte[] json) {
            this.jsonBytes = Objects.requireNonNull(json);
            this.jsonBody = null;
            this.formBody = null;
            return this;
        }

        /**
         * Sends form fields ({@code application/x-www-form-urlencoded}). Form bodies are never logged.
         *
         * @param fields the fields, in order
         * @return this builder
         */
        public Builder formBody(Map<String, String> fields) {
            this.formBody = new LinkedHashMap<>(fields);
            this.jsonBody = null;
            this.jsonBytes = null;
            return this;
        }

        /**
         * Marks whether the request may be repeated safely (GET is by default; a POST only when it
         * carries an idempotency key or is a read).
         *
         * @param idempotent true when safe to repeat
         * @return this builder
         */
        public Builder idempotent(boolean idempotent) {
            this.idempotent = idempotent;
            return this;
        }

        /**
         * Sends {@code Authorization: Bearer} with a token from this source; a 401 invalidates the
         * token and repeats the request once with a new one.
         *
         * @param source the token source
         * @return this builder
         */
        public Builder bearer(AccessTokenSource source) {
            this.bearer = source;
            return this;
        }

        /**
         * Decodes this route's error answers.
         *
         * @param decoder the decoder
         * @return this builder
         */
        public Builder errorDecoder(ErrorDecoder decoder) {
            this.errorDecoder = decoder;
            return this;
        }

        /**
         * Sets the instant, in the client's clock, by which the call must be over, retries and back-off
         * included: the call's {@code callTimeout} is cut to it, an attempt still running then is
         * cancelled, and a call whose deadline has passed is not sent. The call then fails with a
         * {@link io.github.ssmonprem.core.exception.RequestTimeoutException} of phase {@code DEADLINE}.
         * For work made of several calls with one overall limit, such as a sync.
         *
         * @param deadline the deadline, or null for none (the default)
         * @return this builder
         */
        public Builder deadline(Instant deadline) {
            this.deadline = deadline;
            return this;
        }

        /** {@return the request} */
        public SsmRequest build() {
            return new SsmRequest(this);
        }
    }

}
