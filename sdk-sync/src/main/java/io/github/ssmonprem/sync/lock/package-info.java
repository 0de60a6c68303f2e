/**
 * The cluster's sync lock: {@link io.github.ssmonprem.sync.lock.SyncLock}, a lease with an expiry and a
 * fencing token, held for one sync, so that the nodes of a cluster run one sync per period between
 * them. sdk-jdbc holds the lock in a database; sdk-testkit's {@code LocalSyncLock}, a test double, serves
 * one JVM.
 */
package io.github.ssmonprem.sync.lock;
