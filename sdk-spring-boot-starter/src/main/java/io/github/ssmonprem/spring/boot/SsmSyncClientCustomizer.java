package io.github.ssmonprem.spring.boot;

import io.github.ssmonprem.sync.SsmSyncClientBuilder;
import io.github.ssmonprem.sync.SsmSyncClient;

/**
 * Adjusts the sync client (page size, acknowledgement timeout, further accounts) beyond what the {@code ssm.onprem.*} properties cover. Every bean of this type
 * is applied, in {@link org.springframework.core.annotation.Order} order, after the properties.
 */
@FunctionalInterface
public interface SsmSyncClientCustomizer {

    /**
     * Adjusts the builder before it builds.
     *
     * @param builder the builder, already holding the properties' settings
     */
    void customize(SsmSyncClientBuilder builder);
}
