package io.github.ssmonprem.sync.internal;

import io.github.ssmonprem.core.SsmRoutes;
import io.github.ssmonprem.core.exception.MalformedResponseException;
import io.github.ssmonprem.core.exception.SsmServiceException;
import io.github.ssmonprem.core.http.AccessTokenSource;
import io.github.ssmonprem.core.http.ErrorDecoder;
import io.github.ssmonprem.core.http.SsmHttpClient;
import io.github.ssmonprem.core.http.SsmRequest;
import io.github.ssmonprem.core.http.SsmResponse;
import io.github.ssmonprem.core.internal.ErrorMapper;
import io.github.ssmonprem.core.internal.JsonCodec;
import io.github.ssmonprem.core.internal.Redactor;
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
    private final long maxLicenses;
    private final int maxPages;
    private final JsonCodec json;

    /**
     * Creates the license service.
     *
     * @param http the transport
     * @param tokens the token source
     * @param pageSize licenses per page
     * @param maxLicenses the most licenses one pull accepts
     * @param maxPages the most pages one pull asks for
     */
    public LicenseService(SsmHttpClient http, AccessTokenSource tokens, int pageSize, long maxLicenses, int maxPages) {
        this.http = http;
        this.tokens = tokens;
        this.routes = http.config().routes();
        this.json = new JsonCodec(http.config().baseUrl());
        this.pageSize = pageSize;
        this.maxLicenses = maxLicenses;
        this.maxPages = maxPages;
    }

    /** {@return the smart accounts the user can see} */
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
        return stream(account, virtualAccounts, SyncDeadline.none(http.config().clock()));
    }

    /**
     * Streams the licenses of an account page by page, within a deadline: no page is asked for once it
     * has passed, and each page's request is cut at it.
     *
     * @param account the smart account domain
     * @param virtualAccounts the virtual accounts, empty for all
     * @param deadline when the pull must be over
     * @return a lazy stream; each page is requested when the previous one is consumed
     * @throws io.github.ssmonprem.core.exception.MalformedResponseException (when consumed) when the server's
     *     paging cannot be trusted: a negative or excessive total, a repeated page, past the caps
     * @throws io.github.ssmonprem.core.exception.RequestTimeoutException (when consumed) of phase
     *     {@code DEADLINE} when the deadline passed
     */
    public Stream<License> stream(String account, List<String> virtualAccounts, SyncDeadline deadline) {
        Iterator<License> pages = new PageIterator(account, List.copyOf(virtualAccounts), deadline);
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(pages, Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    private List<License> page(String account, List<String> virtualAccounts, LicensePaging paging, SyncDeadline deadline) {
        long offset = paging.offset();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("virtualAccounts", virtualAccounts);
        body.put("limit", pageSize);
        body.put("offset", offset);
        SsmRequest request = SsmRequest.post("licenses", routes.licensesPath(account))
                .jsonBody(body)
                .idempotent(true)
                .bearer(tokens)
                .errorDecoder(notFound(account))
                .deadline(deadline.at())
                .build();
        SsmResponse response = http.execute(request);
        LicensePage page = json.decode(request, response, LicensePage.class);
        if ("ERROR".equalsIgnoreCase(page.status)) {
            String said = page.statusMessage == null || page.statusMessage.isBlank() ? null : Redactor.snippet(page.statusMessage, 500);
            throw new SsmServiceException("licenses of " + account + ": the server answered status ERROR"
                    + (said != null ? ": " + said : "") + ".",
                    "Check the account and virtual account names; the server's message says what it refused.",
                    false, response.statusCode(), "ERROR", said, response.header("X-Request-Id").map(Redactor::redact).orElse(null));
        }
        if (page.licenses == null) {
            throw json.malformed(request, response, "has no licenses list");
        }
        String untrusted = paging.accept(page.totalRecords, page.licenses);
        if (untrusted != null) {
            throw new MalformedResponseException("licenses of " + account + " (" + request.method() + " " + http.config().baseUrl()
                    + request.path() + "): the server " + untrusted + "; the pull stopped there and its licenses were not used.",
                    "The server's paging cannot be trusted (check that the URL points at SSM On-Prem itself, and its version). "
                            + "If the account really holds that many licenses, raise maxLicenses or maxLicensePages.",
                    response.statusCode(), "");
        }
        return page.licenses;
    }

    private static ErrorDecoder notFound(String account) {
        return error -> {
            if (error.statusCode() != 404) {
                return null;
            }
            String message = ErrorMapper.serverMessage(error).orElse(null);
            return new AccountNotFoundException(account, null, error.target() + ": the smart account '" + account
                    + "' was not found (HTTP 404" + (message != null ? ": " + ErrorMapper.inSentence(message) : "") + ").", 404,
                    ErrorMapper.errorCode(error).orElse(null), message, error.requestId().orElse(null));
        };
    }

    /**
     * Walks the pages: {@code offset} grows by each page until it reaches {@code totalRecords} or a page
     * is empty, under the checks of {@link LicensePaging}. Holds one page at a time.
     */
    private final class PageIterator implements Iterator<License> {
        private final String account;
        private final List<String> virtualAccounts;
        private final SyncDeadline deadline;
        private final LicensePaging paging = new LicensePaging(maxLicenses, maxPages);
        private Iterator<License> current = java.util.Collections.emptyIterator();
        private boolean exhausted;

        PageIterator(String account, List<String> virtualAccounts, SyncDeadline deadline) {
            this.account = account;
            this.virtualAccounts = virtualAccounts;
            this.deadline = deadline;
        }

        @Override
        public boolean hasNext() {
            while (!current.hasNext()) {
                if (exhausted || !paging.more()) {
                    return false;
                }
                List<License> next = page(account, virtualAccounts, paging, deadline);
                if (next.isEmpty()) {
                    exhausted = true;
                    return false;
                }
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
