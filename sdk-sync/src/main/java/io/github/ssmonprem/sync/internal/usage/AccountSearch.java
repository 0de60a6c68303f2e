package io.github.ssmonprem.sync.internal.usage;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ssmonprem.core.SsmRoutes;
import io.github.ssmonprem.core.http.AccessTokenSource;
import io.github.ssmonprem.core.http.SsmHttpClient;
import io.github.ssmonprem.core.http.SsmRequest;
import io.github.ssmonprem.core.http.SsmResponse;
import io.github.ssmonprem.core.internal.JsonCodec;
import io.github.ssmonprem.sync.AccountNotFoundException;
import io.github.ssmonprem.sync.internal.usage.UsageProtocol.AccountIds;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The numeric ids the usage routes address an account and virtual account by (PROTOCOL.md section 2),
 * found by {@code v2/accounts/search} once and cached for every account and virtual account the
 * answer lists; searched again when a name is not in the cache. An unknown name lists what the grant
 * sees.
 */
final class AccountSearch {

    private final SsmHttpClient http;
    private final AccessTokenSource tokens;
    private final SsmRoutes routes;
    private final JsonCodec json;
    private final Map<String, AccountIds> ids = new ConcurrentHashMap<>();

    AccountSearch(SsmHttpClient http, AccessTokenSource tokens, JsonCodec json) {
        this.http = http;
        this.tokens = tokens;
        this.routes = http.config().routes();
        this.json = json;
    }

    /**
     * {@return the ids of an account and virtual account}
     *
     * @param domain the smart account domain (case-insensitive)
     * @param virtualAccount the virtual account's name
     * @param deadline when the search must be over, or null for none
     * @throws AccountNotFoundException when the grant sees no such account or virtual account; it lists what it sees
     */
    AccountIds ids(String domain, String virtualAccount, Instant deadline) {
        String key = key(domain, virtualAccount);
        AccountIds known = ids.get(key);
        if (known != null) {
            return known;
        }
        SsmRequest request = SsmRequest.get("usage.accounts.search", routes.accountSearchPath()).bearer(tokens).idempotent(true)
                .deadline(deadline).build();
        SsmResponse response = http.execute(request);
        JsonNode answer = json.decode(request, response, JsonNode.class);
        List<String> domains = new ArrayList<>();
        List<String> names = null;
        for (JsonNode account : answer.path("accounts")) {
            String d = RumJson.text(account.path("domain"));
            String accountId = RumJson.id(account.path("account_id"));
            if (d == null || accountId == null) {
                continue;
            }
            domains.add(d);
            List<String> vas = new ArrayList<>();
            for (JsonNode va : account.path("virtual_accounts")) {
                String name = RumJson.text(va.path("name"));
                String vaId = RumJson.id(va.path("virtual_account_id"));
                if (name != null && vaId != null) {
                    ids.put(key(d, name), new AccountIds(accountId, vaId));
                    vas.add(name);
                }
            }
            if (d.equalsIgnoreCase(domain)) {
                names = vas;
            }
        }
        known = ids.get(key);
        if (known != null) {
            return known;
        }
        String detail = names == null
                ? "The API Toolkit grant sees no smart account '" + domain + "' (" + request.path() + " lists "
                        + (domains.isEmpty() ? "none" : String.join(", ", domains)) + ")"
                : "Smart account '" + domain + "' has no virtual account '" + virtualAccount + "' that the API Toolkit grant sees ("
                        + (names.isEmpty() ? "it sees none" : "it sees " + String.join(", ", names)) + ")";
        throw new AccountNotFoundException(domain, names == null ? null : virtualAccount, detail + ".", response.statusCode(), null, null,
                response.header("X-Request-Id").orElse(null));
    }

    private static String key(String domain, String virtualAccount) {
        return domain.toLowerCase(Locale.ROOT) + "\n" + virtualAccount;
    }
}
