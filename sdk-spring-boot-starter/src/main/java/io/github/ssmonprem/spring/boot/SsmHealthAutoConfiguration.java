package io.github.ssmonprem.spring.boot;

import io.github.ssmonprem.spring.boot.internal.SsmSyncStatus;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code ssm} health contributor on Spring Boot 4 (health API in
 * {@code org.springframework.boot.health.contributor}). Off with {@code management.health.ssm.enabled=false}.
 */
@AutoConfiguration(after = SsmOnPremAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
@ConditionalOnBean(SsmSyncStatus.class)
@ConditionalOnProperty(name = "management.health.ssm.enabled", havingValue = "true", matchIfMissing = true)
public class SsmHealthAutoConfiguration {

    /** Creates the configuration; Boot instantiates it. */
    public SsmHealthAutoConfiguration() {
    }

    /**
     * The {@code ssm} health indicator: UP when the last sync succeeded within two periods or none is
     * due yet; {@code DEGRADED} (HTTP 200) when it failed or is overdue; DOWN only when the licenses are
     * older than {@code ssm.onprem.health.down-when-licenses-older-than}; with the status details.
     *
     * @param status the sync status
     * @return the indicator
     */
    @Bean
    @ConditionalOnMissingBean(name = "ssmHealthIndicator")
    HealthIndicator ssmHealthIndicator(SsmSyncStatus status) {
        return () -> Health.status(status.level().name()).withDetails(status.details()).build();
    }
}
