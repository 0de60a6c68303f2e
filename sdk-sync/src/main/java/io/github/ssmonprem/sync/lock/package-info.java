/**
 * The cluster's sync lock: {@link io.github.ssmonprem.sync.lock.SyncLock}, a lease with an expiry and a
 * fencing token, held for one sync, so that the nodes of a cluster run one sync per period between
 * them. {@link io.github.ssmonprem.sync.lock.LocalSyncLock} serves one JVM; sdk-jdbc holds the lock in
 * a database.
 */
package io.github.ssmonprem.sync.lock;
