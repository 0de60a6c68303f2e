package io.github.ssmonprem.sync.usage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/**
 * A scripted SSM On-Prem for the usage path's unit tests: a token, an account search, and for the
 * upload and poll routes the answers a test queues (or a default). Records every request.
 */
final class FakeSsm extends Dispatcher {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String SEARCH = "{\"status\":\"COMPLETE\",\"message_code\":\"\",\"message\":\"\",\"accounts\":[{\"account_id\":\"123456\","
            + "\"domain\":\"acme.example\",\"name\":\"Acme\",\"virtual_accounts\":[{\"name\":\"SDWAN\",\"virtual_account_id\":654321,"
            + "\"default\":false},{\"name\":\"Lab\",\"virtual_account_id\":\"777\",\"default\":true}]}]}";

    final Queue<Function<JsonNode, MockResponse>> uploads = new ConcurrentLinkedQueue<>();
    final Queue<Function<JsonNode, MockResponse>> polls = new ConcurrentLinkedQueue<>();
    final Queue<Function<JsonNode, MockResponse>> authorizations = new ConcurrentLinkedQueue<>();
    final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    volatile Function<JsonNode, MockResponse> defaultUpload = body -> accepted(body, "77412347487202314", 1);
    /** The ACK entries for the devices of each upload, by the upload's nonce (its polls carry it). */
    final java.util.Map<String, String> devicesByNonce = new java.util.concurrent.ConcurrentHashMap<>();
    volatile Function<JsonNode, MockResponse> defaultPoll = body -> complete(acksFor(body));

    /** {@return the ACK entries for the devices of the upload a poll is for} */
    String acksFor(JsonNode pollBody) {
        return devicesByNonce.getOrDefault(pollBody.path("data").path("nonce").asText(), "");
    }

    static MockResponse json(int code, String body) {
        return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json").body(body).build();
    }

    /** The 202 OK_POLL answer to an upload, echoing its nonce. */
    static MockResponse accepted(JsonNode body, String pollId, int pollInterval) {
        return json(202, "{\"status\":\"OK_POLL\",\"message_code\":null,\"message\":null,\"timestamp\":1656010025453,\"nonce\":\""
                + body.path("data").path("nonce").asText() + "\",\"type\":null,\"poll_id\":" + pollId + ",\"poll_interval\":"
                + pollInterval + ",\"action\":\"acknowledgements\"}");
    }

    static MockResponse failed(String message, String code) {
        return json(200, "{\"status\":\"FAILED\",\"message\":\"" + message + "\",\"message_code\":\"" + code + "\"}");
    }

    static MockResponse notReady(String message, Integer pollInterval) {
        return json(200, "{\"status\":\"OK_POLL\",\"message\":" + (message == null ? "\"\"" : "\"" + message + "\"")
                + ",\"message_code\":" + (message == null ? "null" : "\"POLL_WARN\"")
                + (pollInterval == null ? "" : ",\"poll_interval\":" + pollInterval) + "}");
    }

    /** A COMPLETE answer with these acknowledgement entries. */
    static MockResponse complete(String entries) {
        return json(200, "{\"status\":\"COMPLETE\",\"type\":\"acknowledgements\",\"correlation_id\":\"corr-1\",\"data\":{\"acknowledgements\":["
                + entries + "]}}");
    }

    static String ackOf(JsonNode sudi) {
        String text = "ACK for " + sudi.path("udi_pid").asText() + ":" + sudi.path("udi_serial_number").asText();
        return "{\"sudi\":" + sudi + ",\"software_tag_identifier\":\"C8000V\",\"smart_license\":\""
                + java.util.Base64.getEncoder().encodeToString(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "\"}";
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        requests.add(request);
        String path = request.getTarget();
        try {
            if (path.endsWith("/oauth/token")) {
                return json(200, "{\"access_token\":\"at-1\",\"token_type\":\"Bearer\",\"expires_in\":3600}");
            }
            if (path.endsWith("/v2/accounts/search")) {
                return json(200, SEARCH);
            }
            JsonNode body = JSON.readTree(request.getBody().utf8());
            if (path.endsWith("/v2/devices/reportusage")) {
                StringBuilder devices = new StringBuilder();
                for (JsonNode group : body.path("data").path("reports")) {
                    devices.append(devices.length() == 0 ? "" : ",").append(ackOf(group.path("sudi")));
                }
                devicesByNonce.put(body.path("data").path("nonce").asText(), devices.toString());
                Function<JsonNode, MockResponse> next = uploads.poll();
                return (next != null ? next : defaultUpload).apply(body);
            }
            if (path.endsWith("/v2/devices/authrequest")) {
                Function<JsonNode, MockResponse> next = authorizations.poll();
                return next != null ? next.apply(body) : json(202, "{\"status\":\"OK_POLL\",\"message_code\":null,\"message\":null,"
                        + "\"nonce\":\"" + body.path("data").path("nonce").asText() + "\",\"poll_id\":88412347487202315,"
                        + "\"poll_interval\":300,\"action\":\"authorizations\"}");
            }
            if (path.endsWith("/v2/accounts/poll")) {
                Function<JsonNode, MockResponse> next = polls.poll();
                return (next != null ? next : defaultPoll).apply(body);
            }
        } catch (IOException e) {
            return json(400, "{\"status\":\"ERROR\",\"statusMessage\":\"bad json\"}");
        }
        return json(404, "{\"status\":\"ERROR\",\"statusMessage\":\"no route\"}");
    }

    long count(String routeSuffix) {
        return requests.stream().filter(r -> r.getTarget().endsWith(routeSuffix)).count();
    }

    List<RecordedRequest> of(String routeSuffix) {
        return requests.stream().filter(r -> r.getTarget().endsWith(routeSuffix)).toList();
    }

    static MockWebServer start(FakeSsm fake) throws IOException {
        MockWebServer server = new MockWebServer();
        server.setDispatcher(fake);
        server.start();
        return server;
    }
}
