package io.github.ssmonprem.sync.internal.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The schedule as plain arithmetic: no executor, no thread, no clock but the instants given. */
class ScheduleTest {

    private static final Duration DAY = Duration.ofHours(24);
    private static final Duration JITTER = Duration.ofMinutes(30);
    private static final Instant NOW = Instant.parse("2026-11-01T00:00:00Z");

    private static Schedule schedule(Duration jitter) {
        return new Schedule(DAY, Duration.ofMinutes(1), jitter, Duration.ofMinutes(15), Duration.ofHours(12), new Random(7));
    }

    @Test
    void theFirstRunComesExactlyAfterTheInitialDelay() {
        assertEquals(Duration.ofMinutes(1), schedule(JITTER).first());
    }

    @Test
    void afterASuccessTheNextRunIsAPeriodLaterWithinTheJitterAndTheJitterMovesIt() {
        Schedule s = schedule(JITTER);
        Set<Duration> seen = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            Duration wait = s.afterRun(NOW, true, false, null);
            assertTrue(wait.compareTo(DAY.minus(JITTER)) >= 0 && wait.compareTo(DAY.plus(JITTER)) <= 0, "wait " + wait);
            seen.add(wait);
        }
        assertTrue(seen.size() > 1, "the jitter moves the runs");
        assertEquals(DAY, schedule(Duration.ZERO).afterRun(NOW, true, false, null), "no jitter: exactly a period");
    }

    @Test
    void failuresBackOffDoublingUpToTheCapAndASuccessResetsThem() {
        Schedule s = schedule(JITTER);
        assertEquals(Duration.ofMinutes(15), s.afterRun(NOW, false, false, null));
        assertEquals(Duration.ofMinutes(30), s.afterRun(NOW, false, false, null));
        assertEquals(Duration.ofMinutes(60), s.afterRun(NOW, false, false, null));
        for (int i = 0; i < 10; i++) {
            s.afterRun(NOW, false, false, null);
        }
        assertEquals(13, s.failures());
        assertEquals(Duration.ofHours(12), s.afterRun(NOW, false, false, null), "capped");
        s.afterRun(NOW, true, false, null);
        assertEquals(0, s.failures());
        assertEquals(Duration.ofMinutes(15), s.afterRun(NOW, false, false, null), "a new streak starts from the first wait");
    }

    @Test
    void aRunOnDemandKeepsThePlannedRunWhenItSucceedsAndTakesItWhenSoonerThanTheBackOff() {
        Schedule s = schedule(JITTER);
        Instant planned = NOW.plus(Duration.ofHours(5));
        assertEquals(Duration.ofHours(5), s.afterRun(NOW, true, true, planned), "a success on demand leaves the plan alone");
        assertEquals(Duration.ofMinutes(15), s.afterRun(NOW, false, true, planned), "the back-off comes sooner than the plan");
        Instant soon = NOW.plus(Duration.ofMinutes(10));
        assertEquals(Duration.ofMinutes(10), s.afterRun(NOW, false, true, soon), "the plan comes sooner than the back-off");
        assertEquals(Duration.ofMinutes(60), s.afterRun(NOW, false, false, soon), "a scheduled run has no plan to keep");
    }

    @Test
    void aPeriodServedByAnotherNodeWaitsAPeriodAfterThatSyncSpreadOverTheJitter() {
        Schedule s = schedule(JITTER);
        s.afterRun(NOW, false, false, null);
        for (int i = 0; i < 20; i++) {
            Duration wait = s.afterServed(Duration.ofHours(2));
            assertTrue(wait.compareTo(Duration.ofHours(22)) >= 0 && wait.compareTo(Duration.ofHours(22).plus(JITTER)) < 0, "wait " + wait);
        }
        assertEquals(0, s.failures(), "another node's success ends this node's streak");
        assertEquals(Duration.ofHours(22), schedule(Duration.ZERO).afterServed(Duration.ofHours(2)));
        assertEquals(DAY.minus(JITTER), s.servedWindow(), "a success within the period less the jitter serves a scheduled run");
    }
}
