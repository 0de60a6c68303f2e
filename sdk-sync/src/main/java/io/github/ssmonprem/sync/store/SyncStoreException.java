package io.github.ssmonprem.sync.store;

import io.github.ssmonprem.core.exception.SsmException;

/**
 * The sync state could not be read or written durably: a full disk, a read-only or missing state
 * directory, a permission problem. When it comes from storing a usage report, nothing was sent.
 */
public class SyncStoreException extends SsmException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param detail what failed
     * @param remediation what to do about it
     * @param cause the I/O failure
     */
    public SyncStoreException(String detail, String remediation, Throwable cause) {
        super(detail, remediation, false, cause);
    }
}
