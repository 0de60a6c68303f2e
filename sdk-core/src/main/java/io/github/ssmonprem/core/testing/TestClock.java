package io.github.ssmonprem.core.testing;

import io.github.ssmonprem.core.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that moves only when told, and the SDK {@link Sleeper} that moves it instead of sleeping,
 * to share between an {@code SsmEmulator} (sdk-testkit) and the client under test. The emulator's acknowledgement
 * delays and token lifetimes, and the SDK's retry back-off, acknowledgement polling and circuit-breaker
 * open wait are then all measured on this clock: a test that waits 30 emulated seconds for an
 * acknowledgement takes no real time.
 *
 * <pre>{@code
 * TestClock clock = TestClock.start();
 * try (SsmEmulator ssm = SsmEmulator.builder().clock(clock).acknowledgeAfter(1, Duration.ofSeconds(30)).start()) {
 *     SsmClientConfig config = ssm.clientConfig().build();   // uses the clock and sleeper too
 *     ...
 *     clock.advance(Duration.ofSeconds(30));                 // e.g. past a circuit breaker's open wait
 * }
 * }</pre>
 *
 * <p>Thread-safe. Time never moves by itself, so code that waits for wall-clock time to pass (rather
 * than through the {@link Sleeper}) waits for a call to {@link #advance(Duration)}.
 */
public final class TestClock extends Clock implements Sleeper {

    /** Where {@link #start()} starts: 2026-01-01T00:00:00Z. */
    public static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");

    private final AtomicReference<Instant> now;
    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();

    private TestClock(Instant start) {
        this.now = new AtomicReference<>(start);
    }

    /**
     * Creates a clock at {@link #DEFAULT_START}.
     *
     * @return a new clock
     */
    public static TestClock start() {
        return at(DEFAULT_START);
    }

    /**
     * Creates a clock at the given instant.
     *
     * @param start the initial instant
     * @return a new clock
     */
    public static TestClock at(Instant start) {
        return new TestClock(Objects.requireNonNull(start, "start"));
    }

    /**
     * Moves the clock forward.
     *
     * @param duration how far; zero or positive
     * @return the new instant
     */
    public Instant advance(Duration duration) {
        if (Objects.requireNonNull(duration, "duration").isNegative()) {
            throw new IllegalArgumentException("a test clock moves forward only, not by " + duration);
        }
        return now.updateAndGet(i -> i.plus(duration));
    }

    /**
     * Records the wait and moves the clock by it, at once, instead of sleeping.
     *
     * @param duration how long the SDK wanted to wait
     */
    @Override
    public void sleep(Duration duration) {
        sleeps.add(duration);
        advance(duration.isNegative() ? Duration.ZERO : duration);
    }

    /** {@return every wait asked of this clock as a sleeper, in order} */
    public List<Duration> sleeps() {
        return List.copyOf(sleeps);
    }

    /** {@return the sum of the waits asked of this clock as a sleeper} */
    public Duration slept() {
        return sleeps.stream().reduce(Duration.ZERO, Duration::plus);
    }

    /** {@return UTC, the only zone of this clock} */
    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    /**
     * {@return this clock: it keeps UTC, so every reader shares the same time}
     *
     * @param zone ignored
     */
    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    /** {@return the current instant of this clock} */
    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public String toString() {
        return "TestClock{" + now.get() + "}";
    }
}
