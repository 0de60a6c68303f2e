package io.github.ssmonprem.spring.boot.internal;

import io.github.ssmonprem.core.exception.SsmConfigurationException;
import io.github.ssmonprem.spring.boot.MissingSsmPropertyException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a missing or invalid SSM setting into Boot's start-up failure report, naming the property.
 */
public final class SsmFailureAnalyzer extends AbstractFailureAnalyzer<SsmConfigurationException> {

    /** Creates the analyzer; Boot instantiates it from {@code META-INF/spring.factories}. */
    public SsmFailureAnalyzer() {
    }

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, SsmConfigurationException cause) {
        if (cause instanceof MissingSsmPropertyException missing && missing.action() != null) {
            return new FailureAnalysis("SSM On-Prem: " + cause.detail(), missing.action(), cause);
        }
        if (cause instanceof MissingSsmPropertyException) {
            return new FailureAnalysis("SSM On-Prem: " + cause.detail(),
                    "Set " + cause.setting() + " in application.properties or in the environment (for example "
                            + toEnvironmentVariable(cause.setting()) + "), or set ssm.onprem.enabled=false.",
                    cause);
        }
        return new FailureAnalysis("SSM On-Prem: " + cause.detail(),
                "Correct the ssm.onprem.* property behind the setting '" + cause.setting() + "'.", cause);
    }

    static String toEnvironmentVariable(String property) {
        return property.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_')
                .replace("[", "_").replace("]", "");
    }
}
