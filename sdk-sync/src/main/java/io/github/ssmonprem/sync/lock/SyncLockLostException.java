package io.github.ssmonprem.sync.lock;

/**
 * This node's lease on the sync lock expired (a long pause, a lost database connection) and another
 * node may be syncing now, so this node stopped before writing.
 */
public class SyncLockLostException extends SyncLockException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param fencingToken the token of the lease that was lost
     */
    public SyncLockLostException(long fencingToken) {
        super("This node's sync lease (fencing token " + fencingToken + ") expired or was taken over by another node;"
                + " the sync stopped before writing.",
                "Nothing to do if another node is syncing; if this happens often, raise the lease time above the"
                        + " longest pause of this node (garbage collection, a suspended VM).",
                true, null);
    }
}
