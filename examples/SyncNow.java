/*
 * SyncNow: one SSM On-Prem sync from a cron job or a pipeline, as a single Java source file that uses
 * only the SDK's classes, so it can be copied and adapted.
 *
 *   java -cp sdk-cli/target/ssm.jar examples/SyncNow.java
 *
 * Connects to SSM_URL with SSM_CLIENT_ID, SSM_CLIENT_SECRET, SSM_USERNAME, SSM_PASSWORD and syncs
 * SSM_ACCOUNT, keeping pending usage and the last state in SSM_STATE_DIR (default
 * ~/.ssm-onprem-sdk/state). Optional: SSM_CA_CERT, SSM_GRANT=client-credentials (or client_credentials),
 * HTTPS_PROXY, NO_PROXY. Without SSM_URL it refuses (exit 2); `--emulator` or SSM_EMULATOR=1 runs it
 * against the built-in emulator instead, with state in memory.
 *
 * Prints one line and exits with the ssm command line's codes: 0 success, 2 a setting is missing or
 * wrong (SSM_ACCOUNT included), 3 grant not found, 4 invalid credentials, 5 other authorization error,
 * 6 server unavailable, 7 TLS, 8 proxy authentication, 9 a usage report refused for good (a dead letter
 * waits for an operator), 1 anything else.
 */

import io.github.ssmonprem.sync.SsmSyncClientBuilder;
import io.github.ssmonprem.auth.GrantNotFoundException;
import io.github.ssmonprem.auth.InvalidCredentialsException;
import io.github.ssmonprem.auth.OAuthException;
import io.github.ssmonprem.auth.OAuthGrant;
import io.github.ssmonprem.core.ProxyConfig;
import io.github.ssmonprem.core.Secret;
import io.github.ssmonprem.core.SsmClientConfig;
import io.github.ssmonprem.core.TlsConfig;
import io.github.ssmonprem.core.exception.AccessDeniedException;
import io.github.ssmonprem.core.exception.CircuitOpenException;
import io.github.ssmonprem.core.exception.ConnectionFailedException;
import io.github.ssmonprem.core.exception.ProxyAuthenticationException;
import io.github.ssmonprem.core.exception.RateLimitedException;
import io.github.ssmonprem.core.exception.RequestTimeoutException;
import io.github.ssmonprem.core.exception.ServerUnavailableException;
import io.github.ssmonprem.core.exception.SsmConfigurationException;
import io.github.ssmonprem.core.exception.TlsException;
import io.github.ssmonprem.core.exception.UnauthorizedException;
import io.github.ssmonprem.emulator.SsmEmulator;
import io.github.ssmonprem.sync.AccountNotFoundException;
import io.github.ssmonprem.sync.AccountSelection;
import io.github.ssmonprem.sync.SsmSyncClient;
import io.github.ssmonprem.sync.SyncResult;
import io.github.ssmonprem.sync.usage.ReportStatus;
import io.github.ssmonprem.sync.usage.UsageDeliveryException;
import io.github.ssmonprem.testkit.InMemorySyncStore;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

public class SyncNow {

    public static void main(String[] args) {
        Map<String, String> env = System.getenv();
        boolean emulated = Arrays.asList(args).contains("--emulator") || "1".equals(env.get("SSM_EMULATOR"));
        SsmEmulator emulator = null;
        SsmSyncClientBuilder builder = SsmSyncClient.builder();
        int exit;
        try {
            if (emulated) {
                emulator = SsmEmulator.builder().https().start();
                builder.config(emulator.clientConfig().build()).grant(emulator.passwordGrant())
                        .account(AccountSelection.of(SsmEmulator.DEMO_ACCOUNT)).store(new InMemorySyncStore());
            } else {
                configure(builder, env);
            }
            exit = sync(builder);
        } catch (MissingSetting e) {
            System.out.println("sync NOT RUN: " + e.getMessage());
            exit = 2;
        } catch (SsmConfigurationException e) {
            // An SsmException's message is its detail followed by its remediation.
            System.out.println("sync NOT RUN: " + e.getMessage());
            exit = 2;
        } finally {
            if (emulator != null) {
                emulator.close();
            }
        }
        System.exit(exit);
    }

    private static int sync(SsmSyncClientBuilder builder) {
        try (SsmSyncClient ssm = builder.build()) {
            SyncResult result = ssm.sync();
            if (result.isSuccess()) {
                System.out.println("sync OK: " + count(result.outcome().licensesPulled(), "license") + ", "
                        + count(result.outcome().reportsDelivered(), "report") + " delivered, "
                        + result.outcome().reportsPending() + " pending");
                return 0;
            }
            System.out.println("sync FAILED (" + result.outcome().errorType() + "): " + result.failure().orElseThrow().getMessage());
            return exitCode(result.failure().orElseThrow());
        }
    }

    private static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    /** The server, the grant, the account and the state directory, from the environment. */
    private static void configure(SsmSyncClientBuilder builder, Map<String, String> env) {
        String url = env.get("SSM_URL");
        if (url == null || url.isBlank()) {
            throw new MissingSetting("SSM_URL is not set. Set SSM_URL, SSM_CLIENT_ID, SSM_CLIENT_SECRET, SSM_USERNAME, "
                    + "SSM_PASSWORD and SSM_ACCOUNT for your SSM On-Prem server, or pass --emulator (or set SSM_EMULATOR=1) "
                    + "to try the built-in emulator.");
        }
        SsmClientConfig.Builder config = SsmClientConfig.builder().baseUrl(url);
        ProxyConfig.fromEnvironment(env).ifPresentOrElse(config::proxy, config::noProxy);
        if (env.get("SSM_CA_CERT") != null) {
            config.tls(TlsConfig.trustPemFile(Path.of(env.get("SSM_CA_CERT"))));
        }
        String clientId = require(env, "SSM_CLIENT_ID");
        Secret clientSecret = Secret.of(require(env, "SSM_CLIENT_SECRET"));
        String grant = env.getOrDefault("SSM_GRANT", "password").trim().toLowerCase(Locale.ROOT).replace('_', '-');
        OAuthGrant oauth;
        if (grant.equals("client-credentials")) {
            oauth = OAuthGrant.clientCredentials(clientId, clientSecret);
        } else if (grant.equals("password") || grant.isEmpty()) {
            oauth = OAuthGrant.password(clientId, clientSecret, require(env, "SSM_USERNAME"), Secret.of(require(env, "SSM_PASSWORD")));
        } else {
            throw new MissingSetting("SSM_GRANT=" + env.get("SSM_GRANT").trim() + " is not a grant: set password or client-credentials.");
        }
        String state = env.get("SSM_STATE_DIR");
        builder.config(config.build()).grant(oauth).account(AccountSelection.of(require(env, "SSM_ACCOUNT")))
                .stateDirectory(state != null && !state.isBlank() ? Path.of(state)
                        : Path.of(System.getProperty("user.home"), ".ssm-onprem-sdk", "state"));
    }

    private static String require(Map<String, String> env, String name) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            throw new MissingSetting(name + " is not set: set it along with SSM_URL.");
        }
        return value;
    }

    /** The class of failure, as an exit code a cron job or a pipeline can act on. */
    private static int exitCode(Throwable failure) {
        if (failure instanceof UsageDeliveryException dead && dead.status() == ReportStatus.DEAD) {
            return 9;
        }
        Throwable t = failure instanceof UsageDeliveryException && failure.getCause() != null ? failure.getCause() : failure;
        if (t instanceof GrantNotFoundException) {
            return 3;
        }
        if (t instanceof InvalidCredentialsException) {
            return 4;
        }
        if (t instanceof OAuthException || t instanceof UnauthorizedException || t instanceof AccessDeniedException) {
            return 5;
        }
        if (t instanceof ServerUnavailableException || t instanceof ConnectionFailedException || t instanceof RequestTimeoutException
                || t instanceof CircuitOpenException || t instanceof RateLimitedException || t instanceof UsageDeliveryException) {
            return 6;
        }
        if (t instanceof TlsException) {
            return 7;
        }
        if (t instanceof ProxyAuthenticationException) {
            return 8;
        }
        return t instanceof SsmConfigurationException || t instanceof AccountNotFoundException ? 2 : 1;
    }

    /** A setting this script needs is missing or wrong; the message says what to set. */
    private static final class MissingSetting extends RuntimeException {
        MissingSetting(String message) {
            super(message);
        }
    }
}
