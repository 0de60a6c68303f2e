package io.github.ssmonprem.core.internal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MetersTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void everyMeterGetsItsDescriptionBaseUnitAndTags() {
        Meters.count(registry, "ssm.test.count", "things counted", "things", "kind", "a");
        Meters.count(registry, "ssm.test.count", "things counted", "things", "kind", "a");
        Counter counter = registry.get("ssm.test.count").tag("kind", "a").counter();
        assertEquals(2.0, counter.count());
        assertEquals("things counted", counter.getId().getDescription());
        assertEquals("things", counter.getId().getBaseUnit());

        Meters.time(registry, "ssm.test.time", "time taken", TimeUnit.MILLISECONDS.toNanos(5), "kind", "b");
        Timer timer = registry.get("ssm.test.time").tag("kind", "b").timer();
        assertEquals(5.0, timer.totalTime(TimeUnit.MILLISECONDS));
        assertEquals("time taken", timer.getId().getDescription());

        AtomicLong value = new AtomicLong(7);
        Meters.gauge(registry, "ssm.test.gauge", "a level", "reports", value, AtomicLong::doubleValue);
        Gauge gauge = registry.get("ssm.test.gauge").gauge();
        assertEquals(7.0, gauge.value());
        assertEquals("reports", gauge.getId().getBaseUnit());
    }

    @Test
    void withoutARegistryEveryMethodIsANoOp() {
        assertDoesNotThrow(() -> {
            Meters.count(null, "ssm.test.count", "d", "things");
            Meters.time(null, "ssm.test.time", "d", 1);
            Meters.gauge(null, "ssm.test.gauge", "d", "things", new AtomicLong(), AtomicLong::doubleValue);
            new ClientMetrics(null).attempt("op", "GET", "200", "SUCCESS", 1);
        });
    }
}
