package io.github.ssmonprem.core.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.github.ssmonprem.core.exception.MalformedResponseException;
import io.github.ssmonprem.core.http.SsmRequest;
import io.github.ssmonprem.core.http.SsmResponse;
import java.io.IOException;
import java.net.URI;

/**
 * Reads the JSON answers of one server: any parse failure becomes a {@link MalformedResponseException}
 * with a short, redacted snippet, and no Jackson exception or message escapes.
 */
public final class JsonCodec {

    private final String baseUrl;
    private final ObjectMapper mapper = SsmJson.mapper();

    /**
     * Creates the codec of a server.
     *
     * @param baseUrl the server's base URL, named in messages
     */
    public JsonCodec(URI baseUrl) {
        this.baseUrl = baseUrl.toString();
    }

    /** {@return the SDK's shared Jackson mapper} */
    public ObjectMapper mapper() {
        return mapper;
    }

    /**
     * Reads a JSON answer.
     *
     * @param request the request the answer belongs to
     * @param response the answer
     * @param type the expected type
     * @param <T> the expected type
     * @return the decoded answer, never null
     * @throws MalformedResponseException when the answer is empty, null or not the expected JSON
     */
    public <T> T decode(SsmRequest request, SsmResponse response, Class<T> type) {
        return decode(request, response, mapper.constructType(type));
    }

    /**
     * Reads a JSON answer into a generic type.
     *
     * @param request the request the answer belongs to
     * @param response the answer
     * @param type the expected type
     * @param <T> the expected type
     * @return the decoded answer, never null
     * @throws MalformedResponseException when the answer is empty, null or not the expected JSON
     */
    public <T> T decode(SsmRequest request, SsmResponse response, JavaType type) {
        return decode(request, response, type, true);
    }

    /**
     * Reads a JSON answer whose body must never be quoted, even redacted, when it is unusable: a token
     * answer, which may hold a token in a form the SDK cannot recognise (a text/plain answer).
     *
     * @param request the request the answer belongs to
     * @param response the answer
     * @param type the expected type
     * @param <T> the expected type
     * @return the decoded answer, never null
     * @throws MalformedResponseException when the answer is empty, null or not the expected JSON; its
     *     message names the content type and size, never the body
     */
    public <T> T decodeUnquoted(SsmRequest request, SsmResponse response, Class<T> type) {
        return decode(request, response, mapper.constructType(type), false);
    }

    private <T> T decode(SsmRequest request, SsmResponse response, JavaType type, boolean quote) {
        try {
            T value = mapper.readValue(response.body(), type);
            if (value == null) {
                throw malformed(request, response, "is empty or null", quote);
            }
            return value;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw malformed(request, response, "is not the expected JSON (" + problem(e) + where + ")", quote);
        } catch (IOException e) {
            throw malformed(request, response, "cannot be read (" + IoText.reason(e) + ")", quote);
        }
    }

    /** What is wrong with a body, in words rather than the parser's exception type. */
    private static String problem(JsonProcessingException e) {
        if (e instanceof JsonEOFException) {
            return "it ends before its JSON does";
        }
        if (e instanceof JsonParseException) {
            return "not well-formed JSON";
        }
        if (e instanceof MismatchedInputException) {
            return "a value of another type or shape than expected";
        }
        return "JSON of another shape than expected";
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
        return malformed(request, response, problem, true);
    }

    /**
     * Builds the error for an answer that is well-formed HTTP but unusable.
     *
     * @param request the request
     * @param response the answer
     * @param problem what is wrong with it, completing "the answer ..."
     * @param quote whether a redacted snippet of the body may be quoted (never for a token answer)
     * @return the exception
     */
    public MalformedResponseException malformed(SsmRequest request, SsmResponse response, String problem, boolean quote) {
        String snippet = quote ? Redactor.snippet(response.bodyAsString(), 160) : "";
        return new MalformedResponseException(
                request.operation() + " (" + request.method() + " " + baseUrl + request.path() + "): the answer (HTTP "
                        + response.statusCode() + ", " + Redactor.snippet(response.header("Content-Type").orElse("no Content-Type"), 100)
                        + ", " + response.body().length + " bytes) " + problem + "."
                        + (quote ? " It starts: \"" + snippet + "\"" : " Its body is not quoted: it may hold a token."),
                "Check that the URL points at the SSM On-Prem server itself (not a portal, proxy error page or "
                        + "another service) and that the server version speaks the SSM On-Prem API.",
                response.statusCode(), snippet);
    }
}
