package io.github.ssmonprem.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.github.ssmonprem.auth.OAuthGrant;
import io.github.ssmonprem.core.Secret;
import io.github.ssmonprem.core.SsmClientConfig;
import io.github.ssmonprem.core.SsmRoutes;
import io.github.ssmonprem.core.TlsConfig;
import io.github.ssmonprem.core.testing.TestClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;

/**
 * An SSM On-Prem emulator: a real HTTP(S) server on a loopback port that speaks the SSM On-Prem wire
 * profile (OAuth token route, accounts, licenses, account ids by search, usage uploads, acknowledgement
 * and authorization-code polls), with API Toolkit grants of both kinds, users, accounts, a generated
 * license inventory, token expiry and revocation, both OAuth error flavours, and faults on demand. It
 * counts what it saw, for assertions.
 *
 * <pre>{@code
 * try (SsmEmulator ssm = SsmEmulator.builder().account("acme.example", "Acme", "DEFAULT", "Branch-East")
 *         .licenses("acme.example", "Branch-East", 250).start()) {
 *     SsmClientConfig config = ssm.clientConfig().build();
 *     OAuthGrant grant = ssm.passwordGrant();
 *     ...
 *     assertEquals(1, ssm.stats().tokenRequests());
 * }
 * }</pre>
 *
 * <h2>Usage reporting, strictly</h2>
 * The usage routes speak as real servers do (PROTOCOL.md sections 2 to 4) and refuse what a real
 * server would, so a client that passes against the emulator sends the right shapes:
 * <ul>
 *   <li>{@code GET /backend/api/v2/accounts/search} lists every account with its numeric
 *       {@code account_id} and its virtual accounts' {@code virtual_account_id}, as strings (as in the
 *       recorded answer); ids are assigned ({@link #accountId(String)}, {@link #virtualAccountId(String, String)})
 *       or set on the builder.</li>
 *   <li>{@code POST /backend/api/v2/devices/reportusage} needs the numeric ids in
 *       {@code X-CSW-SMART-ACCOUNT-ID} / {@code X-CSW-VIRTUAL-ACCOUNT-ID} (a domain or virtual-account
 *       name is refused with 400), {@code X-CSW-REQUESTING-SYSTEM} as
 *       {@code {"udi_pid":..,"udi_serial_number":..}}, and the body
 *       {@code {"data":{"timestamp":<number>,"nonce":<string>,"reports":[{"sudi":SUDI,"usage":[{"payload":<string>,"signature":<object>}]}]}}}.
 *       A payload that is not a string or not JSON text, a report without signature (or with one that
 *       lacks {@code sudi}, {@code signing_type}, {@code key} or {@code value}), a payload or signature
 *       whose device differs from its group's: 400 {@code {"status":"FAILED","message","message_code"}}.
 *       A body over {@link Builder#maxRequestBytes(long)} (1 MiB, nginx's default): 413 with nginx's page.
 *       Accepted: 202 (see {@link Builder#acceptedStatus(int)})
 *       {@code {"status":"OK_POLL","message_code":null,"message":null,"timestamp","nonce","type":null,"poll_id","poll_interval","action":"acknowledgements"}},
 *       the nonce echoed and the poll id a 64-bit number above 2^53. A RUM report the emulator already
 *       has (same SUDI and report id) makes the whole upload {@code FAILED} "already received"
 *       ({@link Builder#duplicateAnswer(int, String, String)}) and nothing of it is stored.</li>
 *   <li>{@code POST /backend/api/v2/accounts/poll} needs the same headers and
 *       {@code {"data":{"timestamp","nonce","poll_id":<number>,"action":"acknowledgements"}}}: a poll id
 *       sent as a string, or as a non-integer number, is refused with 400; an unknown one (or another
 *       account's) is 404. It answers {@code OK_POLL} with {@code poll_interval} until
 *       {@link #acknowledgeAfter(int, Duration)} says ready, then {@code COMPLETE} with {@code type},
 *       {@code correlation_id} and one ACK per device in {@code data.acknowledgements} (matched by SUDI),
 *       the same answer on every later poll. Each ACK is recorded as an {@link IssuedAcknowledgement}.</li>
 *   <li>{@code POST /backend/api/v2/devices/authrequest} takes authorization-code requests (HSEC, SLAC)
 *       and returns ({@code "keys":[]} with a {@code remove_code}); polled with
 *       {@code "action":"authorizations"}, they complete with {@code data.authorizations}
 *       ({@link IssuedAuthorization}).</li>
 * </ul>
 * A payload is stored exactly as received ({@link Stats#receivedPayloads()}); {@link RumReportFixture}
 * and {@link DeviceUsageFiles} build the reports and usage files that devices write, for tests.
 *
 * <p>Out of the box it has the demo credentials of {@link #DEMO_CLIENT_ID} and friends, and the
 * account {@link #DEMO_ACCOUNT} with 120 licenses in two virtual accounts.
 */
public final class SsmEmulator implements AutoCloseable {

    /** Client ID of the demo Resource Owner Grant. */
    public static final String DEMO_CLIENT_ID = "ssm-demo-client";
    /** Client secret of the demo Resource Owner Grant. */
    public static final String DEMO_CLIENT_SECRET = "demo-client-secret";
    /** Client ID of the demo Client Credentials Grant. */
    public static final String DEMO_CC_CLIENT_ID = "ssm-demo-service";
    /** Client secret of the demo Client Credentials Grant. */
    public static final String DEMO_CC_CLIENT_SECRET = "demo-service-secret";
    /** The demo user. */
    public static final String DEMO_USER = "demo-admin";
    /** The demo user's password. */
    public static final String DEMO_PASSWORD = "demo-password";
    /** The demo smart account domain. */
    public static final String DEMO_ACCOUNT = "demo.example";

    static final String NGINX_502 = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
            + "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

    /** The routes the emulator serves: the SDK's own, so the two never disagree. */
    private static final SsmRoutes ROUTES = SsmRoutes.defaults();
    private static final String TOKEN_PATH = ROUTES.tokenPath();
    private static final String ACCOUNTS_PATH = ROUTES.accountsPath();
    /** The licenses route before and after its account placeholder: {@code /backend/api/v1/accounts/} and {@code /licenses}. */
    private static final String LICENSES_PREFIX = ROUTES.licensesPath().substring(0, ROUTES.licensesPath().indexOf(SsmRoutes.ACCOUNT_PLACEHOLDER));
    private static final String LICENSES_SUFFIX = ROUTES.licensesPath().substring(
            ROUTES.licensesPath().indexOf(SsmRoutes.ACCOUNT_PLACEHOLDER) + SsmRoutes.ACCOUNT_PLACEHOLDER.length());
    private static final String USAGE_PATH = ROUTES.usageReportPath();
    private static final String POLL_PATH = ROUTES.pollPath();
    private static final String SEARCH_PATH = ROUTES.accountSearchPath();
    private static final String AUTHORIZATION_PATH = ROUTES.authorizationRequestPath();
    /** The name each route is counted under in {@link Stats#requests(String)}. */
    private static final Map<String, String> ROUTE_NAMES = Map.of(TOKEN_PATH, "token", ACCOUNTS_PATH, "accounts",
            USAGE_PATH, "usage", POLL_PATH, "poll", SEARCH_PATH, "search", AUTHORIZATION_PATH, "authrequest");

    private final ObjectMapper json = JsonMapper.builder().build();
    private final SecureRandom random = new SecureRandom();
    private final MockWebServer server = new MockWebServer();
    private final HeldCertificate ca;
    private final Clock clock;
    private final ErrorFlavour flavour;
    private final Duration tokenLifetime;
    private final boolean issueRefreshTokens;
    private final Set<String> allowedScopes;
    private final Map<String, GrantRecord> grants = new ConcurrentHashMap<>();
    private final Map<String, String> users = new ConcurrentHashMap<>();
    private final Map<String, AccountRecord> accounts = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, TokenRecord> accessTokens = new ConcurrentHashMap<>();
    private final Map<String, TokenRecord> refreshTokens = new ConcurrentHashMap<>();
    private final UsageFaults usageFaults = new UsageFaults();
    private final Faults faults = new Faults();
    private final Stats stats = new Stats();
    private final UsageRoutes usage;

    private SsmEmulator(Builder b) {
        this.clock = b.clock;
        this.flavour = b.flavour;
        this.tokenLifetime = b.tokenLifetime;
        this.issueRefreshTokens = b.issueRefreshTokens;
        this.allowedScopes = Set.copyOf(b.allowedScopes);
        this.grants.putAll(b.grants);
        this.users.putAll(b.users);
        this.accounts.putAll(b.accounts);
        this.usage = new UsageRoutes(clock, this::accountRecords, b.usage, usageFaults, stats.faultsServed::incrementAndGet,
                this::jsonResponse);
        if (b.https) {
            this.ca = new HeldCertificate.Builder().certificateAuthority(0)
                    .commonName("SSM On-Prem Emulator CA").organizationalUnit("ssm-emulator").build();
            HeldCertificate serverCert = new HeldCertificate.Builder().signedBy(ca).commonName("localhost")
                    .addSubjectAlternativeName("localhost").addSubjectAlternativeName("127.0.0.1").build();
            HandshakeCertificates certs = new HandshakeCertificates.Builder().heldCertificate(serverCert, ca.certificate()).build();
            server.useHttps(certs.sslSocketFactory());
        } else {
            this.ca = null;
        }
        server.setProtocols(List.of(okhttp3.Protocol.HTTP_1_1));
        server.setServerSocketFactory(new NoDelayServerSockets());
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return handle(request);
            }
        });
    }

    /**
     * Server sockets whose connections send without delay (TCP_NODELAY). The server writes an answer's
     * headers and body separately; with Nagle's algorithm the body then waits for the client's delayed
     * acknowledgement, about 40 ms on every answer after a connection's first, which no real server
     * adds.
     */
    private static final class NoDelayServerSockets extends javax.net.ServerSocketFactory {
        @Override
        public java.net.ServerSocket createServerSocket() throws IOException {
            return new java.net.ServerSocket() {
                @Override
                public java.net.Socket accept() throws IOException {
                    java.net.Socket socket = super.accept();
                    socket.setTcpNoDelay(true);
                    return socket;
                }
            };
        }

        @Override
        public java.net.ServerSocket createServerSocket(int port) throws IOException {
            java.net.ServerSocket socket = createServerSocket();
            socket.bind(new java.net.InetSocketAddress(port));
            return socket;
        }

        @Override
        public java.net.ServerSocket createServerSocket(int port, int backlog) throws IOException {
            java.net.ServerSocket socket = createServerSocket();
            socket.bind(new java.net.InetSocketAddress(port), backlog);
            return socket;
        }

        @Override
        public java.net.ServerSocket createServerSocket(int port, int backlog, InetAddress address) throws IOException {
            java.net.ServerSocket socket = createServerSocket();
            socket.bind(new java.net.InetSocketAddress(address, port), backlog);
            return socket;
        }
    }

    /** {@return a builder holding the demo grants, user and account} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts an emulator with the demo configuration on plain HTTP.
     *
     * @return the running emulator
     */
    public static SsmEmulator startDemo() {
        return builder().start();
    }

    private SsmEmulator startServer(int port) {
        try {
            server.start(InetAddress.getLoopbackAddress(), port);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the SSM On-Prem emulator", e);
        }
        return this;
    }

    /** {@return the base URL, such as {@code http://127.0.0.1:41234}} */
    public URI url() {
        return URI.create((ca != null ? "https" : "http") + "://127.0.0.1:" + server.getPort());
    }

    /** {@return the port} */
    public int port() {
        return server.getPort();
    }

    /** {@return whether it serves HTTPS} */
    public boolean isHttps() {
        return ca != null;
    }

    /** {@return the PEM of the CA that issued the server certificate (HTTPS only), for {@code --ca-cert}} */
    public String caPem() {
        if (ca == null) {
            throw new IllegalStateException("the emulator serves plain HTTP");
        }
        return ca.certificatePem();
    }

    /**
     * A client configuration for this emulator: its URL, no proxy, its CA when on HTTPS, plain HTTP
     * allowed otherwise; and, when the emulator runs on a {@link TestClock}, that clock as the client's
     * clock and sleeper, so the client under test and the emulator share one time that no one waits for.
     *
     * @return a builder to adjust further
     */
    public SsmClientConfig.Builder clientConfig() {
        SsmClientConfig.Builder b = SsmClientConfig.builder().baseUrl(url()).noProxy();
        if (clock instanceof TestClock) {
            b.clock(clock).sleeper((TestClock) clock);
        }
        return ca != null ? b.tls(TlsConfig.trustPem(ca.certificatePem())) : b.allowPlainHttp(true);
    }

    /**
     * Returns the clock that token expiry and acknowledgement delays are measured on.
     *
     * @return the emulator's clock (the system clock unless the builder set another)
     */
    public Clock clock() {
        return clock;
    }

    /**
     * Returns the {@link TestClock} the emulator runs on, to advance it from a test.
     *
     * @return the emulator's test clock
     * @throws IllegalStateException when the emulator runs on another clock (set one with
     *     {@link Builder#clock(Clock)} or {@link Builder#testClock()})
     */
    public TestClock testClock() {
        if (!(clock instanceof TestClock)) {
            throw new IllegalStateException("the emulator runs on " + clock
                    + ", not on a TestClock: build it with clock(TestClock.start()) or testClock()");
        }
        return (TestClock) clock;
    }

    /** {@return the demo Resource Owner (password) grant} */
    public OAuthGrant passwordGrant() {
        return OAuthGrant.password(DEMO_CLIENT_ID, Secret.of(DEMO_CLIENT_SECRET), DEMO_USER, Secret.of(DEMO_PASSWORD));
    }

    /** {@return the demo Client Credentials grant} */
    public OAuthGrant clientCredentialsGrant() {
        return OAuthGrant.clientCredentials(DEMO_CC_CLIENT_ID, Secret.of(DEMO_CC_CLIENT_SECRET));
    }

    /** {@return the fault switches} */
    public Faults faults() {
        return faults;
    }

    /** {@return what the emulator saw} */
    public Stats stats() {
        return stats;
    }

    /**
     * Changes when uploads (and authorization requests) complete, from now on: a poll answers
     * {@code COMPLETE} once more than {@code polls} polls of its poll id were answered and {@code delay}
     * has passed since receipt; {@code OK_POLL} before. {@code Integer.MAX_VALUE} polls: never.
     *
     * @param polls OK_POLL answers before COMPLETE
     * @param delay time since receipt, on the emulator's clock
     */
    public void acknowledgeAfter(int polls, Duration delay) {
        usage.acknowledgeAfter(polls, delay);
    }

    /**
     * {@return the numeric account id ({@code account_id} of {@code v2/accounts/search}) of a smart account}
     *
     * @param domain the smart account domain
     * @throws IllegalArgumentException when there is no such account
     */
    public String accountId(String domain) {
        return account(domain).accountId;
    }

    /**
     * {@return the numeric virtual account id ({@code virtual_account_id} of {@code v2/accounts/search})}
     *
     * @param domain the smart account domain
     * @param virtualAccount the virtual account's name
     * @throws IllegalArgumentException when there is no such account or virtual account
     */
    public String virtualAccountId(String domain, String virtualAccount) {
        String id = account(domain).virtualAccountIds.get(virtualAccount);
        if (id == null) {
            throw new IllegalArgumentException("account " + domain + " has no virtual account " + virtualAccount);
        }
        return id;
    }

    private AccountRecord account(String domain) {
        AccountRecord a = accounts.get(domain);
        if (a == null) {
            throw new IllegalArgumentException("unknown account " + domain);
        }
        return a;
    }

    private List<AccountRecord> accountRecords() {
        synchronized (accounts) {
            return List.copyOf(accounts.values());
        }
    }

    /** Revokes every access and refresh token issued so far: the next API call gets 401 invalid_token. */
    public void revokeAllTokens() {
        accessTokens.values().forEach(t -> t.revoked = true);
        refreshTokens.values().forEach(t -> t.revoked = true);
    }

    /**
     * Deletes an API Toolkit grant, as an administrator would: its token requests then fail with
     * {@code invalid_client}.
     *
     * @param clientId the grant's client ID
     */
    public void deleteGrant(String clientId) {
        grants.remove(clientId);
    }

    /**
     * Replaces the licenses of a virtual account with a generated inventory.
     *
     * @param account the smart account domain
     * @param virtualAccount the virtual account
     * @param count how many licenses
     * @param seed varies the generated quantities
     */
    public void setLicenses(String account, String virtualAccount, int count, int seed) {
        AccountRecord a = accounts.get(account);
        if (a == null) {
            throw new IllegalArgumentException("unknown account " + account);
        }
        a.licenses.put(virtualAccount, EmulatorLicenses.generate(virtualAccount, count, seed));
    }

    /**
     * Replaces the licenses of a virtual account with the given ones (maps of the wire fields).
     *
     * @param account the smart account domain
     * @param virtualAccount the virtual account
     * @param licenses the licenses
     */
    public void setLicenses(String account, String virtualAccount, List<Map<String, Object>> licenses) {
        accounts.get(account).licenses.put(virtualAccount, new ArrayList<>(licenses));
    }

    @Override
    public void close() {
        server.close();
    }

    @Override
    public String toString() {
        return "SsmEmulator{" + url() + ", flavour=" + flavour + "}";
    }

    // ------------------------------------------------------------------------------------------
    // Request handling
    // ------------------------------------------------------------------------------------------

    private MockResponse handle(RecordedRequest request) {
        String target = request.getTarget();
        stats.requestLines.add(request.getMethod() + " " + target);
        String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
        stats.byRoute.computeIfAbsent(route(path), k -> new AtomicInteger()).incrementAndGet();
        if (path.equals(USAGE_PATH) && "POST".equals(request.getMethod())) {
            usage.countUpload(request);
        }
        MockResponse fault = faults.next(request, path);
        if (fault != null) {
            return fault;
        }
        MockResponse response;
        try {
            if (path.equals(TOKEN_PATH) && "POST".equals(request.getMethod())) {
                response = token(request);
            } else if (path.equals(ACCOUNTS_PATH) && "GET".equals(request.getMethod())) {
                response = authorized(request, this::accounts);
            } else if (isLicenses(path) && "POST".equals(request.getMethod())) {
                response = authorized(request, r -> licenses(r, path));
            } else if (path.equals(SEARCH_PATH) && "GET".equals(request.getMethod())) {
                response = authorized(request, usage::search);
            } else if (path.equals(USAGE_PATH) && "POST".equals(request.getMethod())) {
                response = authorized(request, usage::upload);
            } else if (path.equals(POLL_PATH) && "POST".equals(request.getMethod())) {
                response = authorized(request, usage::poll);
            } else if (path.equals(AUTHORIZATION_PATH) && "POST".equals(request.getMethod())) {
                response = authorized(request, usage::authorize);
            } else {
                response = apiError(404, "No route matches " + request.getMethod() + " " + path);
            }
        } catch (IOException | RuntimeException e) {
            response = apiError(400, "Malformed request: " + e.getClass().getSimpleName());
        }
        Duration latency = faults.latency.get();
        if (!latency.isZero()) {
            response = response.newBuilder().headersDelay(latency.toMillis(), TimeUnit.MILLISECONDS).build();
        }
        return response;
    }

    private static String route(String path) {
        if (isLicenses(path)) {
            return "licenses";
        }
        return ROUTE_NAMES.getOrDefault(path, "other");
    }

    /** Whether a path is the licenses route of some account. */
    static boolean isLicenses(String path) {
        return path.startsWith(LICENSES_PREFIX) && path.endsWith(LICENSES_SUFFIX);
    }

    private interface Handler {
        MockResponse handle(RecordedRequest request) throws IOException;
    }

    private MockResponse authorized(RecordedRequest request, Handler handler) throws IOException {
        String header = request.getHeaders().get("Authorization");
        String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
        TokenRecord record = token == null ? null : accessTokens.get(token);
        if (record == null || record.revoked || !clock.instant().isBefore(record.expiresAt)) {
            String why = record == null ? "The access token is invalid" : record.revoked ? "The access token was revoked" : "The access token expired";
            stats.rejectedTokens.incrementAndGet();
            return jsonResponse(401, Map.of("error", "invalid_token", "error_description", why))
                    .newBuilder().setHeader("WWW-Authenticate",
                            "Bearer realm=\"Doorkeeper\", error=\"invalid_token\", error_description=\"" + why + "\"").build();
        }
        return handler.handle(request);
    }

    private MockResponse token(RecordedRequest request) {
        stats.tokenRequests.incrementAndGet();
        Map<String, String> form = parseForm(request.getBody() == null ? "" : request.getBody().utf8());
        String clientId = form.get("client_id");
        String clientSecret = form.get("client_secret");
        String basic = request.getHeaders().get("Authorization");
        if (basic != null && basic.regionMatches(true, 0, "Basic ", 0, 6)) {
            String decoded = new String(Base64.getDecoder().decode(basic.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon > 0) {
                clientId = URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8);
                clientSecret = URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8);
            }
        }
        String grantType = form.get("grant_type");
        if (request.getTarget().contains("?")) {
            stats.queryStringTokenRequests.incrementAndGet();
        }
        stats.tokenRequestsByGrant.computeIfAbsent(String.valueOf(grantType), k -> new AtomicInteger()).incrementAndGet();
        if (grantType == null || grantType.isBlank()) {
            return oauthError(400, "invalid_request", "The request is missing a required parameter: grant_type.");
        }
        if (!Set.of("password", "client_credentials", "refresh_token").contains(grantType)) {
            return oauthError(400, "unsupported_grant_type", "The authorization grant type is not supported by the authorization server.");
        }
        GrantRecord grant = clientId == null ? null : grants.get(clientId);
        if (grant == null || clientSecret == null || !grant.secret.equals(clientSecret)) {
            return flavour == ErrorFlavour.SSM_ON_PREM
                    ? oauthError(403, "invalid_client", "Grant not found. Ensure that the given grant details are correct.")
                    : oauthError(401, "invalid_client", "Client authentication failed due to unknown client, no client "
                            + "authentication included, or unsupported authentication method.");
        }
        String scope = form.get("scope");
        if (scope != null && !scope.isBlank() && !allowedScopes.containsAll(List.of(scope.trim().split("\\s+")))) {
            return oauthError(400, "invalid_scope", "The requested scope is invalid, unknown, or malformed.");
        }
        String user = null;
        switch (grantType) {
            case "password": {
                if (!"password".equals(grant.type)) {
                    return oauthError(flavour == ErrorFlavour.SSM_ON_PREM ? 400 : 401, "unauthorized_client",
                            "The client is not authorized to perform this request using this method.");
                }
                String username = form.get("username");
                String password = form.get("password");
                if (username == null || password == null) {
                    return oauthError(400, "invalid_request", "The request is missing a required parameter: username or password.");
                }
                if (!password.equals(users.get(username))) {
                    return oauthError(400, "invalid_grant", "The provided authorization grant is invalid, expired, revoked, "
                            + "does not match the redirection URI used in the authorization request, or was issued to another client.");
                }
                user = username;
                break;
            }
            case "client_credentials":
                if (!"client_credentials".equals(grant.type)) {
                    return oauthError(flavour == ErrorFlavour.SSM_ON_PREM ? 400 : 401, "unauthorized_client",
                            "The client is not authorized to perform this request using this method.");
                }
                break;
            default: {
                String refresh = form.get("refresh_token");
                TokenRecord previous = refresh == null ? null : refreshTokens.remove(refresh);
                if (previous == null || previous.revoked || !previous.clientId.equals(clientId)) {
                    return oauthError(400, "invalid_grant", "The provided authorization grant is invalid, expired, revoked, "
                            + "does not match the redirection URI used in the authorization request, or was issued to another client.");
                }
                user = previous.user;
            }
        }
        Instant now = clock.instant();
        String access = newToken();
        accessTokens.put(access, new TokenRecord(clientId, user, now.plus(tokenLifetime)));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", access);
        body.put("token_type", "Bearer");
        body.put("expires_in", tokenLifetime.toSeconds());
        if (issueRefreshTokens && user != null) {
            String refresh = newToken();
            refreshTokens.put(refresh, new TokenRecord(clientId, user, Instant.MAX));
            body.put("refresh_token", refresh);
        }
        if (scope != null && !scope.isBlank()) {
            body.put("scope", scope.trim());
        }
        body.put("created_at", now.getEpochSecond());
        stats.tokensIssued.incrementAndGet();
        return jsonResponse(200, body);
    }

    private MockResponse accounts(RecordedRequest request) {
        List<Map<String, Object>> list = new ArrayList<>();
        synchronized (accounts) {
            for (AccountRecord a : accounts.values()) {
                List<Map<String, Object>> vas = new ArrayList<>();
                for (String va : a.virtualAccounts) {
                    vas.add(Map.of("name", va, "isDefault", va.equals(a.virtualAccounts.get(0))));
                }
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("accountName", a.name);
                m.put("accountDomain", a.domain);
                m.put("accountStatus", "Active");
                m.put("virtualAccounts", vas);
                list.add(m);
            }
        }
        return jsonResponse(200, Map.of("accounts", list));
    }

    private MockResponse licenses(RecordedRequest request, String path) throws IOException {
        String domain = URLDecoder.decode(path.substring(LICENSES_PREFIX.length(), path.length() - LICENSES_SUFFIX.length()),
                StandardCharsets.UTF_8);
        AccountRecord account = accounts.get(domain);
        if (account == null) {
            return apiError(404, "Smart Account not found: " + domain);
        }
        JsonNode body = json.readTree(request.getBody() == null ? "{}" : request.getBody().utf8());
        List<String> wanted = new ArrayList<>();
        body.path("virtualAccounts").forEach(n -> wanted.add(n.asText()));
        for (String va : wanted) {
            if (!account.virtualAccounts.contains(va)) {
                return apiError(404, "Virtual Account not found: " + va);
            }
        }
        int limit = body.path("limit").asInt(100);
        long offset = body.path("offset").asLong(0);
        if (limit < 1 || offset < 0) {
            return apiError(400, "limit must be positive and offset not negative");
        }
        List<Map<String, Object>> all = new ArrayList<>();
        for (String va : account.virtualAccounts) {
            if (wanted.isEmpty() || wanted.contains(va)) {
                all.addAll(account.licenses.getOrDefault(va, List.of()));
            }
        }
        int from = (int) Math.min(offset, all.size());
        int to = (int) Math.min(offset + limit, all.size());
        stats.licensePages.incrementAndGet();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("totalRecords", all.size());
        answer.put("licenses", all.subList(from, to));
        answer.put("status", "SUCCESS");
        answer.put("statusMessage", "");
        return jsonResponse(200, answer);
    }

    private String newToken() {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private MockResponse oauthError(int status, String code, String message) {
        String field = flavour == ErrorFlavour.SSM_ON_PREM ? "error_message" : "error_description";
        return jsonResponse(status, Map.of("error", code, field, message));
    }

    private MockResponse apiError(int status, String message) {
        return jsonResponse(status, Map.of("status", "ERROR", "statusMessage", message));
    }

    private MockResponse jsonResponse(int status, Object body) {
        try {
            return new MockResponse.Builder().code(status)
                    .addHeader("Content-Type", "application/json; charset=utf-8")
                    .addHeader("X-Request-Id", "emu-" + stats.requestIds.incrementAndGet())
                    .body(json.writeValueAsString(body)).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, String> parseForm(String body) {
        Map<String, String> out = new HashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(key, value);
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------
    // State
    // ------------------------------------------------------------------------------------------

    private static final class GrantRecord {
        final String secret;
        final String type;

        GrantRecord(String secret, String type) {
            this.secret = secret;
            this.type = type;
        }
    }

    /** A smart account: its domain, name, virtual accounts (the first is the default), numeric ids and licenses. */
    static final class AccountRecord {
        final String domain;
        final String name;
        final List<String> virtualAccounts;
        final Map<String, List<Map<String, Object>>> licenses = new ConcurrentHashMap<>();
        volatile String accountId;
        /** Virtual account name to its numeric id, in the order of {@link #virtualAccounts}. */
        final Map<String, String> virtualAccountIds = new ConcurrentHashMap<>();

        AccountRecord(String domain, String name, List<String> virtualAccounts) {
            this.domain = domain;
            this.name = name;
            this.virtualAccounts = List.copyOf(virtualAccounts);
        }
    }

    private static final class TokenRecord {
        final String clientId;
        final String user;
        final Instant expiresAt;
        volatile boolean revoked;

        TokenRecord(String clientId, String user, Instant expiresAt) {
            this.clientId = clientId;
            this.user = user;
            this.expiresAt = expiresAt;
        }
    }

    /** Faults on demand. Each "next N" fault applies to the next N requests of any route. */
    public final class Faults {
        private final AtomicReference<Boolean> backendDown = new AtomicReference<>(false);
        private final AtomicInteger rateLimited = new AtomicInteger();
        private final AtomicLong retryAfterSeconds = new AtomicLong(1);
        private final AtomicInteger dropped = new AtomicInteger();
        private final AtomicInteger malformed = new AtomicInteger();
        private final AtomicReference<Duration> latency = new AtomicReference<>(Duration.ZERO);
        private final Map<String, AtomicInteger> routeDown = new ConcurrentHashMap<>();
        private final AtomicReference<EndlessPages> endlessPages = new AtomicReference<>();
        private final AtomicInteger echoing = new AtomicInteger();
        private final AtomicInteger oversized = new AtomicInteger();
        private final AtomicInteger oversizedChars = new AtomicInteger();
        private final AtomicReference<Duration> slowAnswers = new AtomicReference<>(Duration.ZERO);
        private final HostileAnswers hostile = new HostileAnswers(json);

        private Faults() {
        }

        /**
         * While set, the licenses route answers as a server whose paging never ends (see
         * {@link EndlessPages}); null restores the real pages. A client must stop on its own.
         *
         * @param mode how the pages never end, or null for none
         * @return these faults
         */
        public Faults endlessLicensePages(EndlessPages mode) {
            endlessPages.set(mode);
            return this;
        }

        /**
         * The next requests answer an error page quoting what the client sent, as a framework's debug page
         * or a WAF's error page does: a token request gets a 400 HTML page with its password, user name,
         * client secret and form body; an API call a 401 text page with its bearer token. A client must
         * not print them.
         *
         * @param requests how many
         * @return these faults
         */
        public Faults echoSecretsNext(int requests) {
            echoing.set(requests);
            return this;
        }

        /**
         * The next requests answer 200 with a body cut short inside an oversized field: a secret-named
         * {@code access_token} field whose value of {@code chars} characters (a JWT-sized token for 2,000)
         * never ends. A client must report a
         * malformed answer without quoting the token, and without exhausting its stack.
         *
         * @param requests how many
         * @param chars the length of each field
         * @return these faults
         */
        public Faults oversizedFieldsNext(int requests, int chars) {
            oversizedChars.set(chars);
            oversized.set(requests);
            return this;
        }

        /**
         * Makes every answer take this long on the emulator's {@link TestClock} (no real wait): a slow
         * server for tests of overall time limits, such as a sync's. Only on an emulator that runs on a
         * {@code TestClock}.
         *
         * @param perAnswer how far each answer moves the clock; zero for none
         * @return these faults
         * @throws IllegalStateException when the emulator does not run on a {@code TestClock}
         */
        public Faults slowAnswers(Duration perAnswer) {
            if (!perAnswer.isZero() && !(clock instanceof TestClock)) {
                throw new IllegalStateException("slowAnswers moves the emulator's TestClock: build the emulator with testClock()");
            }
            slowAnswers.set(Objects.requireNonNull(perAnswer));
            return this;
        }

        /**
         * While on, every route answers 502 with nginx's HTML page, as when the Rails backend is down.
         *
         * @param down true to take the backend down
         * @return these faults
         */
        public Faults backendDown(boolean down) {
            backendDown.set(down);
            return this;
        }

        /**
         * The next requests to one path answer 502 with nginx's HTML page, as when the Rails backend
         * stops answering; other paths are served as usual.
         *
         * @param path the path, such as {@code /backend/api/v2/devices/reportusage}
         * @param requests how many
         * @return these faults
         */
        public Faults backendDownOn(String path, int requests) {
            routeDown.put(Objects.requireNonNull(path, "path"), new AtomicInteger(requests));
            return this;
        }

        /**
         * The next requests answer 429 with {@code Retry-After}.
         *
         * @param requests how many
         * @param retryAfter the seconds to ask for
         * @return these faults
         */
        public Faults rateLimitNext(int requests, long retryAfter) {
            retryAfterSeconds.set(retryAfter);
            rateLimited.set(requests);
            return this;
        }

        /**
         * The next requests have their connection closed without an answer.
         *
         * @param requests how many
         * @return these faults
         */
        public Faults dropNextConnections(int requests) {
            dropped.set(requests);
            return this;
        }

        /**
         * The next requests answer 200 with a body that is not valid JSON.
         *
         * @param requests how many
         * @return these faults
         */
        public Faults malformedNext(int requests) {
            malformed.set(requests);
            return this;
        }

        /**
         * Delays every answer.
         *
         * @param delay the delay; zero for none
         * @return these faults
         */
        public Faults latency(Duration delay) {
            latency.set(Objects.requireNonNull(delay));
            return this;
        }

        /** Clears every fault. */
        public void clear() {
            backendDown.set(false);
            rateLimited.set(0);
            dropped.set(0);
            malformed.set(0);
            latency.set(Duration.ZERO);
            routeDown.clear();
            usageFaults.clear();
            endlessPages.set(null);
            echoing.set(0);
            oversized.set(0);
            slowAnswers.set(Duration.ZERO);
        }

        MockResponse next(RecordedRequest request, String path) {
            Duration slow = slowAnswers.get();
            if (!slow.isZero()) {
                ((TestClock) clock).advance(slow);
            }
            if (take(echoing)) {
                stats.faultsServed.incrementAndGet();
                return hostile.echo(request, path, TOKEN_PATH);
            }
            if (take(oversized)) {
                stats.faultsServed.incrementAndGet();
                return hostile.oversized(oversizedChars.get());
            }
            EndlessPages endless = endlessPages.get();
            if (endless != null && isLicenses(path) && "POST".equals(request.getMethod())) {
                stats.faultsServed.incrementAndGet();
                stats.licensePages.incrementAndGet();
                return hostile.licensePage(endless, request);
            }
            AtomicInteger down = routeDown.get(path);
            if (backendDown.get() || down != null && take(down)) {
                stats.faultsServed.incrementAndGet();
                return new MockResponse.Builder().code(502).addHeader("Content-Type", "text/html")
                        .addHeader("Server", "nginx").body(NGINX_502).build();
            }
            if (take(dropped)) {
                stats.faultsServed.incrementAndGet();
                return new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket(true, false, false)).build();
            }
            if (take(rateLimited)) {
                stats.faultsServed.incrementAndGet();
                return new MockResponse.Builder().code(429).addHeader("Retry-After", String.valueOf(retryAfterSeconds.get()))
                        .addHeader("Content-Type", "application/json")
                        .body("{\"status\":\"ERROR\",\"statusMessage\":\"Too many requests\"}").build();
            }
            if (take(malformed)) {
                stats.faultsServed.incrementAndGet();
                return new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
                        .body("{\"status\":\"SUCCESS\",\"licenses\":[{\"license\":").build();
            }
            return null;
        }

        private boolean take(AtomicInteger counter) {
            return counter.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
        }

        // ---- Faults of the usage routes (upload, poll, authorization request, account search) ----

        /**
         * The next polls of a pending upload or authorization request answer {@code OK_POLL} with a
         * message and message code, as a server that reports a problem with the poll: not ready yet, and
         * worth surfacing. They do not count towards {@link SsmEmulator#acknowledgeAfter(int, Duration)}.
         *
         * @param polls how many
         * @param message the {@code message}
         * @param messageCode the {@code message_code}
         * @return these faults
         */
        public Faults okPollWithMessageNext(int polls, String message, String messageCode) {
            usageFaults.okPollWithMessage.set(polls, 200, Objects.requireNonNull(message, "message"), messageCode, 0);
            return this;
        }

        /**
         * Forgets every poll id, as a server that restarted and lost its pending work: every later poll of
         * an earlier upload or authorization request answers 404 {@code POLL_ID_NOT_FOUND}. The RUM
         * reports of uploads not yet acknowledged are forgotten with them, so uploading them again is
         * accepted (and acknowledged); those of acknowledged uploads are still known.
         *
         * @return these faults
         */
        public Faults forgetPollIds() {
            usage.forgetPollIds(false);
            return this;
        }

        /**
         * Forgets every poll id as {@link #forgetPollIds()} does, but keeps every RUM report: uploading
         * a report of a forgotten upload again is refused as a duplicate, so its acknowledgement can no
         * longer be had. The hostile case for a client that did not keep its ACK.
         *
         * @return these faults
         */
        public Faults forgetPollIdsKeepingReports() {
            usage.forgetPollIds(true);
            return this;
        }

        /**
         * The next well-formed uploads are refused with 200 {@code {"status":"FAILED","message","message_code"}},
         * as for a signature the server rejects or a device it does not know; nothing of them is stored.
         *
         * @param uploads how many
         * @param message the {@code message}
         * @param messageCode the {@code message_code}
         * @return these faults
         */
        public Faults failNextUploads(int uploads, String message, String messageCode) {
            return failNextUploads(uploads, 200, message, messageCode);
        }

        /**
         * The next well-formed uploads are refused with {@code {"status":"FAILED","message","message_code"}}
         * and the given HTTP status; nothing of them is stored.
         *
         * @param uploads how many
         * @param httpStatus the answer's status, such as 200 or 400
         * @param message the {@code message}
         * @param messageCode the {@code message_code}
         * @return these faults
         */
        public Faults failNextUploads(int uploads, int httpStatus, String message, String messageCode) {
            usageFaults.failUploads.set(uploads, httpStatus, Objects.requireNonNull(message, "message"), messageCode, 0);
            return this;
        }

        /**
         * The next {@code COMPLETE} answer that includes this device carries an error entry for it in
         * place of its ACK or authorization code: {@code "smart_license":null}, {@code "status":status},
         * {@code "status_message":statusMessage} (and, for authorizations, {@code "error_code":status}).
         * The answer stays so on later polls of that poll id; no ACK is recorded as issued for the device.
         *
         * @param device the device
         * @param status the entry's {@code status}, such as {@code FAILED}
         * @param statusMessage the entry's {@code status_message}
         * @return these faults
         */
        public Faults errorEntryFor(DeviceId device, String status, String statusMessage) {
            return errorEntryFor(device, status, null, statusMessage);
        }

        /**
         * As {@link #errorEntryFor(DeviceId, String, String)}, with an {@code error_code} in the entry.
         *
         * @param device the device
         * @param status the entry's {@code status}, such as {@code FAILED}
         * @param errorCode the entry's {@code error_code}, or null for none
         * @param statusMessage the entry's {@code status_message}
         * @return these faults
         */
        public Faults errorEntryFor(DeviceId device, String status, String errorCode, String statusMessage) {
            usageFaults.addDeviceError(new UsageFaults.DeviceError(Objects.requireNonNull(device, "device"),
                    Objects.requireNonNull(status, "status"), errorCode, statusMessage));
            return this;
        }

        /**
         * The next {@code OK_POLL} answers (to uploads, authorization requests and polls) carry this
         * {@code poll_interval} instead of the configured one: a huge one ({@code 1_000_000_000}) or a
         * negative one, which a client must bound.
         *
         * @param answers how many
         * @param seconds the {@code poll_interval}
         * @return these faults
         */
        public Faults pollIntervalNext(int answers, long seconds) {
            usageFaults.pollInterval.set(answers, 200, null, null, seconds);
            return this;
        }

        /**
         * The next accepted uploads (and authorization requests) are answered with a nonce other than
         * the one they carried. The emulator has stored them all the same.
         *
         * @param answers how many
         * @return these faults
         */
        public Faults otherNonceNext(int answers) {
            usageFaults.otherNonce.set(answers, 200, null, null, 0);
            return this;
        }

        /**
         * The next accepted uploads (and authorization requests) are answered with {@code poll_id} under
         * {@code data} ({@code "data":{"poll_id":N}}) instead of at the top level.
         *
         * @param answers how many
         * @return these faults
         */
        public Faults pollIdUnderDataNext(int answers) {
            usageFaults.pollIdUnderData.set(answers, 200, null, null, 0);
            return this;
        }

        /**
         * The next accepted uploads (and authorization requests) are answered 200 instead of 202.
         *
         * @param answers how many
         * @return these faults
         */
        public Faults accept200Next(int answers) {
            usageFaults.accepted200.set(answers, 200, null, null, 0);
            return this;
        }

        /**
         * The next account searches give {@code account_id} and {@code virtual_account_id} as JSON numbers
         * instead of strings.
         *
         * @param answers how many
         * @return these faults
         */
        public Faults numericSearchIdsNext(int answers) {
            usageFaults.numericSearchIds.set(answers, 200, null, null, 0);
            return this;
        }
    }

    /** What the emulator saw. */
    public final class Stats {
        private final AtomicInteger tokenRequests = new AtomicInteger();
        private final AtomicInteger tokensIssued = new AtomicInteger();
        private final AtomicInteger queryStringTokenRequests = new AtomicInteger();
        private final Map<String, AtomicInteger> tokenRequestsByGrant = new ConcurrentHashMap<>();
        private final AtomicInteger rejectedTokens = new AtomicInteger();
        private final AtomicInteger licensePages = new AtomicInteger();
        private final AtomicInteger faultsServed = new AtomicInteger();
        private final AtomicLong requestIds = new AtomicLong();
        private final Map<String, AtomicInteger> byRoute = new ConcurrentHashMap<>();
        private final List<String> requestLines = new CopyOnWriteArrayList<>();

        private Stats() {
        }

        /**
         * Returns how many token requests were received.
         *
         * @return token requests received
         */
        public int tokenRequests() {
            return tokenRequests.get();
        }

        /**
         * Returns how many tokens were issued.
         *
         * @return tokens issued
         */
        public int tokensIssued() {
            return tokensIssued.get();
        }

        /**
         * Returns how many token requests of that grant type were received.
         *
         * @param grantType {@code password}, {@code client_credentials} or {@code refresh_token}
         * @return token requests of that grant type
         */
        public int tokenRequests(String grantType) {
            AtomicInteger n = tokenRequestsByGrant.get(grantType);
            return n == null ? 0 : n.get();
        }

        /**
         * Returns how many token requests carried a query string (the SDK must send none).
         *
         * @return token requests that carried a query string (the SDK must send none)
         */
        public int tokenRequestsWithQueryString() {
            return queryStringTokenRequests.get();
        }

        /**
         * Returns how many API calls were refused with 401 invalid_token.
         *
         * @return API calls refused with 401 invalid_token
         */
        public int rejectedTokens() {
            return rejectedTokens.get();
        }

        /**
         * Returns how many license pages were served.
         *
         * @return license pages served
         */
        public int licensePages() {
            return licensePages.get();
        }

        /**
         * Returns how many faults were served.
         *
         * @return faults served
         */
        public int faultsServed() {
            return faultsServed.get();
        }

        /**
         * Returns how many requests were received on that route (faults included).
         *
         * @param route {@code token}, {@code accounts}, {@code licenses}, {@code search}, {@code usage}, {@code poll},
         *     {@code authrequest} or {@code other}
         * @return requests received on that route (faults included)
         */
        public int requests(String route) {
            AtomicInteger n = byRoute.get(route);
            return n == null ? 0 : n.get();
        }

        /** {@return every request line received, in order, as {@code METHOD target}} */
        public List<String> requestLines() {
            return List.copyOf(requestLines);
        }

        // ---- The usage routes ----

        /** {@return how many account searches ({@code GET v2/accounts/search}) were answered} */
        public int accountSearches() {
            return usage.accountSearches.get();
        }

        /**
         * {@return how many uploads ({@code POST v2/devices/reportusage}) were received, whatever became of
         * them: accepted, refused, answered as duplicates, or met by a fault or an expired token}
         */
        public int uploads() {
            return usage.uploads.get();
        }

        /**
         * {@return how many uploads carried this RUM report, whatever became of them (as {@link #uploads()}):
         * how many times a client sent it}
         *
         * @param key the report's key, {@code PID:SERIAL#REPORT_ID}, as {@code RumReport.key()} and
         *     {@link RumReportFixture#key()} give it
         */
        public int uploadsOf(String key) {
            AtomicInteger n = usage.uploadsByKey.get(key);
            return n == null ? 0 : n.get();
        }

        /** {@return how many uploads were accepted (answered {@code OK_POLL} with a poll id)} */
        public int acceptedUploads() {
            return usage.acceptedUploads.get();
        }

        /** {@return how many uploads were answered {@code FAILED} because they held a RUM report already received} */
        public int duplicatesRefused() {
            return usage.duplicatesRefused.get();
        }

        /** {@return how many uploads were answered {@code FAILED} by {@link Faults#failNextUploads(int, String, String)}} */
        public int failedUploads() {
            return usage.failedUploads.get();
        }

        /**
         * {@return how many requests to the usage routes were refused as malformed or not allowed (4xx:
         * a name header, a string poll id, a payload that is not JSON text, an unknown poll id...): 0
         * for a client that speaks the protocol}
         */
        public int refusedRequests() {
            return usage.refusedRequests.get();
        }

        /** {@return the status, message code and message of the last refused request, or null before one} */
        public String lastRefusal() {
            return usage.lastRefusal;
        }

        /** {@return how many distinct RUM reports (by SUDI and report id) the emulator holds} */
        public int distinctRumReports() {
            return usage.distinctRumReports();
        }

        /** {@return the RUM reports the emulator holds, in the order they arrived} */
        public List<ReceivedRumReport> receivedReports() {
            return usage.receivedReports();
        }

        /**
         * {@return a RUM report the emulator holds, by its key}
         *
         * @param key the report's key, {@code PID:SERIAL#REPORT_ID}
         */
        public Optional<ReceivedRumReport> receivedReport(String key) {
            return usage.receivedReport(key);
        }

        /** {@return the payloads of the RUM reports the emulator holds, each exactly as received, in the order they arrived} */
        public List<String> receivedPayloads() {
            return usage.receivedReports().stream().map(ReceivedRumReport::payload).toList();
        }

        /** {@return the body of the last upload, exactly as received (UTF-8), or null before one} */
        public String lastUploadBody() {
            return usage.lastUploadBody;
        }

        /**
         * {@return the {@code X-CSW-REQUESTING-SYSTEM} header of the last request to the upload, poll or
         * authorization route that carried one, as sent, or null before one}
         */
        public String lastRequestingSystem() {
            return usage.lastRequestingSystem;
        }

        /** {@return how many polls of a known poll id were answered ({@code OK_POLL} or {@code COMPLETE})} */
        public int polls() {
            return usage.polls.get();
        }

        /** {@return how many polls were answered 404 because their poll id was unknown (or another account's)} */
        public int unknownPolls() {
            return usage.unknownPolls.get();
        }

        /** {@return how many acknowledgements were issued: one per device of each completed upload, error entries not counted} */
        public int acknowledgementsIssued() {
            return usage.acknowledgements().size();
        }

        /** {@return the acknowledgements issued, in order} */
        public List<IssuedAcknowledgement> issuedAcknowledgements() {
            return usage.acknowledgements();
        }

        /**
         * {@return the acknowledgements issued for one device, in order}
         *
         * @param device the device
         */
        public List<IssuedAcknowledgement> acknowledgementsFor(DeviceId device) {
            return usage.acknowledgements().stream().filter(a -> a.sudi().equals(device)).toList();
        }

        /** {@return how many authorization-code requests (and returns) were accepted} */
        public int authorizationRequests() {
            return usage.authorizationRequests.get();
        }

        /** {@return the authorization codes and return confirmations issued, in order} */
        public List<IssuedAuthorization> issuedAuthorizations() {
            return usage.authorizations();
        }
    }

    /** Builds an {@link SsmEmulator}; starts with the demo grants, user and account. */
    public static final class Builder {
        private boolean https;
        private Clock clock = Clock.systemUTC();
        private ErrorFlavour flavour = ErrorFlavour.SSM_ON_PREM;
        private Duration tokenLifetime = Duration.ofHours(1);
        private boolean issueRefreshTokens = true;
        private final UsageRoutes.Settings usage = new UsageRoutes.Settings();
        private long nextAccountId = 100_001;
        private long nextVirtualAccountId = 200_001;
        private final List<String> allowedScopes = new ArrayList<>(List.of("licensing", "read", "write"));
        private final Map<String, GrantRecord> grants = new LinkedHashMap<>();
        private final Map<String, String> users = new LinkedHashMap<>();
        private final Map<String, AccountRecord> accounts = new LinkedHashMap<>();
        private int port;

        private Builder() {
            grants.put(DEMO_CLIENT_ID, new GrantRecord(DEMO_CLIENT_SECRET, "password"));
            grants.put(DEMO_CC_CLIENT_ID, new GrantRecord(DEMO_CC_CLIENT_SECRET, "client_credentials"));
            users.put(DEMO_USER, DEMO_PASSWORD);
            account(DEMO_ACCOUNT, "Demo Smart Account", "DEFAULT", "Branch-East");
            licenses(DEMO_ACCOUNT, "DEFAULT", 70);
            licenses(DEMO_ACCOUNT, "Branch-East", 50);
        }

        /**
         * {@return this builder, serving HTTPS with a certificate from a CA generated now
         * ({@link SsmEmulator#caPem()})}
         */
        public Builder https() {
            this.https = true;
            return this;
        }

        /**
         * Sets the port to listen on (default: any free port).
         *
         * @param port the port to listen on
         * @return this builder
         */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /**
         * Sets the clock for token expiry and acknowledgement delays.
         *
         * @param clock the clock for token expiry and acknowledgement delays
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        /**
         * Runs the emulator on a new {@link TestClock} at {@link TestClock#DEFAULT_START}, which
         * {@link SsmEmulator#testClock()} returns and {@link SsmEmulator#clientConfig()} shares with the
         * client under test.
         *
         * @return this builder
         */
        public Builder testClock() {
            return clock(TestClock.start());
        }

        /**
         * Sets how OAuth errors are worded (default SSM On-Prem's).
         *
         * @param flavour how OAuth errors are worded
         * @return this builder
         */
        public Builder errorFlavour(ErrorFlavour flavour) {
            this.flavour = Objects.requireNonNull(flavour);
            return this;
        }

        /**
         * Sets the access token lifetime (default 1 h).
         *
         * @param lifetime access token lifetime (default 1 h)
         * @return this builder
         */
        public Builder tokenLifetime(Duration lifetime) {
            this.tokenLifetime = lifetime;
            return this;
        }

        /**
         * Sets whether password-grant tokens come with refresh tokens (default true).
         *
         * @param issue whether password-grant tokens come with refresh tokens
         * @return this builder
         */
        public Builder issueRefreshTokens(boolean issue) {
            this.issueRefreshTokens = issue;
            return this;
        }

        /**
         * Sets the {@code poll_interval} of {@code OK_POLL} answers, in seconds (default 1; real servers
         * say 300). With a {@link TestClock} shared with the client, no one waits for it.
         *
         * @param seconds the {@code poll_interval}
         * @return this builder
         */
        public Builder pollInterval(long seconds) {
            usage.pollIntervalSeconds = seconds;
            return this;
        }

        /**
         * When uploads and authorization requests complete: after this many {@code OK_POLL} answers and
         * this long after receipt.
         *
         * @param polls OK_POLL answers first (default 1)
         * @param delay time since receipt, on the emulator's clock (default none)
         * @return this builder
         */
        public Builder acknowledgeAfter(int polls, Duration delay) {
            usage.acknowledgeAfterPolls = polls;
            usage.acknowledgeAfter = Objects.requireNonNull(delay, "delay");
            return this;
        }

        /**
         * Sets the HTTP status of the answer to an accepted upload or authorization request: 202 (the
         * default, as recorded) or 200 (as some builds answer).
         *
         * @param status 200 or 202
         * @return this builder
         */
        public Builder acceptedStatus(int status) {
            if (status != 200 && status != 202) {
                throw new IllegalArgumentException("an accepted upload is answered 200 or 202, not " + status);
            }
            usage.acceptedStatus = status;
            return this;
        }

        /**
         * Sets the {@code FAILED} answer to an upload holding a RUM report the emulator already has. By
         * default: HTTP 200, message code {@code USAGE_REPORT_RECEIVED} and the message
         * "The usage report has already been received: PID:SERIAL#REPORT_ID, ...", which the SDK's default
         * already-received pattern matches. What a real server says exactly is not known (PROTOCOL.md
         * section 7): set another wording to test a client's pattern.
         *
         * @param httpStatus the answer's HTTP status, such as 200 or 400
         * @param message the {@code message}, as is
         * @param messageCode the {@code message_code}, or null
         * @return this builder
         */
        public Builder duplicateAnswer(int httpStatus, String message, String messageCode) {
            usage.duplicateStatus = httpStatus;
            usage.duplicateMessage = Objects.requireNonNull(message, "message");
            usage.duplicateCode = messageCode;
            return this;
        }

        /**
         * Sets the largest request body the usage routes take, in bytes (default 1 MiB, nginx's default
         * {@code client_max_body_size}); a larger one is answered 413 with nginx's HTML page.
         *
         * @param bytes the limit
         * @return this builder
         */
        public Builder maxRequestBytes(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("the limit must be positive: " + bytes);
            }
            usage.maxBodyBytes = bytes;
            return this;
        }

        /**
         * Sets the numeric id of a smart account ({@code account_id}), instead of the one assigned.
         *
         * @param domain the smart account domain, added before
         * @param accountId its id, decimal digits
         * @return this builder
         */
        public Builder accountId(String domain, String accountId) {
            builderAccount(domain).accountId = digits(accountId);
            return this;
        }

        /**
         * Sets the numeric id of a virtual account ({@code virtual_account_id}), instead of the one assigned.
         *
         * @param domain the smart account domain, added before
         * @param virtualAccount the virtual account's name
         * @param id its id, decimal digits
         * @return this builder
         */
        public Builder virtualAccountId(String domain, String virtualAccount, String id) {
            AccountRecord a = builderAccount(domain);
            if (!a.virtualAccounts.contains(virtualAccount)) {
                throw new IllegalArgumentException("account " + domain + " has no virtual account " + virtualAccount);
            }
            a.virtualAccountIds.put(virtualAccount, digits(id));
            return this;
        }

        private AccountRecord builderAccount(String domain) {
            AccountRecord a = accounts.get(domain);
            if (a == null) {
                throw new IllegalArgumentException("add account " + domain + " first");
            }
            return a;
        }

        private static String digits(String id) {
            if (id == null || !id.matches("[0-9]{1,19}")) {
                throw new IllegalArgumentException("an account or virtual account id is decimal digits, not " + id);
            }
            return id;
        }

        /**
         * Adds an API Toolkit Resource Owner Grant.
         *
         * @param clientId its client ID
         * @param secret its client secret
         * @return this builder
         */
        public Builder passwordGrant(String clientId, String secret) {
            grants.put(clientId, new GrantRecord(secret, "password"));
            return this;
        }

        /**
         * Adds an API Toolkit Client Credentials Grant.
         *
         * @param clientId its client ID
         * @param secret its client secret
         * @return this builder
         */
        public Builder clientCredentialsGrant(String clientId, String secret) {
            grants.put(clientId, new GrantRecord(secret, "client_credentials"));
            return this;
        }

        /** {@return this builder without any grant, not even the demo ones} */
        public Builder noGrants() {
            grants.clear();
            return this;
        }

        /**
         * Adds a user.
         *
         * @param username the user name
         * @param password the password
         * @return this builder
         */
        public Builder user(String username, String password) {
            users.put(username, password);
            return this;
        }

        /**
         * Adds (or replaces) a smart account. It and its virtual accounts are assigned numeric ids
         * (accounts from 100001, virtual accounts from 200001, in the order added), which
         * {@code v2/accounts/search} lists and the usage routes take; set others with
         * {@link #accountId(String, String)} and {@link #virtualAccountId(String, String, String)}.
         *
         * @param domain its domain
         * @param name its display name
         * @param virtualAccounts its virtual accounts; the first is the default
         * @return this builder
         */
        public Builder account(String domain, String name, String... virtualAccounts) {
            AccountRecord a = new AccountRecord(domain, name, List.of(virtualAccounts));
            a.accountId = Long.toString(nextAccountId++);
            for (String va : a.virtualAccounts) {
                a.virtualAccountIds.put(va, Long.toString(nextVirtualAccountId++));
            }
            accounts.put(domain, a);
            return this;
        }

        /** {@return this builder without any account, not even the demo one} */
        public Builder noAccounts() {
            accounts.clear();
            return this;
        }

        /**
         * Generates the licenses of a virtual account.
         *
         * @param domain the smart account domain
         * @param virtualAccount the virtual account
         * @param count how many licenses
         * @return this builder
         */
        public Builder licenses(String domain, String virtualAccount, int count) {
            AccountRecord a = accounts.get(domain);
            if (a == null || !a.virtualAccounts.contains(virtualAccount)) {
                throw new IllegalArgumentException("add account " + domain + " with virtual account " + virtualAccount + " first");
            }
            a.licenses.put(virtualAccount, EmulatorLicenses.generate(virtualAccount, count, a.licenses.size() * 1000));
            return this;
        }

        /** {@return the started emulator} */
        public SsmEmulator start() {
            Set<String> accountIds = new HashSet<>();
            Set<String> virtualAccountIds = new HashSet<>();
            for (AccountRecord a : accounts.values()) {
                if (!accountIds.add(a.accountId)) {
                    throw new IllegalStateException("two accounts have the id " + a.accountId);
                }
                for (String id : a.virtualAccountIds.values()) {
                    if (!virtualAccountIds.add(id)) {
                        throw new IllegalStateException("two virtual accounts have the id " + id);
                    }
                }
            }
            return new SsmEmulator(this).startServer(port);
        }
    }
}
