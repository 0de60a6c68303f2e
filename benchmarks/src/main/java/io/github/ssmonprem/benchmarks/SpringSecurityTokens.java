package io.github.ssmonprem.benchmarks;

import io.github.ssmonprem.core.Secret;
import io.github.ssmonprem.core.SsmClientConfig;
import io.github.ssmonprem.core.http.AccessTokenSource;
import io.github.ssmonprem.core.http.SsmHttpClient;
import io.github.ssmonprem.core.http.SsmRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.springframework.security.oauth2.client.AuthorizedClientServiceOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.InMemoryOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProviderBuilder;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;

/**
 * {@code token.requests.per.lifetime.spring-security}: the scenario of {@code token.requests.per.lifetime}
 * (256 threads for 10 s, each calling the accounts route, tokens living 1 s), with the token from Spring
 * Security's {@link AuthorizedClientServiceOAuth2AuthorizedClientManager} and its client-credentials
 * provider instead of the SDK's token provider. The API call, transport and server are the same; only
 * the source of the bearer token differs.
 *
 * <p>Two figures: with {@code clockSkew(0)}, Spring's most favourable setting for a 1-second token, so the
 * figure is the requests at each expiry; and {@code ...default-skew} with Spring's default 60-second skew,
 * under which a token shorter than a minute is always "expired" and every call requests one.
 */
final class SpringSecurityTokens {

    private static final String REGISTRATION = "ssm";

    private SpringSecurityTokens() {
    }

    /**
     * Runs both variants.
     *
     * @param server the benchmark server
     * @param config the transport configuration the SDK's figure uses
     * @param figure prints and records a figure
     * @throws Exception when the run fails
     */
    static void run(BenchServer server, SsmClientConfig config, BiConsumer<String, Double> figure) throws Exception {
        server.tokenLifetimeSeconds(1);
        try {
            figure.accept("token.requests.per.lifetime.spring-security",
                    (double) worstPerLifetime(server, config, b -> b.clockSkew(Duration.ZERO)));
            figure.accept("token.requests.per.lifetime.spring-security.default-skew",
                    (double) worstPerLifetime(server, config, b -> { }));
        } finally {
            server.tokenLifetimeSeconds(3600);
        }
    }

    private static int worstPerLifetime(BenchServer server, SsmClientConfig config,
            Consumer<OAuth2AuthorizedClientProviderBuilder.ClientCredentialsGrantBuilder> settings) throws Exception {
        ClientRegistration registration = ClientRegistration.withRegistrationId(REGISTRATION)
                .clientId("bench").clientSecret("bench-secret")
                .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .tokenUri(server.url() + "/backend/oauth/token").build();
        InMemoryClientRegistrationRepository registrations = new InMemoryClientRegistrationRepository(registration);
        InMemoryOAuth2AuthorizedClientService clients = new InMemoryOAuth2AuthorizedClientService(registrations);
        AuthorizedClientServiceOAuth2AuthorizedClientManager manager =
                new AuthorizedClientServiceOAuth2AuthorizedClientManager(registrations, clients);
        manager.setAuthorizedClientProvider(OAuth2AuthorizedClientProviderBuilder.builder().clientCredentials(settings).build());
        OAuth2AuthorizeRequest request = OAuth2AuthorizeRequest.withClientRegistrationId(REGISTRATION).principal("bench").build();
        AccessTokenSource tokens = new AccessTokenSource() {
            @Override
            public Secret accessToken() {
                OAuth2AuthorizedClient client = manager.authorize(request);
                return Secret.of(client.getAccessToken().getTokenValue());
            }

            @Override
            public void invalidate(Secret rejected) {
                clients.removeAuthorizedClient(REGISTRATION, "bench");
            }
        };
        try (SsmHttpClient http = SsmHttpClient.create(config)) {
            server.resetTokenRequests();
            BenchmarkMain.runFor(Duration.ofSeconds(10), 256,
                    () -> http.execute(SsmRequest.get("accounts", "/backend/api/v1/accounts").bearer(tokens).build()));
            return worstWithin(server.tokenRequestNanos(), TimeUnit.SECONDS.toNanos(1));
        }
    }

    /** The most token requests that arrived within one lifetime after any one of them, as the SDK's figure counts. */
    private static int worstWithin(List<Long> requests, long lifetime) {
        int worst = 0;
        for (int i = 0; i < requests.size(); i++) {
            int within = 0;
            for (int j = i + 1; j < requests.size() && requests.get(j) <= requests.get(i) + lifetime; j++) {
                within++;
            }
            worst = Math.max(worst, within);
        }
        return worst;
    }
}
