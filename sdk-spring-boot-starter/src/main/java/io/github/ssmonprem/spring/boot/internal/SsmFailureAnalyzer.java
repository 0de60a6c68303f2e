package io.github.ssmonprem.spring.boot.internal;

import io.github.ssmonprem.core.exception.SsmConfigurationException;
import java.util.Map;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a missing or invalid SSM setting into Boot's start-up failure report, naming the property:
 * the starter's own checks name it, and an SDK builder's refusal of a value a property set (a
 * non-positive timeout, a jitter longer than the period) is mapped to the property behind it.
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
        String property = PROPERTIES.get(cause.setting());
        if (property != null) {
            // The setting is named by its property too: the rule is the SDK's, checked once, in its builder.
            String detail = cause.detail().replace("'" + cause.setting() + "'", "'" + cause.setting() + "' (" + property + ")");
            return new FailureAnalysis("SSM On-Prem: " + detail,
                    "Correct " + property + " (the SDK's setting '" + cause.setting() + "') in application.properties or in the"
                            + " environment (" + toEnvironmentVariable(property) + ").", cause);
        }
        return new FailureAnalysis("SSM On-Prem: " + cause.detail(),
                "Correct the ssm.onprem.* property behind the setting '" + cause.setting() + "'.", cause);
    }

    /** The starter's property behind each SDK setting the properties set, by the setting's name in the SDK's exceptions. */
    static final Map<String, String> PROPERTIES = Map.ofEntries(
            Map.entry("baseUrl", "ssm.onprem.url"),
            Map.entry("clientId", "ssm.onprem.client-id"),
            Map.entry("username", "ssm.onprem.username"),
            Map.entry("connectTimeout", "ssm.onprem.connect-timeout"),
            Map.entry("responseTimeout", "ssm.onprem.response-timeout"),
            Map.entry("attemptTimeout", "ssm.onprem.attempt-timeout"),
            Map.entry("callTimeout", "ssm.onprem.call-timeout"),
            Map.entry("retry.maxAttempts", "ssm.onprem.retries"),
            Map.entry("tls.caPem", "ssm.onprem.ca-cert"),
            Map.entry("proxy.host", "ssm.onprem.proxy.url"),
            Map.entry("proxy.port", "ssm.onprem.proxy.url"),
            Map.entry("proxy.password", "ssm.onprem.proxy.password"),
            Map.entry("period", "ssm.onprem.scheduler.period"),
            Map.entry("initialDelay", "ssm.onprem.scheduler.initial-delay"),
            Map.entry("jitter", "ssm.onprem.scheduler.jitter"),
            Map.entry("nodeName", "ssm.onprem.cluster.node-name"),
            Map.entry("claimLease", "ssm.onprem.cluster.claim-lease"));

    static String toEnvironmentVariable(String property) {
        return property.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_')
                .replace("[", "_").replace("]", "");
    }
}
