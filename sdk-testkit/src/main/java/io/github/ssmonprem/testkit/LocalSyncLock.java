package io.github.ssmonprem.testkit;

import io.github.ssmonprem.sync.lock.LockHolder;
import io.github.ssmonprem.sync.lock.SyncLease;
import io.github.ssmonprem.sync.lock.SyncLock;
import io.github.ssmonprem.sync.lock.SyncLockLostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link SyncLock} for the schedulers of one JVM: the lease, its fencing token and the last success
 * live in memory, timed by the given clock. It coordinates nothing across processes; a cluster uses
 * {@code JdbcSyncLock} from sdk-jdbc.
 */
public final class LocalSyncLock implements SyncLock {

    private final Clock clock;
    private final Object monitor = new Object();
    private long lastToken;
    private String holder;
    private Instant acquiredAt;
    private Instant expiresAt;
    private Instant lastSuccess;

    /** Creates a lock timed by the system clock. */
    public LocalSyncLock() {
        this(Clock.systemUTC());
    }

    /**
     * Creates a lock timed by the given clock.
     *
     * @param clock the clock that expires leases
     */
    public LocalSyncLock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Optional<SyncLease> tryAcquire(String node, Duration leaseTime) {
        Objects.requireNonNull(node, "node");
        requirePositive(leaseTime);
        synchronized (monitor) {
            Instant now = clock.instant();
            if (holder != null && now.isBefore(expiresAt)) {
                return Optional.empty();
            }
            holder = node;
            acquiredAt = now;
            expiresAt = now.plus(leaseTime);
            return Optional.of(new Lease(++lastToken, since(now)));
        }
    }

    @Override
    public Optional<LockHolder> holder() {
        synchronized (monitor) {
            if (holder == null || !clock.instant().isBefore(expiresAt)) {
                return Optional.empty();
            }
            return Optional.of(new LockHolder(holder, lastToken, acquiredAt, expiresAt));
        }
    }

    @Override
    public Optional<Duration> sinceLastSuccess() {
        synchronized (monitor) {
            return since(clock.instant());
        }
    }

    private Optional<Duration> since(Instant now) {
        return lastSuccess == null ? Optional.empty() : Optional.of(Duration.between(lastSuccess, now));
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

        /** Whether this lease is the current, unexpired one; call holding the monitor. */
        private boolean heldLocked() {
            return token == lastToken && holder != null && clock.instant().isBefore(expiresAt);
        }

        @Override
        public long fencingToken() {
            return token;
        }

        @Override
        public Optional<Duration> sinceLastSuccessWhenTaken() {
            return sinceLastSuccess;
        }

        @Override
        public boolean renew(Duration leaseTime) {
            requirePositive(leaseTime);
            synchronized (monitor) {
                if (!heldLocked()) {
                    return false;
                }
                expiresAt = clock.instant().plus(leaseTime);
                return true;
            }
        }

        @Override
        public void ensureHeld() {
            synchronized (monitor) {
                if (!heldLocked()) {
                    throw new SyncLockLostException(token);
                }
            }
        }

        @Override
        public void release(boolean succeeded) {
            synchronized (monitor) {
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

        @Override
        public String toString() {
            return "SyncLease{token=" + token + "}";
        }
    }
}
