package io.github.ssmonprem.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plain HTTP calls to an emulator's usage routes, as a test writes them by hand: no SDK in between, so
 * each test says exactly what goes on the wire.
 */
final class Wire {

    /** The requesting system the helper sends by default. */
    static final String REQUESTING_SYSTEM = "{\"udi_pid\":\"MGMT-APP\",\"udi_serial_number\":\"APP-0001\"}";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** An answer: its status, its body as text, and as JSON when it is JSON (else null). */
    record Answer(int status, String text, JsonNode json) {
        String field(String name) {
            return json == null ? null : json.path(name).asText(null);
        }
    }

    private final SsmEmulator emulator;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    private final String token;

    Wire(SsmEmulator emulator) {
        this.emulator = emulator;
        String form = "grant_type=client_credentials&client_id=" + enc(SsmEmulator.DEMO_CC_CLIENT_ID) + "&client_secret="
                + enc(SsmEmulator.DEMO_CC_CLIENT_SECRET);
        Answer answer = send(HttpRequest.newBuilder(emulator.url().resolve("/backend/oauth/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)));
        if (answer.status() != 200) {
            throw new IllegalStateException("no token: " + answer.text());
        }
        this.token = answer.field("access_token");
    }

    /** {@return the headers of a usage request for the demo account's DEFAULT virtual account} */
    Map<String, String> headers() {
        return headers(SsmEmulator.DEMO_ACCOUNT, "DEFAULT");
    }

    /**
     * {@return the headers of a usage request for an account and virtual account, by their numeric ids}
     *
     * @param domain the account
     * @param virtualAccount the virtual account
     */
    Map<String, String> headers(String domain, String virtualAccount) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", "application/json");
        h.put("X-CSW-SMART-ACCOUNT-ID", emulator.accountId(domain));
        h.put("X-CSW-VIRTUAL-ACCOUNT-ID", emulator.virtualAccountId(domain, virtualAccount));
        h.put("X-CSW-REQUESTING-SYSTEM", REQUESTING_SYSTEM);
        return h;
    }

    Answer get(String path) {
        return send(HttpRequest.newBuilder(emulator.url().resolve(path)).header("Authorization", "Bearer " + token).GET());
    }

    Answer post(String path, Map<String, String> headers, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(emulator.url().resolve(path)).header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        headers.forEach(b::header);
        return send(b);
    }

    Answer upload(String body) {
        return upload(headers(), body);
    }

    Answer upload(Map<String, String> headers, String body) {
        return post("/backend/api/v2/devices/reportusage", headers, body);
    }

    Answer upload(List<RumReportFixture> reports) {
        return upload(uploadBody("nonce-1", reports));
    }

    Answer poll(String pollIdLiteral) {
        return poll(headers(), pollIdLiteral, "acknowledgements");
    }

    Answer poll(Map<String, String> headers, String pollIdLiteral, String action) {
        return post("/backend/api/v2/accounts/poll", headers, "{\"data\":{\"timestamp\":1700000000000,\"nonce\":\"poll-nonce\",\"poll_id\":"
                + pollIdLiteral + ",\"action\":\"" + action + "\"}}");
    }

    Answer authorize(String body) {
        return post("/backend/api/v2/devices/authrequest", headers(), body);
    }

    /**
     * {@return an upload body carrying the reports grouped by device, each payload as a JSON string of its
     * exact text and each signature as its own text}
     *
     * @param nonce the upload's nonce
     * @param reports the reports
     */
    static String uploadBody(String nonce, List<RumReportFixture> reports) {
        Map<DeviceId, StringBuilder> groups = new LinkedHashMap<>();
        for (RumReportFixture r : reports) {
            StringBuilder usage = groups.computeIfAbsent(r.sudi(), d -> new StringBuilder());
            if (usage.length() > 0) {
                usage.append(',');
            }
            usage.append("{\"payload\":").append(RumReportFixture.quote(r.payload(), false)).append(",\"signature\":").append(r.signature())
                    .append('}');
        }
        StringBuilder body = new StringBuilder("{\"data\":{\"timestamp\":1700000000000,\"nonce\":\"").append(nonce).append("\",\"reports\":[");
        boolean first = true;
        for (Map.Entry<DeviceId, StringBuilder> g : groups.entrySet()) {
            if (!first) {
                body.append(',');
            }
            first = false;
            body.append("{\"sudi\":").append(sudi(g.getKey())).append(",\"usage\":[").append(g.getValue()).append("]}");
        }
        return body.append("]}}").toString();
    }

    static String sudi(DeviceId sudi) {
        return "{\"udi_pid\":\"" + sudi.pid() + "\",\"udi_serial_number\":\"" + sudi.serialNumber() + "\"}";
    }

    /** {@return a usage body with one group of the device holding one usage entry given as raw JSON} */
    static String oneEntry(DeviceId device, String usageEntryJson) {
        return "{\"data\":{\"timestamp\":1700000000000,\"nonce\":\"n\",\"reports\":[{\"sudi\":" + sudi(device) + ",\"usage\":["
                + usageEntryJson + "]}]}}";
    }

    private Answer send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = null;
            try {
                json = JSON.readTree(r.body());
            } catch (IOException notJson) {
                // an HTML page, say
            }
            return new Answer(r.statusCode(), r.body(), json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
