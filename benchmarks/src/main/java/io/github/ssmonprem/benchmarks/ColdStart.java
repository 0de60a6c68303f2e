package io.github.ssmonprem.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.ssmonprem.auth.OAuthGrant;
import io.github.ssmonprem.core.Secret;
import io.github.ssmonprem.core.SsmClientConfig;
import io.github.ssmonprem.emulator.RumReportFixture;
import io.github.ssmonprem.sync.AccountSelection;
import io.github.ssmonprem.sync.SsmSyncClient;
import io.github.ssmonprem.sync.SyncResult;
import io.github.ssmonprem.sync.usage.RumReport;
import io.github.ssmonprem.sync.usage.UsageReport;
import io.github.ssmonprem.testkit.InMemorySyncStore;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.entity.UrlEncodedFormEntity;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.http.message.BasicNameValuePair;

/**
 * The two programs the cold-start figure compares, each run in a fresh JVM against the benchmark
 * server: {@code sdk URL} runs one full sync with the SDK (token, licenses, one usage report pushed and
 * acknowledged); {@code bare URL} makes the same calls with a minimal HttpClient 5 and Jackson program.
 */
public final class ColdStart {

    private ColdStart() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("sdk")) {
            sdk(args[1]);
        } else {
            bare(args[1]);
        }
    }

    private static void sdk(String url) {
        try (SsmSyncClient ssm = SsmSyncClient.builder()
                .config(SsmClientConfig.builder().baseUrl(url).allowPlainHttp(true).noProxy().build())
                .grant(OAuthGrant.password("bench", Secret.of("bench-secret"), "bench", Secret.of("bench-password")))
                .account(AccountSelection.of("bench.example"))
                .store(new InMemorySyncStore())
                .build()) {
            Instant now = Instant.now();
            RumReportFixture rum = RumReportFixture.builder().device("C8000V", "COLD1").reportId(now.getEpochSecond())
                    .count(1, now.minusSeconds(60), now).build();
            ssm.store().add(UsageReport.of("bench.example", "DEFAULT", List.of(RumReport.of(rum.payload(), rum.signature()))),
                    "cold-start-seed", java.time.Duration.ofMillis(1));
            try {
                Thread.sleep(5);                                       // the seed's claim expires: the sync takes the report
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            SyncResult result = ssm.sync();
            if (!result.isSuccess() || result.outcome().reportsDelivered() != 1) {
                throw new IllegalStateException("sync failed: " + result);
            }
        }
    }

    private static void bare(String url) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        try (CloseableHttpClient http = HttpClients.createDefault()) {
            HttpPost token = new HttpPost(url + "/backend/oauth/token");
            token.setEntity(new UrlEncodedFormEntity(List.of(new BasicNameValuePair("grant_type", "password"),
                    new BasicNameValuePair("username", "bench"), new BasicNameValuePair("password", "bench-password"),
                    new BasicNameValuePair("client_id", "bench"), new BasicNameValuePair("client_secret", "bench-secret")),
                    StandardCharsets.UTF_8));
            String bearer = "Bearer " + mapper.readTree(body(http, token))
                    .path("access_token").asText();

            long offset = 0;
            long total = Long.MAX_VALUE;
            while (offset < total) {
                HttpPost page = new HttpPost(url + "/backend/api/v1/accounts/bench.example/licenses");
                page.setHeader("Authorization", bearer);
                page.setEntity(new StringEntity("{\"virtualAccounts\":[],\"limit\":100,\"offset\":" + offset + "}",
                        ContentType.APPLICATION_JSON));
                JsonNode body = mapper.readTree(body(http, page));
                total = body.path("totalRecords").asLong();
                int n = body.path("licenses").size();
                if (n == 0) {
                    break;
                }
                offset += n;
            }

            HttpGet search = new HttpGet(url + "/backend/api/v2/accounts/search");
            search.setHeader("Authorization", bearer);
            JsonNode account = mapper.readTree(body(http, search)).path("accounts").get(0);
            String nonce = UUID.randomUUID().toString();
            long now = System.currentTimeMillis();
            String sudi = "{\"udi_pid\":\"C8000V\",\"udi_serial_number\":\"COLD1\"}";
            String payload = "{\"version\":\"2.0\",\"asset_identification\":{\"report_id\":" + now / 1000 + ",\"asset\":{\"name\":\"tag\"},"
                    + "\"instance\":{\"sudi\":" + sudi + "}},\"meta\":{\"entitlement_tag\":\"ent\"},\"measurements\":[{\"start_time\":"
                    + (now / 1000 - 60) + ",\"end_time\":" + now / 1000 + ",\"value\":{\"type\":\"COUNT\",\"value\":\"1\"}}]}";
            HttpPost report = new HttpPost(url + "/backend/api/v2/devices/reportusage");
            usageHeaders(report, bearer, account, sudi);
            report.setEntity(new StringEntity("{\"data\":{\"timestamp\":" + now + ",\"nonce\":\"" + nonce + "\",\"reports\":[{\"sudi\":"
                    + sudi + ",\"usage\":[{\"payload\":" + mapper.writeValueAsString(payload) + ",\"signature\":{\"sudi\":" + sudi
                    + ",\"signing_type\":\"builtin\",\"key\":\"tag\",\"value\":\"AAAA\"}}]}]}}", ContentType.APPLICATION_JSON));
            String pollId = mapper.readTree(body(http, report)).path("poll_id").asText();
            HttpPost poll = new HttpPost(url + "/backend/api/v2/accounts/poll");
            usageHeaders(poll, bearer, account, sudi);
            poll.setEntity(new StringEntity("{\"data\":{\"timestamp\":" + now + ",\"nonce\":\"" + nonce + "\",\"poll_id\":" + pollId
                    + ",\"action\":\"acknowledgements\"}}", ContentType.APPLICATION_JSON));
            String status = mapper.readTree(body(http, poll)).path("status").asText();
            if (!status.equals("COMPLETE")) {
                throw new IllegalStateException("not acknowledged: " + status);
            }
        }
    }

    private static void usageHeaders(org.apache.hc.core5.http.HttpRequest request, String bearer, JsonNode account, String sudi) {
        request.setHeader("Authorization", bearer);
        request.setHeader("X-CSW-SMART-ACCOUNT-ID", account.path("account_id").asText());
        request.setHeader("X-CSW-VIRTUAL-ACCOUNT-ID", account.path("virtual_accounts").get(0).path("virtual_account_id").asText());
        request.setHeader("X-CSW-REQUESTING-SYSTEM", sudi);
    }

    private static byte[] body(CloseableHttpClient http, org.apache.hc.core5.http.ClassicHttpRequest request) throws java.io.IOException {
        return http.execute(request, r -> EntityUtils.toByteArray(r.getEntity()));
    }
}
