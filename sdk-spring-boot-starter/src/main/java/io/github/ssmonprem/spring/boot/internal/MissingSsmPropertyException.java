package io.github.ssmonprem.spring.boot.internal;

import io.github.ssmonprem.core.exception.SsmConfigurationException;

/**
 * An {@code ssm.onprem.*} property that the application needs is unset or invalid. Start-up fails
 * with a failure analysis naming the property instead of a stack trace.
 */
public final class MissingSsmPropertyException extends SsmConfigurationException {

    private static final long serialVersionUID = 1L;

    /** What the operator should do, when more than setting the property. */
    private final String action;

    /**
     * Creates the exception.
     *
     * @param property the full property name, e.g. {@code ssm.onprem.url}
     * @param problem what is wrong with it
     */
    public MissingSsmPropertyException(String property, String problem) {
        this(property, problem, null);
    }

    /**
     * Creates the exception with the remedy the failure analysis shows.
     *
     * @param property the full property name, e.g. {@code ssm.onprem.cluster.enabled}
     * @param problem what is wrong with it
     * @param action what to do, or null for "set the property"
     */
    public MissingSsmPropertyException(String property, String problem, String action) {
        super(property, problem);
        this.action = action;
    }

    /**
     * The remedy the failure analysis shows, when more than setting the property.
     *
     * @return the remedy, or null
     */
    public String action() {
        return action;
    }
}
