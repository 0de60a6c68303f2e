package io.github.ssmonprem.examples;

import io.github.ssmonprem.auth.OAuthGrant;
import io.github.ssmonprem.core.ProxyConfig;
import io.github.ssmonprem.core.Secret;
import io.github.ssmonprem.core.SsmClientConfig;
import io.github.ssmonprem.core.TlsConfig;
import io.github.ssmonprem.emulator.SsmEmulator;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where the examples connect: the SSM On-Prem server at {@code SSM_URL} (with {@code SSM_CLIENT_ID},
 * {@code SSM_CLIENT_SECRET}, {@code SSM_USERNAME}, {@code SSM_PASSWORD}, {@code SSM_ACCOUNT}, and
 * optionally {@code SSM_CA_CERT}, {@code SSM_GRANT=client-credentials}, {@code HTTPS_PROXY}/{@code NO_PROXY}),
 * or, only when asked for with {@code --emulator} or {@code SSM_EMULATOR=1}, an embedded emulator
 * started for the run. Without either, {@link #open} refuses: an example never reports success on
 * made-up data.
 */
public final class ExampleConnection implements AutoCloseable {

    /** The exit code of an example that is missing a setting. */
    public static final int USAGE = 2;

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

    /** A setting the example needs is missing or invalid; the message says what to set. */
    public static final class NotConfigured extends RuntimeException {

        private static final long serialVersionUID = 1L;

        /**
         * Creates the exception.
         *
         * @param message what is missing and what to set
         */
        public NotConfigured(String message) {
            super(message);
        }
    }

    /**
     * Whether the embedded emulator was asked for, with {@code --emulator} or {@code SSM_EMULATOR=1}.
     *
     * @param env the environment
     * @param args the program's arguments
     * @return true for the emulator
     */
    public static boolean emulatorRequested(Map<String, String> env, List<String> args) {
        String flag = env.get("SSM_EMULATOR");
        return args.contains("--emulator") || "1".equals(flag) || "true".equalsIgnoreCase(flag);
    }

    /**
     * Connects to {@code SSM_URL}, or starts the emulator when asked for.
     *
     * @param env the environment
     * @param args the program's arguments ({@code --emulator} selects the emulator)
     * @return the connection
     * @throws NotConfigured when neither a server nor the emulator is configured, or a setting is missing
     */
    public static ExampleConnection open(Map<String, String> env, List<String> args) {
        if (emulatorRequested(env, args)) {
            SsmEmulator emulator = SsmEmulator.builder().https().start();
            return new ExampleConnection(emulator.clientConfig(), emulator.passwordGrant(), SsmEmulator.DEMO_ACCOUNT, emulator);
        }
        String url = env.get("SSM_URL");
        if (url == null || url.isBlank()) {
            throw new NotConfigured("SSM_URL is not set. Set SSM_URL (and SSM_CLIENT_ID, SSM_CLIENT_SECRET, SSM_USERNAME, "
                    + "SSM_PASSWORD, SSM_ACCOUNT) to use your SSM On-Prem server, or pass --emulator (or set SSM_EMULATOR=1) "
                    + "to try the built-in emulator.");
        }
        SsmClientConfig.Builder config = SsmClientConfig.builder().baseUrl(url);
        ProxyConfig.fromEnvironment(env).ifPresentOrElse(config::proxy, config::noProxy);
        if (env.get("SSM_CA_CERT") != null) {
            config.tls(TlsConfig.trustPemFile(Path.of(env.get("SSM_CA_CERT"))));
        }
        String clientId = require(env, "SSM_CLIENT_ID");
        Secret clientSecret = Secret.of(require(env, "SSM_CLIENT_SECRET"));
        OAuthGrant grant = clientCredentials(env)
                ? OAuthGrant.clientCredentials(clientId, clientSecret)
                : OAuthGrant.password(clientId, clientSecret, require(env, "SSM_USERNAME"), Secret.of(require(env, "SSM_PASSWORD")));
        return new ExampleConnection(config, grant, require(env, "SSM_ACCOUNT"), null);
    }

    /**
     * Reads {@code SSM_GRANT}: {@code password} (the default) or {@code client-credentials}, also
     * spelled {@code client_credentials}.
     */
    static boolean clientCredentials(Map<String, String> env) {
        String grant = env.get("SSM_GRANT");
        if (grant == null || grant.isBlank()) {
            return false;
        }
        switch (grant.trim().toLowerCase(Locale.ROOT).replace('_', '-')) {
            case "password":
                return false;
            case "client-credentials":
                return true;
            default:
                throw new NotConfigured("SSM_GRANT=" + grant.trim() + " is not a grant: set SSM_GRANT to password or client-credentials.");
        }
    }

    private static String require(Map<String, String> env, String name) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            throw new NotConfigured(name + " is not set: set it when SSM_URL is set.");
        }
        return v;
    }

    /**
     * The client configuration, to adjust further.
     *
     * @return the configuration builder
     */
    public SsmClientConfig.Builder config() {
        return config;
    }

    /**
     * The OAuth grant to authenticate with.
     *
     * @return the grant
     */
    public OAuthGrant grant() {
        return grant;
    }

    /**
     * The smart account to work with.
     *
     * @return its domain
     */
    public String account() {
        return account;
    }

    /**
     * Whether this runs against the embedded emulator.
     *
     * @return true for the emulator
     */
    public boolean emulated() {
        return emulator != null;
    }

    /**
     * A description for the examples' output.
     *
     * @return where the example is connected
     */
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
