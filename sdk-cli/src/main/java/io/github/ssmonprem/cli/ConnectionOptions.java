package io.github.ssmonprem.cli;

import io.github.ssmonprem.auth.OAuthGrant;
import io.github.ssmonprem.core.ProxyConfig;
import io.github.ssmonprem.core.Secret;
import io.github.ssmonprem.core.SsmClientConfig;
import io.github.ssmonprem.core.TlsConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The options every command that talks to a server shares. Secrets never come from a plain option:
 * they come from {@code SSM_CLIENT_SECRET}, {@code SSM_PASSWORD} and {@code SSM_PROXY_PASSWORD}, or
 * from files, so they appear in neither the process list nor the shell history.
 */
public final class ConnectionOptions {

    /** The grant kinds. */
    public enum GrantKind {
        /** Resource Owner (password) grant. */
        password,
        /** Client Credentials grant. */
        client_credentials
    }

    @Option(names = "--url", description = "SSM On-Prem base URL, e.g. https://ssm.example.net:8443 (env SSM_URL)")
    String url;

    @Option(names = "--grant", description = "password or client-credentials (env SSM_GRANT; default password)",
            converter = GrantConverter.class)
    GrantKind grant;

    @Option(names = "--client-id", description = "API Toolkit grant client ID (env SSM_CLIENT_ID)")
    String clientId;

    @Option(names = "--client-secret-file", description = "file holding the client secret (else env SSM_CLIENT_SECRET)")
    Path clientSecretFile;

    @Option(names = "--username", description = "user of a password grant (env SSM_USERNAME)")
    String username;

    @Option(names = "--password-file", description = "file holding the user's password (else env SSM_PASSWORD)")
    Path passwordFile;

    @Option(names = "--proxy", description = "http://[user@]host:port (else HTTPS_PROXY; NO_PROXY honoured; "
            + "the password only from SSM_PROXY_PASSWORD)")
    String proxy;

    @Option(names = "--ca-cert", description = "PEM file of the CA that issued the server certificate (env SSM_CA_CERT)")
    Path caCert;

    @Option(names = "--allow-http", description = "allow a plain http:// URL (for the emulator and loopback tests)")
    boolean allowHttp;

    @Option(names = "--connect-timeout", description = "TCP connect timeout in seconds (default 10)")
    Integer connectTimeoutSeconds;

    @Option(names = "--timeout", description = "response timeout in seconds (default 60)")
    Integer responseTimeoutSeconds;

    @Option(names = "--retries", description = "attempts in all for retryable failures (default 4)")
    Integer attempts;

    /** Picocli converter accepting {@code client-credentials} and {@code client_credentials}. */
    static final class GrantConverter implements picocli.CommandLine.ITypeConverter<GrantKind> {
        @Override
        public GrantKind convert(String value) {
            try {
                return GrantKind.valueOf(value.trim().replace('-', '_').toLowerCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException("'" + value.trim()
                        + "' is not a grant; expected one of: password, client-credentials");
            }
        }
    }

    private static String env(Map<String, String> env, String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : v.trim();
    }

    /**
     * The CA file: {@code --ca-cert}, else {@code SSM_CA_CERT}.
     *
     * @param env the environment
     * @return the file, if one is given
     */
    public Optional<Path> caCertPath(Map<String, String> env) {
        return caCert != null ? Optional.of(caCert) : Optional.ofNullable(env(env, "SSM_CA_CERT")).map(Path::of);
    }

    /**
     * @param env the environment
     * @return the server URL
     * @throws UsageError when none is given
     */
    public String url(Map<String, String> env) {
        String u = url != null ? url : env(env, "SSM_URL");
        if (u == null) {
            throw new UsageError("No SSM On-Prem server URL.", "Give --url https://HOST:8443 or set SSM_URL "
                    + "(or try `ssm demo`, which brings its own emulator).");
        }
        return u;
    }

    /**
     * The client configuration these options describe.
     *
     * @param env the environment
     * @return the configuration builder
     */
    public SsmClientConfig.Builder config(Map<String, String> env) {
        SsmClientConfig.Builder b = SsmClientConfig.builder().baseUrl(url(env)).allowPlainHttp(allowHttp);
        proxy(env).ifPresentOrElse(b::proxy, b::noProxy);
        Path ca = caCertPath(env).orElse(null);
        if (ca != null) {
            b.tls(TlsConfig.trustPemFile(ca));
        }
        if (connectTimeoutSeconds != null) {
            b.connectTimeout(Duration.ofSeconds(connectTimeoutSeconds));
        }
        if (responseTimeoutSeconds != null) {
            b.responseTimeout(Duration.ofSeconds(responseTimeoutSeconds));
        }
        if (attempts != null) {
            b.retry(io.github.ssmonprem.core.RetrySettings.builder().maxAttempts(attempts).build());
        }
        return b;
    }

    /**
     * The proxy: {@code --proxy}, else {@code HTTPS_PROXY}; the password from the URL or {@code SSM_PROXY_PASSWORD}.
     *
     * @param env the environment
     * @return the proxy, if any
     */
    public Optional<ProxyConfig> proxy(Map<String, String> env) {
        Optional<ProxyConfig> resolved;
        if (proxy != null) {
            refusePassword(proxy);
            ProxyConfig.parseUrl(proxy, "--proxy");   // validates, naming the option in errors
            Map<String, String> settings = new java.util.HashMap<>();
            settings.put("HTTPS_PROXY", proxy);
            String noProxy = env.get("no_proxy") != null ? env.get("no_proxy") : env.get("NO_PROXY");
            if (noProxy != null) {
                settings.put("NO_PROXY", noProxy);
            }
            resolved = ProxyConfig.fromEnvironment(settings);
        } else {
            resolved = ProxyConfig.fromEnvironment(env);
        }
        String proxyPassword = env(env, "SSM_PROXY_PASSWORD");
        if (resolved.isPresent() && proxyPassword != null && resolved.get().username().isPresent()
                && resolved.get().password().isEmpty()) {
            resolved = Optional.of(resolved.get().toBuilder().password(Secret.of(proxyPassword)).build());
        }
        return resolved;
    }

    /** A proxy password in --proxy would show in the process list and the shell history. */
    private static void refusePassword(String proxyUrl) {
        int scheme = proxyUrl.indexOf("://");
        String rest = scheme >= 0 ? proxyUrl.substring(scheme + 3) : proxyUrl;
        int at = rest.lastIndexOf('@');
        int slash = rest.indexOf('/');
        if (at >= 0 && (slash < 0 || at < slash) && rest.substring(0, at).contains(":")) {
            throw new UsageError("--proxy carries a password; it would be visible in the process list and the shell history.",
                    "Give --proxy http://USER@HOST:PORT and put the password in SSM_PROXY_PASSWORD.");
        }
    }

    /**
     * {@return the grant these options describe}
     *
     * @param env the environment
     * @throws UsageError when a part is missing
     */
    public OAuthGrant grant(Map<String, String> env) {
        GrantKind kind = grant;
        if (kind == null) {
            String fromEnv = env(env, "SSM_GRANT");
            try {
                kind = fromEnv == null ? GrantKind.password : new GrantConverter().convert(fromEnv);
            } catch (picocli.CommandLine.TypeConversionException e) {
                throw new UsageError("SSM_GRANT=" + fromEnv + " is not a grant.", "Set SSM_GRANT (or --grant) to one of: "
                        + "password, client-credentials.");
            }
        }
        String id = clientId != null ? clientId : env(env, "SSM_CLIENT_ID");
        if (id == null) {
            throw new UsageError("No API Toolkit client ID.", "Give --client-id or set SSM_CLIENT_ID to the client ID of "
                    + "the grant created in SSM On-Prem's API Toolkit.");
        }
        Secret secret = secret(env, clientSecretFile, "SSM_CLIENT_SECRET", "--client-secret-file", "client secret");
        if (kind == GrantKind.client_credentials) {
            return OAuthGrant.clientCredentials(id, secret);
        }
        String user = username != null ? username : env(env, "SSM_USERNAME");
        if (user == null) {
            throw new UsageError("No user name for the password grant.", "Give --username or set SSM_USERNAME "
                    + "(or use --grant client-credentials with a Client Credentials Grant).");
        }
        return OAuthGrant.password(id, secret, user, secret(env, passwordFile, "SSM_PASSWORD", "--password-file", "password"));
    }

    private static Secret secret(Map<String, String> env, Path file, String variable, String option, String what) {
        if (file != null) {
            if (!Files.isReadable(file)) {
                throw new UsageError("The " + what + " file " + file + " cannot be read.", "Check the path given to " + option + ".");
            }
            try {
                return Secret.fromFile(file);
            } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
                throw new UsageError("The " + what + " file " + file + " holds no usable secret: " + e.getMessage() + ".",
                        "Give " + option + " a file that holds the " + what + " alone (one line, at most "
                                + Secret.MAX_FILE_BYTES / 1024 + " KiB).");
            }
        }
        String value = env.get(variable);
        if (value == null || value.isEmpty()) {
            throw new UsageError("No " + what + ".", "Set " + variable + " or give " + option
                    + " FILE; secrets are never accepted as plain options.");
        }
        return Secret.of(value);
    }
}
