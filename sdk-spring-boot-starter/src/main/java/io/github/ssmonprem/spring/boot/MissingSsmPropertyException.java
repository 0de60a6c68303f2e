package io.github.ssmonprem.spring.boot;

import io.github.ssmonprem.core.exception.SsmConfigurationException;

/**
 * An {@code ssm.onprem.*} property that the application needs is unset or invalid. Start-up fails
 * with a failure analysis naming the property instead of a stack trace.
 */
public class MissingSsmPropertyException extends SsmConfigurationException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param property the full property name, e.g. {@code ssm.onprem.url}
     * @param problem what is wrong with it
     */
    public MissingSsmPropertyException(String property, String problem) {
        super(property, problem);
    }
}
