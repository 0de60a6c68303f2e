package io.github.ssmonprem.examples;

import io.github.ssmonprem.auth.OAuthGrant;
import io.github.ssmonprem.core.ProxyConfig;
import io.github.ssmonprem.core.Secret;
import io.github.ssmonprem.core.SsmClientConfig;
import io.github.ssmonprem.core.TlsConfig;
import io.github.ssmonprem.testkit.SsmEmulator;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the examples connect: a real SSM On-Prem server when {@code SSM_URL} is set (with
 * {@code SSM_CLIENT_ID}, {@code SSM_CLIENT_SECRET}, {@code SSM_USERNAME}, {@code SSM_PASSWORD},
 * {@code SSM_ACCOUNT}, and optionally {@code SSM_CA_CERT}, {@code SSM_GRANT=client_credentials},
 * {@code HTTPS_PROXY}/{@code NO_PROXY}), otherwise an embedded emulator started for the run.
 */
public final class ExampleConnection implements AutoCloseable {

    private final SsmClientConfig.Builder config;
    private final OAuthGrant grant;
    private final String account;
    private final SsmEmulator emulator;

    private ExampleConnection(SsmClientConfig.Builder config, OAuthGrant grant, String account, SsmEmulator emulator) {
        this.config = config;
        this.grant = grant;
        this.account = account;
        this.emulator = emulator;
    }

    /**
     * Connects to {@code SSM_URL}, or starts the emulator.
     *
     * @param env the environment
     * @return the connection
     */
    public static ExampleConnection fromEnvironment(Map<String, String> env) {
        String url = env.get("SSM_URL");
        if (url == null || url.isBlank()) {
            SsmEmulator emulator = SsmEmulator.builder().https().start();
            return new ExampleConnection(emulator.clientConfig(), emulator.passwordGrant(), SsmEmulator.DEMO_ACCOUNT, emulator);
        }
        SsmClientConfig.Builder config = SsmClientConfig.builder().baseUrl(url);
        ProxyConfig.fromEnvironment(env).ifPresentOrElse(config::proxy, config::noProxy);
        if (env.get("SSM_CA_CERT") != null) {
            config.tls(TlsConfig.trustPemFile(Path.of(env.get("SSM_CA_CERT"))));
        }
        String clientId = require(env, "SSM_CLIENT_ID");
        Secret clientSecret = Secret.of(require(env, "SSM_CLIENT_SECRET"));
        OAuthGrant grant = "client_credentials".equals(env.get("SSM_GRANT"))
                ? OAuthGrant.clientCredentials(clientId, clientSecret)
                : OAuthGrant.password(clientId, clientSecret, require(env, "SSM_USERNAME"), Secret.of(require(env, "SSM_PASSWORD")));
        return new ExampleConnection(config, grant, require(env, "SSM_ACCOUNT"), null);
    }

    private static String require(Map<String, String> env, String name) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(name + " must be set when SSM_URL is");
        }
        return v;
    }

    /** @return the client configuration, to adjust further */
    public SsmClientConfig.Builder config() {
        return config;
    }

    /** @return the grant */
    public OAuthGrant grant() {
        return grant;
    }

    /** @return the smart account to work with */
    public String account() {
        return account;
    }

    /** @return whether this runs against the embedded emulator */
    public boolean emulated() {
        return emulator != null;
    }

    /** @return a description for the examples' output */
    public String describe() {
        return emulator != null ? "the embedded SSM On-Prem emulator at " + emulator.url() : "SSM On-Prem at " + config.build().baseUrl();
    }

    /** Stops the emulator, if one was started. */
    @Override
    public void close() {
        if (emulator != null) {
            emulator.close();
        }
    }
}
