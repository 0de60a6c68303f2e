package io.github.ssmonprem.core.testing;

import io.github.ssmonprem.core.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that moves only when told, and a {@link Sleeper} that, instead of sleeping, records the wait
 * and moves the clock by it. Thread-safe.
 */
public final class FakeClock extends Clock implements Sleeper {

    private final AtomicReference<Instant> now;
    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();

    /**
     * @param start the initial instant
     */
    public FakeClock(Instant start) {
        this.now = new AtomicReference<>(start);
    }

    /** @return a clock at 2026-01-01T00:00:00Z */
    public static FakeClock atEpochOfTests() {
        return new FakeClock(Instant.parse("2026-01-01T00:00:00Z"));
    }

    /**
     * Moves the clock forward.
     *
     * @param d how far
     */
    public void advance(Duration d) {
        now.updateAndGet(i -> i.plus(d));
    }

    @Override
    public void sleep(Duration duration) {
        sleeps.add(duration);
        advance(duration);
    }

    /** @return every wait asked of this sleeper, in order */
    public List<Duration> sleeps() {
        return List.copyOf(sleeps);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return now.get();
    }
}
