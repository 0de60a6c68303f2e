package io.github.ssmonprem.core.exception;

/**
 * A setting is missing, invalid or in conflict with another. Thrown by builders' {@code build()},
 * before any network I/O; the message names the setting.
 */
public class SsmConfigurationException extends SsmException {

    private static final long serialVersionUID = 1L;

    /** The offending setting. */
    private final String setting;
    /** What is wrong with it. */
    private final String problem;

    /**
     * Creates the exception.
     *
     * @param setting the setting's name, as the builder method spells it
     * @param problem what is wrong with it
     */
    public SsmConfigurationException(String setting, String problem) {
        this(setting, problem, null);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param setting the setting's name, as the builder method spells it
     * @param problem what is wrong with it
     * @param cause the cause, or null
     */
    public SsmConfigurationException(String setting, String problem, Throwable cause) {
        this(setting, problem, "Correct the '" + setting + "' setting and build the client again.", cause);
    }

    /**
     * Creates the exception with a remediation of its own, for a problem that editing the setting
     * does not fix (a dependency's version, the environment).
     *
     * @param setting the setting's name, as the builder method spells it, or the property at fault
     * @param problem what is wrong with it
     * @param remediation what to do, in the user's terms
     * @param cause the cause, or null
     */
    public SsmConfigurationException(String setting, String problem, String remediation, Throwable cause) {
        super("Invalid setting '" + setting + "': " + problem, remediation, false, cause);
        this.setting = setting;
        this.problem = problem;
        recordSetting(setting);
    }

    /**
     * The offending setting.
     *
     * @return its name
     */
    @Override
    public String setting() {
        return setting;
    }

    /**
     * What is wrong with the setting, without its name ({@link #detail()} is
     * {@code Invalid setting 'SETTING': PROBLEM}).
     *
     * @return the problem
     */
    public String problem() {
        return problem;
    }
}
