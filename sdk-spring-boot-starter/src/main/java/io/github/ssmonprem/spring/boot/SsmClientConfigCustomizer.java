package io.github.ssmonprem.spring.boot;

import io.github.ssmonprem.core.SsmClientConfig;

/**
 * Adjusts the transport configuration built from the properties (for example a custom retry or circuit-breaker configuration) beyond what the {@code ssm.onprem.*} properties cover. Every bean of this type
 * is applied, in {@link org.springframework.core.annotation.Order} order, after the properties.
 */
@FunctionalInterface
public interface SsmClientConfigCustomizer {

    /**
     * Adjusts the builder before it builds.
     *
     * @param builder the builder, already holding the properties' settings
     */
    void customize(SsmClientConfig.Builder builder);
}
