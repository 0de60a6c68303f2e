package io.github.ssmonprem.spring.boot;

import io.github.ssmonprem.spring.boot.internal.SsmSecretSanitizer;
import io.github.ssmonprem.spring.boot.internal.SsmSyncStatus;
import io.github.ssmonprem.sync.SsmSyncClient;
import io.github.ssmonprem.sync.SyncScheduler;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code ssm} actuator endpoint and the masking of the SSM secrets in {@code /actuator/env} and
 * {@code /actuator/configprops}, when Spring Boot Actuator is on the class path.
 */
@AutoConfiguration(after = SsmOnPremAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
public class SsmActuatorAutoConfiguration {

    /** Creates the configuration; Boot instantiates it. */
    public SsmActuatorAutoConfiguration() {
    }

    /**
     * Masks {@code client-secret}, {@code password} and {@code proxy.password} of {@code ssm.onprem}
     * whatever {@code management.endpoint.*.show-values} says.
     *
     * @return the sanitizing function
     */
    @Bean
    SsmSecretSanitizer ssmSecretSanitizer() {
        return new SsmSecretSanitizer();
    }

    /**
     * The {@code ssm} endpoint.
     *
     * @param client the sync client
     * @param status the sync status
     * @param scheduler the scheduler, if the background sync is on
     * @return the endpoint
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(SsmSyncStatus.class)
    SsmEndpoint ssmEndpoint(SsmSyncClient client, SsmSyncStatus status, ObjectProvider<SyncScheduler> scheduler) {
        return new SsmEndpoint(client, status, scheduler);
    }
}
