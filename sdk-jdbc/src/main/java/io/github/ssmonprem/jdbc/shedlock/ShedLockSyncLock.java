package io.github.ssmonprem.jdbc.shedlock;

import io.github.ssmonprem.core.exception.SsmConfigurationException;
import io.github.ssmonprem.sync.lock.LockHolder;
import io.github.ssmonprem.sync.lock.SyncLease;
import io.github.ssmonprem.sync.lock.SyncLock;
import io.github.ssmonprem.sync.lock.SyncLockException;
import io.github.ssmonprem.sync.lock.SyncLockLostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.core.SimpleLock;

/**
 * A {@link SyncLock} over a ShedLock {@link LockProvider}, for applications that already run ShedLock
 * (its JDBC, Redis, MongoDB, ZooKeeper... providers). Needs {@code shedlock-core} on the class path;
 * sdk-jdbc declares it optional.
 *
 * <p>What ShedLock gives and what it does not:
 * <ul>
 *   <li><b>No token in the storage.</b> ShedLock's lock is a lease ({@code lockAtMostFor}) without a
 *       token the storage checks. {@link SyncLease#fencingToken()} counts this JVM's acquisitions only,
 *       and {@link SyncLease#ensureHeld()} checks this node's own view: that its last extension
 *       succeeded and the lease has not run out in this node's clock. Prefer {@code JdbcSyncLock} when
 *       the store is in a database; choose a lease time well above the longest pause of a node.</li>
 *   <li><b>Renewal</b> uses {@link SimpleLock#extend(Duration, Duration)}; a provider that cannot
 *       extend keeps the first lease, which must then outlast the longest sync.</li>
 *   <li><b>No holder.</b> ShedLock has no query API: {@link #holder()} is always empty.</li>
 *   <li><b>Last success as a second lock.</b> After a successful sync this class takes the lock
 *       {@code <name>-done} with {@code lockAtLeastFor} = the minimum interval and releases it, so it
 *       stays taken for that interval. {@link #sinceLastSuccess()} probes it: taken means a sync
 *       succeeded less than the minimum interval ago (reported as zero, since ShedLock cannot tell when).
 *       Set the minimum interval to the scheduler's period minus its jitter.</li>
 *   <li>Lease times are measured in the clock the provider uses (the node's, unless the provider
 *       is configured to use the database's time, such as {@code usingDbTime()}).</li>
 * </ul>
 *
 * <pre>{@code
 * SyncLock lock = ShedLockSyncLock.builder(lockProvider).minimumInterval(Duration.ofHours(23)).build();
 * }</pre>
 */
public final class ShedLockSyncLock implements SyncLock {

    private static final String REMEDIATION = "Check the ShedLock provider's storage (its database or server) from"
            + " this host; the sync runs again after its back-off.";

    private final LockProvider provider;
    private final String name;
    private final Duration minimumInterval;
    private final Clock clock;
    private final AtomicLong acquisitions = new AtomicLong();

    private ShedLockSyncLock(Builder b) {
        this.provider = b.provider;
        this.name = b.name;
        this.minimumInterval = b.minimumInterval;
        this.clock = b.clock;
    }

    /**
     * Starts a builder.
     *
     * @param provider the application's ShedLock lock provider
     * @return a builder
     */
    public static Builder builder(LockProvider provider) {
        return new Builder(provider);
    }

    private Optional<SimpleLock> lock(String lockName, Duration atMost, Duration atLeast) {
        try {
            return provider.lock(new LockConfiguration(clock.instant(), lockName, atMost, atLeast));
        } catch (RuntimeException e) {
            throw new SyncLockException("The ShedLock provider failed: " + e.getClass().getSimpleName() + ".",
                    REMEDIATION, true, e);
        }
    }

    @Override
    public Optional<SyncLease> tryAcquire(String node, Duration leaseTime) {
        Objects.requireNonNull(node, "node");
        if (leaseTime == null || leaseTime.isNegative() || leaseTime.isZero()) {
            throw new IllegalArgumentException("the lease time must be positive, was " + leaseTime);
        }
        Instant expiresAt = clock.instant().plus(leaseTime);
        Optional<SimpleLock> taken = lock(name, leaseTime, Duration.ZERO);
        if (taken.isEmpty()) {
            return Optional.empty();
        }
        Optional<Duration> since;
        try {
            since = sinceLastSuccess();
        } catch (SyncLockException e) {
            try {
                taken.get().unlock();
            } catch (RuntimeException ignored) {
                // it expires by itself
            }
            throw e;
        }
        return Optional.of(new Lease(taken.get(), acquisitions.incrementAndGet(), expiresAt, since));
    }

    /**
     * Always empty: ShedLock has no API to ask who holds a lock.
     *
     * @return empty
     */
    @Override
    public Optional<LockHolder> holder() {
        return Optional.empty();
    }

    @Override
    public Optional<Duration> sinceLastSuccess() {
        Optional<SimpleLock> probe = lock(name + "-done", Duration.ofSeconds(5), Duration.ZERO);
        if (probe.isEmpty()) {
            return Optional.of(Duration.ZERO);
        }
        unlock(probe.get());
        return Optional.empty();
    }

    private static void unlock(SimpleLock l) {
        try {
            l.unlock();
        } catch (RuntimeException e) {
            throw new SyncLockException("The ShedLock provider could not release a lock: " + e.getClass().getSimpleName()
                    + "; it expires by itself.", REMEDIATION, true, e);
        }
    }

    @Override
    public String toString() {
        return "ShedLockSyncLock{name=" + name + "}";
    }

    private final class Lease implements SyncLease {
        private final long token;
        private final Optional<Duration> sinceLastSuccess;
        private SimpleLock current;
        private Instant expiresAt;
        private boolean lost;

        Lease(SimpleLock lock, long token, Instant expiresAt, Optional<Duration> sinceLastSuccess) {
            this.current = lock;
            this.token = token;
            this.expiresAt = expiresAt;
            this.sinceLastSuccess = sinceLastSuccess;
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
        public synchronized boolean renew(Duration leaseTime) {
            if (lost || !clock.instant().isBefore(expiresAt)) {
                lost = true;
                return false;
            }
            Optional<SimpleLock> extended;
            try {
                extended = current.extend(leaseTime, Duration.ZERO);
            } catch (UnsupportedOperationException e) {
                return true;   // the provider cannot extend: the first lease stands until it runs out
            } catch (RuntimeException e) {
                throw new SyncLockException("The ShedLock provider could not extend the sync lease: "
                        + e.getClass().getSimpleName() + ".", REMEDIATION, true, e);
            }
            if (extended.isEmpty()) {
                lost = true;
                return false;
            }
            current = extended.get();
            expiresAt = clock.instant().plus(leaseTime);
            return true;
        }

        @Override
        public synchronized void ensureHeld() {
            if (lost || !clock.instant().isBefore(expiresAt)) {
                lost = true;
                throw new SyncLockLostException(token);
            }
        }

        @Override
        public synchronized void release(boolean succeeded) {
            if (lost) {
                return;
            }
            lost = true;
            if (succeeded && !minimumInterval.isZero()) {
                lock(name + "-done", minimumInterval, minimumInterval).ifPresent(ShedLockSyncLock::unlock);
            }
            unlock(current);
        }
    }

    /** Builds a {@link ShedLockSyncLock}. */
    public static final class Builder {
        private final LockProvider provider;
        private String name = "ssm-sync";
        private Duration minimumInterval = Duration.ofHours(23);
        private Clock clock = Clock.systemUTC();

        private Builder(LockProvider provider) {
            this.provider = Objects.requireNonNull(provider, "provider");
        }

        /**
         * Sets the ShedLock lock name (default {@code ssm-sync}); {@code <name>-done} is used too.
         *
         * @param lockName the name
         * @return this builder
         */
        public Builder name(String lockName) {
            this.name = lockName;
            return this;
        }

        /**
         * Sets how long after a successful sync no node starts a scheduled one (default 23 h, for the
         * default 24 h period with 30 min jitter): the scheduler's period minus its jitter. Zero
         * records no success, so every node syncs each period, one at a time.
         *
         * @param interval the minimum interval
         * @return this builder
         */
        public Builder minimumInterval(Duration interval) {
            this.minimumInterval = interval;
            return this;
        }

        /**
         * Sets the clock that stamps lock requests and times this node's view of its lease (default
         * the system clock).
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the lock
         * @throws SsmConfigurationException naming the invalid setting
         */
        public ShedLockSyncLock build() {
            if (name == null || name.isEmpty() || name.length() > 59) {
                throw new SsmConfigurationException("name", "must be 1 to 59 characters");
            }
            if (minimumInterval == null || minimumInterval.isNegative()) {
                throw new SsmConfigurationException("minimumInterval", "must be zero or positive");
            }
            return new ShedLockSyncLock(this);
        }
    }
}
