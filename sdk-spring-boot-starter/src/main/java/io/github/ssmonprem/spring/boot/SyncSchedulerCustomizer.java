package io.github.ssmonprem.spring.boot;

import io.github.ssmonprem.sync.SyncSchedulerBuilder;
import io.github.ssmonprem.sync.SyncScheduler;

/**
 * Adjusts the sync scheduler (failure back-off, close timeout, listeners, clock) beyond what the {@code ssm.onprem.*} properties cover. Every bean of this type
 * is applied, in {@link org.springframework.core.annotation.Order} order, after the properties.
 */
@FunctionalInterface
public interface SyncSchedulerCustomizer {

    /**
     * Adjusts the builder before it builds.
     *
     * @param builder the builder, already holding the properties' settings
     */
    void customize(SyncSchedulerBuilder builder);
}
