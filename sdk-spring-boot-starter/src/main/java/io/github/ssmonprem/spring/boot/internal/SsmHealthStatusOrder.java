package io.github.ssmonprem.spring.boot.internal;

import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Gives Spring Boot's health aggregation a place for the {@code ssm} contributor's {@code DEGRADED}
 * status: after DOWN and OUT_OF_SERVICE, before UP. Without it Boot ranks an unknown status above DOWN,
 * so a DEGRADED {@code ssm} would hide another contributor's DOWN. Added as the lowest-precedence
 * default: an application that sets {@code management.endpoint.health.status.order} itself keeps its
 * own order (and should list DEGRADED in it). DEGRADED has no HTTP mapping of its own, so Boot answers
 * it with 200, as for UP.
 */
@SuppressWarnings("deprecation") // the one interface both Spring Boot 3.5 and 4.0 load from spring.factories
public final class SsmHealthStatusOrder implements org.springframework.boot.env.EnvironmentPostProcessor {

    /** The property this sets, when the application does not. */
    public static final String ORDER = "management.endpoint.health.status.order";

    /** Boot's default order, with DEGRADED between OUT_OF_SERVICE and UP. */
    public static final String DEFAULT_ORDER = "DOWN,OUT_OF_SERVICE,DEGRADED,UP,UNKNOWN";

    /** Creates the post-processor; Boot instantiates it. */
    public SsmHealthStatusOrder() {
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (!environment.getPropertySources().contains("ssmHealthStatusOrder")) {
            environment.getPropertySources().addLast(new MapPropertySource("ssmHealthStatusOrder", Map.of(ORDER, DEFAULT_ORDER)));
        }
    }
}
