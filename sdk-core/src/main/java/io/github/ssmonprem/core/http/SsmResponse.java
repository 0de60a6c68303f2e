package io.github.ssmonprem.core.http;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A complete HTTP answer: status, headers and the body, read in full (and capped by
 * {@code maxResponseBytes}).
 */
public final class SsmResponse {

    private final int statusCode;
    private final Map<String, List<String>> headers;
    private final byte[] body;

    /**
     * Creates a response.
     *
     * @param statusCode the HTTP status
     * @param headers the headers; names are matched case-insensitively
     * @param body the body, possibly empty
     */
    public SsmResponse(int statusCode, Map<String, List<String>> headers, byte[] body) {
        this(statusCode, copy(headers), body);
    }

    /** Takes a case-insensitive header map that no one else holds, as the transport builds it. */
    SsmResponse(int statusCode, TreeMap<String, List<String>> caseInsensitiveHeaders, byte[] body) {
        this.statusCode = statusCode;
        caseInsensitiveHeaders.replaceAll((name, values) -> List.copyOf(values));
        this.headers = Collections.unmodifiableMap(caseInsensitiveHeaders);
        this.body = body;
    }

    private static TreeMap<String, List<String>> copy(Map<String, List<String>> headers) {
        TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        copy.putAll(headers);
        return copy;
    }

    /** {@return the HTTP status} */
    public int statusCode() {
        return statusCode;
    }

    /** {@return all headers, names matched case-insensitively} */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /**
     * The first value of a header.
     *
     * @param name the header's name, any case
     * @return the value, if present
     */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** {@return the body's bytes (not a copy: do not modify)} */
    public byte[] body() {
        return body;
    }

    /** {@return the body decoded as UTF-8} */
    public String bodyAsString() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** Shows the status and the body's size, never the body. */
    @Override
    public String toString() {
        return "SsmResponse{status=" + statusCode + ", bodyBytes=" + body.length + "}";
    }
}
