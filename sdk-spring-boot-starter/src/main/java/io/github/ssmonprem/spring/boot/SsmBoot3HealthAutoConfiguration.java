package io.github.ssmonprem.spring.boot;

import io.github.ssmonprem.spring.boot.internal.Boot3HealthIndicatorFactory;
import io.github.ssmonprem.spring.boot.internal.SsmSyncStatus;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * The {@code ssm} health contributor on Spring Boot 3 (health API in
 * {@code org.springframework.boot.actuate.health}, absent from Boot 4, which this starter is compiled
 * against: the indicator is bound to it by name). Off with {@code management.health.ssm.enabled=false}.
 */
@AutoConfiguration(after = SsmOnPremAutoConfiguration.class)
@ConditionalOnClass(name = Boot3HealthIndicatorFactory.HEALTH_INDICATOR)
@ConditionalOnBean(SsmSyncStatus.class)
@ConditionalOnProperty(name = "management.health.ssm.enabled", havingValue = "true", matchIfMissing = true)
public class SsmBoot3HealthAutoConfiguration {

    /** Creates the configuration; Boot instantiates it. */
    public SsmBoot3HealthAutoConfiguration() {
    }

    /**
     * The {@code ssm} health indicator, as on Boot 4.
     *
     * <p>Static, and given the status lazily, so that matching beans by type (which asks this factory for
     * its type) creates nothing else.
     *
     * @param status the sync status, looked up at each health check
     * @return a factory of a Boot 3 {@code HealthIndicator}
     */
    @Bean
    @ConditionalOnMissingBean(name = "ssmHealthIndicator")
    static Boot3HealthIndicatorFactory ssmHealthIndicator(ObjectProvider<SsmSyncStatus> status) {
        return new Boot3HealthIndicatorFactory(status);
    }
}
