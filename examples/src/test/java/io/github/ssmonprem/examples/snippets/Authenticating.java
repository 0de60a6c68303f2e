package io.github.ssmonprem.examples.snippets;

// tag::authenticate[]
import io.github.ssmonprem.auth.AccessToken;
import io.github.ssmonprem.auth.GrantNotFoundException;
import io.github.ssmonprem.auth.InvalidCredentialsException;
import io.github.ssmonprem.auth.OAuthException;
import io.github.ssmonprem.auth.OAuthGrant;
import io.github.ssmonprem.auth.OAuthTokenProvider;
import io.github.ssmonprem.core.Secret;
import io.github.ssmonprem.core.exception.ServerUnavailableException;
import io.github.ssmonprem.core.http.SsmHttpClient;
// end::authenticate[]
import io.github.ssmonprem.core.SsmClientConfig;
import org.slf4j.Logger;

/** README, "Authenticating". */
final class Authenticating {

    private Authenticating() {
    }

    static void authenticate(SsmClientConfig config, String clientId, Logger log) {
        // tag::authenticate[]
        try (SsmHttpClient http = SsmHttpClient.create(config);
             OAuthTokenProvider tokens = OAuthTokenProvider.builder(http)
                 .grant(OAuthGrant.password(clientId, Secret.fromEnv("SSM_CLIENT_SECRET"),
                                            "svc-sdwan", Secret.fromEnv("SSM_PASSWORD")))
                 .build()) {
            AccessToken token = tokens.token();
        } catch (GrantNotFoundException e) {
            // 403 invalid_client "Grant not found": no API Toolkit grant matches this client ID/secret
            log.error("{}", e.getMessage());          // the server's text and what to do in API Toolkit
        } catch (InvalidCredentialsException e) {
            // invalid_grant: wrong user name or password
        } catch (OAuthException e) {
            // any other OAuth refusal; e.errorCode(), e.serverMessage(), e.statusCode(), e.grantType()
        } catch (ServerUnavailableException e) {
            // nginx answered 502/503/504: the SSM On-Prem backend is down (already retried)
        }
        // end::authenticate[]
    }
}
