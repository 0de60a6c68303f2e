package io.github.ssmonprem.benchmarks;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.ssmonprem.core.internal.SsmJson;
import io.github.ssmonprem.sync.model.License;
import io.github.ssmonprem.sync.model.LicenseDetail;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The loopback server both sides of every benchmark talk to: the JDK's built-in HTTP server, answering
 * the SSM On-Prem routes from pre-rendered bytes so that the server costs the same for both sides and
 * as little as possible. Not a functional emulator (that is the testkit's {@code SsmEmulator}).
 */
final class BenchServer implements AutoCloseable {

    static final byte[] ACCOUNTS = ("{\"accounts\":[{\"accountName\":\"Bench\",\"accountDomain\":\"bench.example\","
            + "\"accountStatus\":\"Active\",\"virtualAccounts\":[{\"name\":\"DEFAULT\",\"isDefault\":true}]}]}")
            .getBytes(StandardCharsets.UTF_8);

    private final HttpServer server;
    private final ExecutorService executor;
    private final JsonFactory json = new JsonFactory();
    private final List<byte[]> licensePages = new ArrayList<>();
    private volatile int pageSize = 1000;
    private volatile long tokenLifetimeSeconds = 3600;
    private final List<Long> tokenRequestNanos = new ArrayList<>();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong tokenCounter = new AtomicLong();
    private final AtomicLong pollIds = new AtomicLong();
    /** The COMPLETE answer of each accepted upload, by poll id, until polled. */
    private final Map<Long, byte[]> acknowledgements = new java.util.concurrent.ConcurrentHashMap<>();

    static final byte[] SEARCH = ("{\"status\":\"COMPLETE\",\"accounts\":[{\"account_id\":\"100001\",\"domain\":\"bench.example\","
            + "\"name\":\"Bench\",\"virtual_accounts\":[{\"name\":\"DEFAULT\",\"virtual_account_id\":\"200001\"}]}]}")
            .getBytes(StandardCharsets.UTF_8);

    BenchServer(int threads) throws IOException {
        // The JDK server writes headers and body separately; without TCP_NODELAY, Nagle's algorithm and
        // the peer's delayed ACK add ~40 ms to every small answer, which would hide every client cost.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        executor = Executors.newFixedThreadPool(threads, io.github.ssmonprem.core.internal.DaemonThreads.named("bench-server"));
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Renders {@code total} licenses in pages of {@code size}. */
    void licenses(int total, int size) throws IOException {
        ObjectMapper mapper = SsmJson.mapper();
        licensePages.clear();
        pageSize = size;
        for (int offset = 0; offset < total; offset += size) {
            List<License> page = new ArrayList<>(size);
            for (int i = offset; i < Math.min(total, offset + size); i++) {
                page.add(license(i));
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("totalRecords", total);
            body.put("licenses", page);
            body.put("status", "SUCCESS");
            body.put("statusMessage", "");
            licensePages.add(mapper.writeValueAsBytes(body));
        }
    }

    static License license(int i) {
        long quantity = 100 + i % 400;
        long inUse = (i * 7L) % quantity;
        return new License("LICENSE_" + i, "VA-" + (i % 20), quantity, inUse, quantity - inUse, "In Compliance",
                "PREPAID", 0, 0, i % 2 == 0,
                List.of(new LicenseDetail("TERM", quantity, "2025-01-01", "2027-12-31", "Sub" + (100000 + i), "ACTIVE")));
    }

    void tokenLifetimeSeconds(long seconds) {
        tokenLifetimeSeconds = seconds;
    }

    /** Forgets the recorded token requests. */
    synchronized void resetTokenRequests() {
        tokenRequestNanos.clear();
    }

    /** @return when each token request arrived, System.nanoTime(), in order */
    synchronized List<Long> tokenRequestNanos() {
        return new ArrayList<>(tokenRequestNanos);
    }

    long requests() {
        return requests.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        String path = exchange.getRequestURI().getPath();
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readAllBytes();
            byte[] answer;
            int status = 200;
            if (path.equals("/backend/oauth/token")) {
                long now = System.nanoTime();
                synchronized (this) {
                    tokenRequestNanos.add(now);
                }
                answer = ("{\"access_token\":\"bench-token-" + tokenCounter.incrementAndGet() + "\",\"token_type\":\"Bearer\","
                        + "\"expires_in\":" + tokenLifetimeSeconds + ",\"created_at\":" + (System.currentTimeMillis() / 1000) + "}")
                        .getBytes(StandardCharsets.UTF_8);
            } else if (path.equals("/backend/api/v1/accounts")) {
                answer = ACCOUNTS;
            } else if (path.endsWith("/licenses")) {
                long offset = longField(body, "offset");
                int page = (int) (offset / pageSize);
                answer = page < licensePages.size() ? licensePages.get(page)
                        : "{\"totalRecords\":0,\"licenses\":[],\"status\":\"SUCCESS\"}".getBytes(StandardCharsets.UTF_8);
            } else if (path.equals("/backend/api/v2/accounts/search")) {
                answer = SEARCH;
            } else if (path.equals("/backend/api/v2/devices/reportusage")) {
                // 202 OK_POLL with a 64-bit poll id, as SSM servers answer; the poll then acknowledges each device.
                JsonNode data = SsmJson.mapper().readTree(body).path("data");
                String nonce = data.path("nonce").asText();
                StringBuilder acks = new StringBuilder();
                for (JsonNode group : data.path("reports")) {
                    acks.append(acks.length() == 0 ? "" : ",").append("{\"sudi\":").append(group.path("sudi"))
                            .append(",\"software_tag_identifier\":\"bench\",\"smart_license\":\"YWNr\"}");
                }
                long pollId = 77412347487202314L + pollIds.incrementAndGet();
                acknowledgements.put(pollId, ("{\"status\":\"COMPLETE\",\"type\":\"acknowledgements\",\"correlation_id\":\"bench\","
                        + "\"data\":{\"acknowledgements\":[" + acks + "]}}").getBytes(StandardCharsets.UTF_8));
                answer = ("{\"status\":\"OK_POLL\",\"message_code\":null,\"message\":null,\"nonce\":\"" + nonce + "\",\"poll_id\":"
                        + pollId + ",\"action\":\"acknowledgements\"}").getBytes(StandardCharsets.UTF_8);
                status = 202;
            } else if (path.equals("/backend/api/v2/accounts/poll")) {
                answer = acknowledgements.remove(SsmJson.mapper().readTree(body).path("data").path("poll_id").asLong());
                if (answer == null) {
                    answer = "{\"status\":\"ERROR\",\"statusMessage\":\"unknown poll_id\"}".getBytes(StandardCharsets.UTF_8);
                    status = 404;
                }
            } else {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        } finally {
            exchange.close();
        }
    }

    /** Reads the first field of that name with a streaming parser: the usage bodies are megabytes. */
    private String textField(byte[] body, String name) throws IOException {
        try (JsonParser p = json.createParser(body)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.FIELD_NAME && name.equals(p.currentName())) {
                    p.nextToken();
                    return p.getText();
                }
            }
        }
        return "";
    }

    private long longField(byte[] body, String name) throws IOException {
        String v = textField(body, name);
        return v.isEmpty() ? 0 : Long.parseLong(v);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
