package io.github.ssmonprem.sync.lock;

import io.github.ssmonprem.core.exception.SsmException;

/**
 * The sync lock could not be reached or used: the database holding it is down or refused the
 * statement. No sync runs without its lease, so nothing was written under an uncertain lock.
 */
public class SyncLockException extends SsmException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param detail what failed
     * @param remediation what an operator should do about it
     * @param retryable whether trying again later may succeed
     * @param cause the underlying failure, or null
     */
    public SyncLockException(String detail, String remediation, boolean retryable, Throwable cause) {
        super(detail, remediation, retryable, cause);
    }
}
