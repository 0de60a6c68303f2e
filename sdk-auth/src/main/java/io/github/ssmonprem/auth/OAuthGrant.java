package io.github.ssmonprem.auth;

import io.github.ssmonprem.core.Secret;
import io.github.ssmonprem.core.exception.SsmConfigurationException;
import io.github.ssmonprem.core.internal.SettingText;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The API Toolkit grant a client authenticates with: SSM On-Prem's API Toolkit issues either a
 * <em>Resource Owner Grant</em> (OAuth2 password flow: client ID and secret plus a user's name and
 * password) or a <em>Client Credentials Grant</em> (client ID and secret).
 *
 * <pre>{@code
 * OAuthGrant grant = OAuthGrant.password("3f9a...", Secret.fromEnv("SSM_CLIENT_SECRET"),
 *                                        "svc-sdwan", Secret.fromEnv("SSM_PASSWORD"));
 * }</pre>
 *
 * <p>{@link #toString()} shows the grant type, client ID and user name, never a secret. A control
 * character in any part (a line break copied with a value) is refused with an
 * {@link SsmConfigurationException} naming the part.
 */
public final class OAuthGrant {

    /** {@code grant_type} of the Resource Owner (password) grant. */
    public static final String PASSWORD = "password";
    /** {@code grant_type} of the Client Credentials grant. */
    public static final String CLIENT_CREDENTIALS = "client_credentials";
    /** {@code grant_type} of a refresh. */
    public static final String REFRESH_TOKEN = "refresh_token";

    private final String grantType;
    private final String clientId;
    private final Secret clientSecret;
    private final String username;
    private final Secret password;

    private OAuthGrant(String grantType, String clientId, Secret clientSecret, String username, Secret password) {
        if (clientId == null || clientId.isBlank()) {
            throw new SsmConfigurationException("clientId", "the API Toolkit grant's client ID is required");
        }
        SettingText.require("clientId", clientId, false);
        SettingText.require("username", username, false);
        SettingText.require("clientSecret", clientSecret == null ? null : clientSecret.reveal(), true);
        SettingText.require("password", password == null ? null : password.reveal(), true);
        this.grantType = grantType;
        this.clientId = clientId;
        this.clientSecret = Objects.requireNonNull(clientSecret, "clientSecret");
        this.username = username;
        this.password = password;
    }

    /**
     * A Resource Owner (password) grant.
     *
     * @param clientId the grant's client ID
     * @param clientSecret the grant's client secret
     * @param username the SSM On-Prem user
     * @param password the user's password
     * @return the grant
     */
    public static OAuthGrant password(String clientId, Secret clientSecret, String username, Secret password) {
        if (username == null || username.isBlank()) {
            throw new SsmConfigurationException("username", "the password grant needs a user name");
        }
        return new OAuthGrant(PASSWORD, clientId, clientSecret, username, Objects.requireNonNull(password, "password"));
    }

    /**
     * A Client Credentials grant.
     *
     * @param clientId the grant's client ID
     * @param clientSecret the grant's client secret
     * @return the grant
     */
    public static OAuthGrant clientCredentials(String clientId, Secret clientSecret) {
        return new OAuthGrant(CLIENT_CREDENTIALS, clientId, clientSecret, null, null);
    }

    /** {@return {@value #PASSWORD} or {@value #CLIENT_CREDENTIALS}} */
    public String grantType() {
        return grantType;
    }

    /** {@return the client ID} */
    public String clientId() {
        return clientId;
    }

    /** {@return the client secret} */
    public Secret clientSecret() {
        return clientSecret;
    }

    /** {@return the user name of a password grant, or null} */
    public String username() {
        return username;
    }

    /**
     * The grant's own form fields (without client authentication).
     *
     * @return {@code grant_type} and, for the password grant, {@code username} and {@code password}
     */
    Map<String, String> grantFields() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("grant_type", grantType);
        if (PASSWORD.equals(grantType)) {
            fields.put("username", username);
            fields.put("password", password.reveal());
        }
        return fields;
    }

    @Override
    public String toString() {
        return "OAuthGrant{" + grantType + ", clientId=" + clientId
                + (username != null ? ", username=" + username : "") + ", secrets=****}";
    }
}
