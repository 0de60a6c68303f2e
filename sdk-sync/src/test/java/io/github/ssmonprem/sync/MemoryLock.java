package io.github.ssmonprem.sync;

import io.github.ssmonprem.sync.lock.LockHolder;
import io.github.ssmonprem.sync.lock.SyncLease;
import io.github.ssmonprem.sync.lock.SyncLock;
import io.github.ssmonprem.sync.lock.SyncLockLostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * sdk-sync's own test double of a {@link SyncLock} in one JVM, timed by the test's clock: the lease, its
 * fencing token and the last success in memory. (sdk-testkit's {@code LocalSyncLock} is the one users
 * get; sdk-sync's tests cannot depend on sdk-testkit, which depends on sdk-sync.)
 */
final class MemoryLock implements SyncLock {

    private final Clock clock;
    private long lastToken;
    private String holder;
    private Instant acquiredAt;
    private Instant expiresAt;
    private Instant lastSuccess;

    MemoryLock(Clock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized Optional<SyncLease> tryAcquire(String holderName, Duration leaseTime) {
        requirePositive(leaseTime);
        Instant now = clock.instant();
        if (holder != null && now.isBefore(expiresAt)) {
            return Optional.empty();
        }
        holder = holderName;
        acquiredAt = now;
        expiresAt = now.plus(leaseTime);
        return Optional.of(new Lease(++lastToken, sinceLastSuccessLocked()));
    }

    @Override
    public synchronized Optional<LockHolder> holder() {
        if (holder == null || !clock.instant().isBefore(expiresAt)) {
            return Optional.empty();
        }
        return Optional.of(new LockHolder(holder, lastToken, acquiredAt, expiresAt));
    }

    @Override
    public synchronized Optional<Duration> sinceLastSuccess() {
        return sinceLastSuccessLocked();
    }

    private Optional<Duration> sinceLastSuccessLocked() {
        return lastSuccess == null ? Optional.empty() : Optional.of(Duration.between(lastSuccess, clock.instant()));
    }

    private static void requirePositive(Duration leaseTime) {
        if (leaseTime == null || leaseTime.isNegative() || leaseTime.isZero()) {
            throw new IllegalArgumentException("the lease time must be positive, was " + leaseTime);
        }
    }

    private final class Lease implements SyncLease {
        private final long token;
        private final Optional<Duration> sinceLastSuccess;

        Lease(long token, Optional<Duration> sinceLastSuccess) {
            this.token = token;
            this.sinceLastSuccess = sinceLastSuccess;
        }

        @Override
        public Optional<Duration> sinceLastSuccessWhenTaken() {
            return sinceLastSuccess;
        }

        private boolean held() {
            return token == lastToken && holder != null && clock.instant().isBefore(expiresAt);
        }

        @Override
        public long fencingToken() {
            return token;
        }

        @Override
        public boolean renew(Duration leaseTime) {
            requirePositive(leaseTime);
            synchronized (MemoryLock.this) {
                if (!held()) {
                    return false;
                }
                expiresAt = clock.instant().plus(leaseTime);
                return true;
            }
        }

        @Override
        public void ensureHeld() {
            synchronized (MemoryLock.this) {
                if (!held()) {
                    throw new SyncLockLostException(token);
                }
            }
        }

        @Override
        public void release(boolean succeeded) {
            synchronized (MemoryLock.this) {
                if (token != lastToken || holder == null) {
                    return;
                }
                if (succeeded) {
                    lastSuccess = clock.instant();
                }
                holder = null;
                acquiredAt = null;
                expiresAt = null;
            }
        }
    }
}
