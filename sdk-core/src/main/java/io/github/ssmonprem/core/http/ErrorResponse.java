package io.github.ssmonprem.core.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * An error answer, as offered to an {@link ErrorDecoder}: the status, the headers, and the body both
 * as text and, when it was JSON, as a tree.
 */
public final class ErrorResponse {

    private final String operation;
    private final String target;
    private final SsmResponse response;
    private final JsonNode json;

    /**
     * Creates the view.
     *
     * @param operation the operation name of the request
     * @param target the request's method and URL, for messages (no query string)
     * @param response the answer
     * @param json the body parsed as JSON, or null when it was not JSON
     */
    public ErrorResponse(String operation, String target, SsmResponse response, JsonNode json) {
        this.operation = operation;
        this.target = target;
        this.response = response;
        this.json = json;
    }

    /** {@return the request's operation name, such as {@code token}} */
    public String operation() {
        return operation;
    }

    /** {@return the request's method and URL, such as {@code POST https://ssm:8443/backend/oauth/token}} */
    public String target() {
        return target;
    }

    /** {@return the HTTP status} */
    public int statusCode() {
        return response.statusCode();
    }

    /** {@return the whole answer} */
    public SsmResponse response() {
        return response;
    }

    /** {@return the body parsed as a JSON object, if it was one} */
    public Optional<JsonNode> json() {
        return Optional.ofNullable(json);
    }

    /**
     * A text field of the JSON body.
     *
     * @param name the field's name
     * @return the field's text, if the body is JSON and has it as a non-blank string
     */
    public Optional<String> jsonText(String name) {
        if (json == null) {
            return Optional.empty();
        }
        JsonNode node = json.get(name);
        if (node == null || !node.isValueNode() || node.asText().isBlank()) {
            return Optional.empty();
        }
        return Optional.of(node.asText());
    }

    /** {@return whether the body is an HTML page (as nginx serves for 502/503/504)} */
    public boolean isHtml() {
        String type = response.header("Content-Type").orElse("").toLowerCase(java.util.Locale.ROOT);
        if (type.contains("html")) {
            return true;
        }
        String start = response.bodyAsString().stripLeading().toLowerCase(java.util.Locale.ROOT);
        return start.startsWith("<!doctype html") || start.startsWith("<html");
    }

    /** {@return the {@code X-Request-Id} header, if present} */
    public Optional<String> requestId() {
        return response.header("X-Request-Id");
    }
}
