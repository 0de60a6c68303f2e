package io.github.ssmonprem.core;

import io.github.ssmonprem.core.exception.SsmConfigurationException;
import java.util.Objects;

/**
 * Every route the SDK calls, in one place. The defaults are the SSM On-Prem wire profile; a
 * deployment that exposes other paths needs a different {@code SsmRoutes}, not different code.
 *
 * <pre>{@code
 * SsmRoutes routes = SsmRoutes.defaults().toBuilder().tokenPath("/oauth/token").build();
 * }</pre>
 */
public final class SsmRoutes {

    /** Placeholder for the smart account domain in {@link #licensesPath()}. */
    public static final String ACCOUNT_PLACEHOLDER = "{accountDomain}";

    private static final SsmRoutes DEFAULTS = builder().build();

    private final String tokenPath;
    private final String accountsPath;
    private final String licensesPath;
    private final String usageReportPath;
    private final String pollPath;
    private final String accountSearchPath;
    private final String authorizationRequestPath;

    private SsmRoutes(Builder b) {
        this.tokenPath = b.tokenPath;
        this.accountsPath = b.accountsPath;
        this.licensesPath = b.licensesPath;
        this.usageReportPath = b.usageReportPath;
        this.pollPath = b.pollPath;
        this.accountSearchPath = b.accountSearchPath;
        this.authorizationRequestPath = b.authorizationRequestPath;
    }

    /**
     * The SSM On-Prem routes.
     *
     * @return the default routes
     */
    public static SsmRoutes defaults() {
        return DEFAULTS;
    }

    /**
     * Starts a builder holding the defaults.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return a builder holding these routes} */
    public Builder toBuilder() {
        return new Builder().tokenPath(tokenPath).accountsPath(accountsPath).licensesPath(licensesPath)
                .usageReportPath(usageReportPath).pollPath(pollPath).accountSearchPath(accountSearchPath)
                .authorizationRequestPath(authorizationRequestPath);
    }

    /** {@return the OAuth token route, default {@code /backend/oauth/token}} */
    public String tokenPath() {
        return tokenPath;
    }

    /** {@return the accounts route, default {@code /backend/api/v1/accounts}} */
    public String accountsPath() {
        return accountsPath;
    }

    /**
     * {@return the licenses route with {@value #ACCOUNT_PLACEHOLDER}, default
     * {@code /backend/api/v1/accounts/{accountDomain}/licenses}}
     */
    public String licensesPath() {
        return licensesPath;
    }

    /**
     * The licenses route of one account.
     *
     * @param accountDomain the smart account domain, path-encoded by this method
     * @return the path
     */
    public String licensesPath(String accountDomain) {
        return licensesPath.replace(ACCOUNT_PLACEHOLDER, org.apache.hc.core5.net.PercentCodec.RFC3986.encode(accountDomain));
    }

    /** {@return the usage report route, default {@code /backend/api/v2/devices/reportusage}} */
    public String usageReportPath() {
        return usageReportPath;
    }

    /** {@return the acknowledgement poll route, default {@code /backend/api/v2/accounts/poll}} */
    public String pollPath() {
        return pollPath;
    }

    /** {@return the account and virtual-account id search route, default {@code /backend/api/v2/accounts/search}} */
    public String accountSearchPath() {
        return accountSearchPath;
    }

    /** {@return the authorization-code request route (HSEC, SLAC), default {@code /backend/api/v2/devices/authrequest}} */
    public String authorizationRequestPath() {
        return authorizationRequestPath;
    }

    @Override
    public String toString() {
        return "SsmRoutes{token=" + tokenPath + ", accounts=" + accountsPath + ", licenses=" + licensesPath
                + ", usage=" + usageReportPath + ", poll=" + pollPath + ", search=" + accountSearchPath
                + ", authorization=" + authorizationRequestPath + "}";
    }

    /** Builds {@link SsmRoutes}. */
    public static final class Builder {
        private String tokenPath = "/backend/oauth/token";
        private String accountsPath = "/backend/api/v1/accounts";
        private String licensesPath = "/backend/api/v1/accounts/" + ACCOUNT_PLACEHOLDER + "/licenses";
        private String usageReportPath = "/backend/api/v2/devices/reportusage";
        private String pollPath = "/backend/api/v2/accounts/poll";
        private String accountSearchPath = "/backend/api/v2/accounts/search";
        private String authorizationRequestPath = "/backend/api/v2/devices/authrequest";

        private Builder() {
        }

        /**
         * Sets the token route.
         *
         * @param path the token route
         * @return this builder
         */
        public Builder tokenPath(String path) {
            this.tokenPath = path;
            return this;
        }

        /**
         * Sets the accounts route.
         *
         * @param path the accounts route
         * @return this builder
         */
        public Builder accountsPath(String path) {
            this.accountsPath = path;
            return this;
        }

        /**
         * Sets the licenses route, with {@value SsmRoutes#ACCOUNT_PLACEHOLDER}.
         *
         * @param path the licenses route, with {@value SsmRoutes#ACCOUNT_PLACEHOLDER}
         * @return this builder
         */
        public Builder licensesPath(String path) {
            this.licensesPath = path;
            return this;
        }

        /**
         * Sets the usage report route.
         *
         * @param path the usage report route
         * @return this builder
         */
        public Builder usageReportPath(String path) {
            this.usageReportPath = path;
            return this;
        }

        /**
         * Sets the acknowledgement poll route.
         *
         * @param path the acknowledgement poll route
         * @return this builder
         */
        public Builder pollPath(String path) {
            this.pollPath = path;
            return this;
        }

        /**
         * Sets the account and virtual-account id search route.
         *
         * @param path the route
         * @return this builder
         */
        public Builder accountSearchPath(String path) {
            this.accountSearchPath = path;
            return this;
        }

        /**
         * Sets the authorization-code request route.
         *
         * @param path the route
         * @return this builder
         */
        public Builder authorizationRequestPath(String path) {
            this.authorizationRequestPath = path;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the routes
         * @throws SsmConfigurationException when a path is not absolute or has a query string
         */
        public SsmRoutes build() {
            check("routes.tokenPath", tokenPath);
            check("routes.accountsPath", accountsPath);
            check("routes.licensesPath", licensesPath);
            check("routes.usageReportPath", usageReportPath);
            check("routes.pollPath", pollPath);
            check("routes.accountSearchPath", accountSearchPath);
            check("routes.authorizationRequestPath", authorizationRequestPath);
            if (!licensesPath.contains(ACCOUNT_PLACEHOLDER)) {
                throw new SsmConfigurationException("routes.licensesPath", "must contain " + ACCOUNT_PLACEHOLDER);
            }
            return new SsmRoutes(this);
        }

        private static void check(String setting, String path) {
            Objects.requireNonNull(path, setting);
            io.github.ssmonprem.core.internal.SettingText.require(setting, path, false);
            if (!path.startsWith("/") || path.contains("?") || path.contains("#")) {
                throw new SsmConfigurationException(setting, "must be an absolute path with no query string, was '" + path + "'");
            }
        }
    }
}
