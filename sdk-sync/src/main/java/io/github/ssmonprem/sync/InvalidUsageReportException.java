package io.github.ssmonprem.sync;

import io.github.ssmonprem.core.exception.SsmException;

/**
 * A usage report is not valid: empty, a negative count, an end before its start, a missing field.
 * Thrown before anything is stored or sent.
 */
public class InvalidUsageReportException extends SsmException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param problem what is wrong, naming the field
     */
    public InvalidUsageReportException(String problem) {
        super("Invalid usage report: " + problem + ".",
                "Correct the report and submit it again; nothing was stored or sent.", false, null);
    }
}
