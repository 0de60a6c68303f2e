/**
 * The adapter from a ShedLock {@code LockProvider} to the SDK's
 * {@link io.github.ssmonprem.sync.lock.SyncLock}, for applications that already run ShedLock. Needs
 * {@code net.javacrumbs.shedlock:shedlock-core} on the class path.
 */
package io.github.ssmonprem.jdbc.shedlock;
