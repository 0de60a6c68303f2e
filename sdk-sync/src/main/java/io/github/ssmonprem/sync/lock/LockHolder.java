package io.github.ssmonprem.sync.lock;

import java.time.Instant;
import java.util.Objects;

/**
 * Who holds a {@link SyncLock}, for {@code status} displays.
 *
 * @param node the node name the holder gave when it took the lease
 * @param fencingToken the lease's fencing token (0 when the implementation has none)
 * @param acquiredAt when the lease was taken, in the lock's clock (null when unknown)
 * @param expiresAt when the lease expires unless renewed, in the lock's clock (null when unknown)
 */
public record LockHolder(String node, long fencingToken, Instant acquiredAt, Instant expiresAt) {

    /**
     * Checks that the holder is named.
     *
     * @param node the node name the holder gave
     * @param fencingToken the lease's fencing token
     * @param acquiredAt when the lease was taken
     * @param expiresAt when the lease expires unless renewed
     */
    public LockHolder {
        Objects.requireNonNull(node, "node");
    }
}
