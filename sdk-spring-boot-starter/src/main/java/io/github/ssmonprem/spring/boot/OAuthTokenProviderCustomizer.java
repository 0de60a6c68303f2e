package io.github.ssmonprem.spring.boot;

import io.github.ssmonprem.auth.OAuthTokenProvider;

/**
 * Adjusts the token provider (scope, refresh margin, client authentication) beyond what the {@code ssm.onprem.*} properties cover. Every bean of this type
 * is applied, in {@link org.springframework.core.annotation.Order} order, after the properties.
 */
@FunctionalInterface
public interface OAuthTokenProviderCustomizer {

    /**
     * Adjusts the builder before it builds.
     *
     * @param builder the builder, already holding the properties' settings
     */
    void customize(OAuthTokenProvider.Builder builder);
}
