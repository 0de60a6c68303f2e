package io.github.ssmonprem.sync.usage;

import io.github.ssmonprem.core.exception.SsmException;

/**
 * A usage report, RUM report or usage file is not valid: a payload that is not JSON, a missing
 * signature, devices that differ between payload and signature, the same report twice, a file too
 * large. Thrown before anything is stored or sent.
 */
public class InvalidUsageReportException extends SsmException {

    private static final long serialVersionUID = 1L;

    /** What is wrong, without the prefix. */
    private final String problem;

    /**
     * Creates the exception.
     *
     * @param problem what is wrong, naming the file, element or field
     */
    public InvalidUsageReportException(String problem) {
        super("Invalid usage report: " + problem + ".",
                "Correct the usage file or report and submit it again; nothing was stored or sent.", false, null);
        this.problem = problem;
    }

    /** {@return what is wrong, naming the file, element or field} */
    public String problem() {
        return problem;
    }
}
