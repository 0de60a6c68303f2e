package io.github.ssmonprem.core;

import io.github.ssmonprem.core.exception.SsmConfigurationException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * An HTTP forward proxy for one client: host, port, optional Basic credentials (sent on
 * {@code CONNECT}) and the hosts to reach directly.
 *
 * <p>Build one explicitly, or resolve one the way other tools on the same host would:
 * {@link #fromEnvironment(Map)} reads {@code HTTPS_PROXY}/{@code https_proxy} (with
 * {@code user:password@} userinfo) and {@code NO_PROXY}/{@code no_proxy} (comma lists; {@code .suffix}
 * and {@code *}); {@link #fromSystemProperties(Properties)} reads {@code https.proxyHost},
 * {@code https.proxyPort} and {@code http.nonProxyHosts} ({@code |} lists with {@code *} wildcards).
 * Nothing here sets JVM-wide state.
 *
 * <pre>{@code
 * ProxyConfig proxy = ProxyConfig.builder()
 *     .host("proxy.corp.example").port(3128)
 *     .credentials("svc-ssm", Secret.fromEnv("SSM_PROXY_PASSWORD"))
 *     .nonProxyHosts(List.of("localhost", ".lab.example"))
 *     .build();
 * }</pre>
 */
public final class ProxyConfig {

    private static final int DEFAULT_ENV_PORT = 1080;
    private static final int DEFAULT_SYSPROP_PORT = 443;

    private final String host;
    private final int port;
    private final String username;
    private final Secret password;
    private final List<String> nonProxyHosts;
    private final List<Pattern> nonProxyPatterns;

    private ProxyConfig(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.username = b.username;
        this.password = b.password;
        this.nonProxyHosts = Collections.unmodifiableList(new ArrayList<>(b.nonProxyHosts));
        List<Pattern> patterns = new ArrayList<>();
        for (String entry : nonProxyHosts) {
            Pattern p = toPattern(entry);
            if (p != null) {
                patterns.add(p);
            }
        }
        this.nonProxyPatterns = patterns;
    }

    /**
     * Starts a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return a builder with this proxy's settings} */
    public Builder toBuilder() {
        Builder b = new Builder().host(host).port(port).nonProxyHosts(nonProxyHosts);
        b.username = username;
        b.password = password;
        return b;
    }

    /**
     * Resolves the proxy from the process environment, then from the JVM's system properties.
     * System properties win when both are set, since they were given to this JVM in particular.
     *
     * @return the proxy, or empty when neither names one
     */
    public static Optional<ProxyConfig> discover() {
        Optional<ProxyConfig> fromProperties = fromSystemProperties(System.getProperties());
        return fromProperties.isPresent() ? fromProperties : fromEnvironment(System.getenv());
    }

    /**
     * Resolves the proxy from environment variables: {@code https_proxy} or {@code HTTPS_PROXY}
     * ({@code http://[user[:password]@]host[:port]}, port 1080 when omitted, as curl does) and
     * {@code no_proxy} or {@code NO_PROXY}.
     *
     * @param env the environment, normally {@code System.getenv()}
     * @return the proxy, or empty when no variable names one
     * @throws SsmConfigurationException when the proxy URL cannot be parsed
     */
    public static Optional<ProxyConfig> fromEnvironment(Map<String, String> env) {
        String url = firstNonBlank(env.get("https_proxy"), env.get("HTTPS_PROXY"));
        if (url == null) {
            return Optional.empty();
        }
        Builder b = parseUrl(url, "HTTPS_PROXY");
        String noProxy = firstNonBlank(env.get("no_proxy"), env.get("NO_PROXY"));
        if (noProxy != null) {
            b.nonProxyHosts(split(noProxy, ","));
        }
        return Optional.of(b.build());
    }

    /**
     * Resolves the proxy from {@code https.proxyHost}, {@code https.proxyPort} (443 when omitted, as the
     * JDK does) and {@code http.nonProxyHosts}.
     *
     * @param properties the properties, normally {@code System.getProperties()}
     * @return the proxy, or empty when {@code https.proxyHost} is not set
     * @throws SsmConfigurationException when the port is not a number
     */
    public static Optional<ProxyConfig> fromSystemProperties(Properties properties) {
        String host = firstNonBlank(properties.getProperty("https.proxyHost"));
        if (host == null) {
            return Optional.empty();
        }
        Builder b = builder().host(host).port(DEFAULT_SYSPROP_PORT);
        String port = firstNonBlank(properties.getProperty("https.proxyPort"));
        if (port != null) {
            try {
                b.port(Integer.parseInt(port));
            } catch (NumberFormatException e) {
                throw new SsmConfigurationException("https.proxyPort", "'" + port + "' is not a port number");
            }
        }
        String nonProxy = firstNonBlank(properties.getProperty("http.nonProxyHosts"));
        if (nonProxy != null) {
            b.nonProxyHosts(split(nonProxy, "\\|"));
        }
        return Optional.of(b.build());
    }

    /**
     * Parses a proxy URL such as {@code http://user:password@proxy:3128}.
     *
     * @param url the URL; only the {@code http} scheme is supported (the tunnel to the server is TLS)
     * @param setting the setting or variable the URL came from, named in errors
     * @return a builder holding the URL's settings, for further changes
     * @throws SsmConfigurationException when the URL is not a usable proxy URL
     */
    public static Builder parseUrl(String url, String setting) {
        URI uri;
        try {
            uri = new URI(url.contains("://") ? url : "http://" + url);
        } catch (URISyntaxException e) {
            throw new SsmConfigurationException(setting, "not a URL: " + redactUserInfo(url));
        }
        if (!"http".equalsIgnoreCase(uri.getScheme())) {
            throw new SsmConfigurationException(setting,
                    "scheme '" + uri.getScheme() + "' is not supported; use an http:// proxy URL");
        }
        if (uri.getHost() == null) {
            throw new SsmConfigurationException(setting, "no host in " + redactUserInfo(url));
        }
        Builder b = builder().host(uri.getHost()).port(uri.getPort() > 0 ? uri.getPort() : DEFAULT_ENV_PORT);
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            String user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            String pass = colon < 0 ? "" : decode(userInfo.substring(colon + 1));
            b.username = user;
            b.password = pass.isEmpty() ? null : Secret.of(pass);
        }
        return b;
    }

    private static String redactUserInfo(String url) {
        return url.replaceAll("//[^/@]*@", "//****@");
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v.trim();
            }
        }
        return null;
    }

    private static List<String> split(String list, String separatorRegex) {
        List<String> out = new ArrayList<>();
        for (String part : list.split(separatorRegex)) {
            String p = part.trim();
            if (!p.isEmpty()) {
                out.add(p);
            }
        }
        return out;
    }

    /**
     * Turns a non-proxy entry into a host pattern. {@code *} matches everything; {@code example.com}
     * and {@code .example.com} match the domain and its subdomains (curl's {@code NO_PROXY} rule);
     * entries with {@code *} elsewhere are globs ({@code *.example.com}, {@code 10.*}: the JDK's rule).
     * A {@code :port} suffix and IPv6 brackets are ignored.
     */
    private static Pattern toPattern(String rawEntry) {
        String entry = rawEntry.trim().toLowerCase(Locale.ROOT);
        if (entry.isEmpty()) {
            return null;
        }
        if (entry.equals("*")) {
            return Pattern.compile(".*");
        }
        if (entry.startsWith("[")) {
            int end = entry.indexOf(']');
            entry = end > 0 ? entry.substring(1, end) : entry;
        } else if (entry.chars().filter(c -> c == ':').count() == 1) {
            entry = entry.substring(0, entry.indexOf(':'));
        }
        if (entry.contains("*")) {
            StringBuilder regex = new StringBuilder();
            for (String piece : entry.split("\\*", -1)) {
                if (regex.length() > 0) {
                    regex.append(".*");
                }
                regex.append(Pattern.quote(piece));
            }
            return Pattern.compile(regex.toString());
        }
        String domain = entry.startsWith(".") ? entry.substring(1) : entry;
        return Pattern.compile("(.*\\.)?" + Pattern.quote(domain));
    }

    /**
     * Whether requests to this host go through the proxy.
     *
     * @param targetHost the server's host name or address
     * @return false when a non-proxy entry matches the host
     */
    public boolean appliesTo(String targetHost) {
        String host = targetHost.toLowerCase(Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        for (Pattern p : nonProxyPatterns) {
            if (p.matcher(host).matches()) {
                return false;
            }
        }
        return true;
    }

    /** {@return the proxy's host name or address} */
    public String host() {
        return host;
    }

    /** {@return the proxy's port} */
    public int port() {
        return port;
    }

    /** {@return the proxy user name, if the proxy needs authentication} */
    public Optional<String> username() {
        return Optional.ofNullable(username);
    }

    /** {@return the proxy password, if the proxy needs authentication} */
    public Optional<Secret> password() {
        return Optional.ofNullable(password);
    }

    /** {@return the hosts reached without the proxy, as configured} */
    public List<String> nonProxyHosts() {
        return nonProxyHosts;
    }

    /** {@return {@code host:port}} */
    public String address() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ProxyConfig)) {
            return false;
        }
        ProxyConfig other = (ProxyConfig) o;
        return port == other.port && host.equals(other.host) && Objects.equals(username, other.username)
                && Objects.equals(password, other.password) && nonProxyHosts.equals(other.nonProxyHosts);
    }

    @Override
    public int hashCode() {
        return Objects.hash(host, port, username, nonProxyHosts);
    }

    /** Shows the address, the user name and the non-proxy hosts; never the password. */
    @Override
    public String toString() {
        return "ProxyConfig{" + address()
                + (username != null ? ", username=" + username + ", password=" + (password != null ? "****" : "none") : "")
                + (nonProxyHosts.isEmpty() ? "" : ", nonProxyHosts=" + nonProxyHosts) + "}";
    }

    /** Builds a {@link ProxyConfig}. */
    public static final class Builder {
        private String host;
        private int port = -1;
        private String username;
        private Secret password;
        private final List<String> nonProxyHosts = new ArrayList<>();

        private Builder() {
        }

        /**
         * Sets the proxy's host name or address.
         *
         * @param host the proxy's host name or address
         * @return this builder
         */
        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /**
         * Sets the proxy's port, 1 to 65535.
         *
         * @param port the proxy's port
         * @return this builder
         */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /**
         * Sets the Basic credentials the proxy asks for on {@code CONNECT}.
         *
         * @param username the user name
         * @param password the password
         * @return this builder
         */
        public Builder credentials(String username, Secret password) {
            this.username = Objects.requireNonNull(username, "username");
            this.password = Objects.requireNonNull(password, "password");
            return this;
        }

        /**
         * Replaces the password, keeping the user name (for a password given apart from the proxy URL).
         *
         * @param password the password
         * @return this builder
         */
        public Builder password(Secret password) {
            this.password = password;
            return this;
        }

        /**
         * Sets the hosts reached directly. Entries: {@code host}, {@code .domain} or {@code domain}
         * (the domain and its subdomains), globs with {@code *}, or {@code *} for every host.
         *
         * @param hosts the entries
         * @return this builder
         */
        public Builder nonProxyHosts(List<String> hosts) {
            this.nonProxyHosts.clear();
            this.nonProxyHosts.addAll(hosts);
            return this;
        }

        /**
         * Adds hosts reached directly.
         *
         * @param hosts the entries
         * @return this builder
         */
        public Builder addNonProxyHosts(String... hosts) {
            this.nonProxyHosts.addAll(Arrays.asList(hosts));
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the proxy configuration
         * @throws SsmConfigurationException naming the invalid setting
         */
        public ProxyConfig build() {
            if (host == null || host.isBlank()) {
                throw new SsmConfigurationException("proxy.host", "a proxy host is required");
            }
            if (port < 1 || port > 65535) {
                throw new SsmConfigurationException("proxy.port", port + " is not a port between 1 and 65535");
            }
            if (password != null && username == null) {
                throw new SsmConfigurationException("proxy.password", "a proxy password needs a proxy user name");
            }
            return new ProxyConfig(this);
        }
    }
}
