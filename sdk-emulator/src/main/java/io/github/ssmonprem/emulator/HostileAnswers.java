package io.github.ssmonprem.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;

/**
 * The answers of a hostile or broken SSM On-Prem server that the emulator serves on demand
 * ({@link SsmEmulator.Faults}): license pages that never end, error pages that echo the credentials
 * and the token they were sent, and answers with oversized fields.
 */
final class HostileAnswers {

    /** A plausible total that the short pages never reach. */
    static final long PLAUSIBLE_TOTAL = 500_000;

    private final ObjectMapper json;

    HostileAnswers(ObjectMapper json) {
        this.json = json;
    }

    /** A page of the licenses route for {@code mode}, from the request's {@code limit} and {@code offset}. */
    MockResponse licensePage(EndlessPages mode, RecordedRequest request) {
        JsonNode body = read(request);
        int limit = Math.max(1, Math.min(body.path("limit").asInt(100), 1000));
        long offset = Math.max(0, body.path("offset").asLong(0));
        int size = mode == EndlessPages.SHORT_PAGES ? 1 : limit;
        int seed = mode == EndlessPages.IGNORED_OFFSET ? 0 : (int) Math.min(offset, Integer.MAX_VALUE - limit);
        Map<String, Object> page = new LinkedHashMap<>();
        switch (mode) {
            case HUGE_TOTAL:
                page.put("totalRecords", 1_000_000_000_000L);
                break;
            case NEGATIVE_TOTAL:
                page.put("totalRecords", -1);
                break;
            default:
                page.put("totalRecords", PLAUSIBLE_TOTAL);
        }
        page.put("licenses", EmulatorLicenses.generate("DEFAULT", size, seed));
        page.put("status", "SUCCESS");
        page.put("statusMessage", "");
        return answer(200, "application/json", write(page));
    }

    /**
     * An error page that quotes what the client sent, as a framework's debug page or a proxy's error
     * page does: the password and client secret of a token request (raw and URL-encoded), the bearer
     * token of an API call.
     */
    MockResponse echo(RecordedRequest request, String path, String tokenPath) {
        if (path.equals(tokenPath)) {
            String form = request.getBody() == null ? "" : request.getBody().utf8();
            Map<String, String> fields = new LinkedHashMap<>();
            for (String pair : form.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    fields.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
            String page = "<html><body><h1>Bad Request</h1><pre>invalid_grant: Invalid password " + fields.get("password")
                    + " for user " + fields.get("username") + " with secret " + fields.get("client_secret")
                    + ".\nRequest body: " + form + "</pre></body></html>";
            return answer(400, "text/html", page);
        }
        String auth = String.valueOf(request.getHeaders().get("Authorization"));
        String token = auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7) : auth;
        return answer(401, "text/plain", "Access denied: the token " + token + " is not valid for " + path);
    }

    /**
     * A 200 answer cut short inside an oversized secret-named field: {@code access_token} holding a
     * JWT-like value of {@code chars} characters, the body ending before its closing quote.
     */
    MockResponse oversized(int chars) {
        String big = "eyJ" + "A".repeat(Math.max(0, chars - 3));
        return answer(200, "application/json", "{\"status\":\"SUCCESS\",\"access_token\":\"" + big);
    }

    private MockResponse answer(int status, String type, String body) {
        return new MockResponse.Builder().code(status).addHeader("Content-Type", type).body(body).build();
    }

    private JsonNode read(RecordedRequest request) {
        try {
            return json.readTree(request.getBody() == null ? "{}" : request.getBody().utf8());
        } catch (IOException e) {
            return json.createObjectNode();
        }
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
