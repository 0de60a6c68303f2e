package io.github.ssmonprem.sync.internal;

import io.github.ssmonprem.core.SsmRoutes;
import io.github.ssmonprem.core.exception.SsmServiceException;
import io.github.ssmonprem.core.http.AccessTokenSource;
import io.github.ssmonprem.core.http.ErrorDecoder;
import io.github.ssmonprem.core.http.SsmHttpClient;
import io.github.ssmonprem.core.http.SsmRequest;
import io.github.ssmonprem.core.http.SsmResponse;
import io.github.ssmonprem.core.internal.ErrorMapper;
import io.github.ssmonprem.core.internal.JsonCodec;
import io.github.ssmonprem.sync.AccountNotFoundException;
import io.github.ssmonprem.sync.model.Account;
import io.github.ssmonprem.sync.model.License;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/** The accounts and licenses routes, with paging. */
public final class LicenseService {

    private final SsmHttpClient http;
    private final AccessTokenSource tokens;
    private final SsmRoutes routes;
    private final int pageSize;
    private final JsonCodec json;

    /**
     * Creates the license service.
     *
     * @param http the transport
     * @param tokens the token source
     * @param pageSize licenses per page
     */
    public LicenseService(SsmHttpClient http, AccessTokenSource tokens, int pageSize) {
        this.http = http;
        this.tokens = tokens;
        this.routes = http.config().routes();
        this.json = new JsonCodec(http.config().baseUrl());
        this.pageSize = pageSize;
    }

    /**
     * Returns the smart accounts the user can see.
     *
     * @return the smart accounts the user can see
     */
    public List<Account> accounts() {
        SsmRequest request = SsmRequest.get("accounts", routes.accountsPath()).bearer(tokens).build();
        SsmResponse response = http.execute(request);
        AccountsPage page = json.decode(request, response, AccountsPage.class);
        if (page.accounts == null) {
            throw json.malformed(request, response, "has no accounts list");
        }
        return List.copyOf(page.accounts);
    }

    /**
     * Streams the licenses of an account page by page: only the page being read is held.
     *
     * @param account the smart account domain
     * @param virtualAccounts the virtual accounts, empty for all
     * @return a lazy stream; each page is requested when the previous one is consumed
     */
    public Stream<License> stream(String account, List<String> virtualAccounts) {
        Iterator<License> pages = new PageIterator(account, List.copyOf(virtualAccounts));
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(pages, Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    private List<License> page(String account, List<String> virtualAccounts, long offset, long[] total) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("virtualAccounts", virtualAccounts);
        body.put("limit", pageSize);
        body.put("offset", offset);
        SsmRequest request = SsmRequest.post("licenses", routes.licensesPath(account))
                .jsonBody(body)
                .idempotent(true)
                .bearer(tokens)
                .errorDecoder(notFound(account))
                .build();
        SsmResponse response = http.execute(request);
        LicensePage page = json.decode(request, response, LicensePage.class);
        if ("ERROR".equalsIgnoreCase(page.status)) {
            throw new SsmServiceException("licenses of " + account + ": the server answered status ERROR"
                    + (page.statusMessage != null && !page.statusMessage.isBlank() ? ": " + page.statusMessage : "") + ".",
                    "Check the account and virtual account names; the server's message says what it refused.",
                    false, response.statusCode(), "ERROR", page.statusMessage, response.header("X-Request-Id").orElse(null));
        }
        if (page.licenses == null) {
            throw json.malformed(request, response, "has no licenses list");
        }
        if (page.totalRecords != null) {
            total[0] = page.totalRecords;
        }
        return page.licenses;
    }

    private static ErrorDecoder notFound(String account) {
        return error -> {
            if (error.statusCode() != 404) {
                return null;
            }
            String message = ErrorMapper.serverMessage(error).orElse(null);
            return new AccountNotFoundException(account, error.target() + ": the smart account '" + account
                    + "' was not found (HTTP 404" + (message != null ? ": " + message : "") + ").", message,
                    error.requestId().orElse(null));
        };
    }

    /** Walks the pages: {@code offset} grows by each page until it reaches {@code totalRecords} or a page is empty. */
    private final class PageIterator implements Iterator<License> {
        private final String account;
        private final List<String> virtualAccounts;
        private final long[] total = {-1};
        private long offset;
        private Iterator<License> current = java.util.Collections.emptyIterator();
        private boolean exhausted;

        PageIterator(String account, List<String> virtualAccounts) {
            this.account = account;
            this.virtualAccounts = virtualAccounts;
        }

        @Override
        public boolean hasNext() {
            while (!current.hasNext()) {
                if (exhausted || (total[0] >= 0 && offset >= total[0])) {
                    return false;
                }
                List<License> next = page(account, virtualAccounts, offset, total);
                if (next.isEmpty()) {
                    exhausted = true;
                    return false;
                }
                offset += next.size();
                current = next.iterator();
            }
            return true;
        }

        @Override
        public License next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return current.next();
        }
    }
}
