package io.github.ssmonprem.core.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The one way the SDK's modules register meters: every meter gets a description and a base unit
 * (timers record time, in the registry's base unit). With a null registry every method does nothing
 * and allocates nothing.
 */
public final class Meters {

    private Meters() {
    }

    /**
     * Increments a counter.
     *
     * @param registry the registry, or null for none
     * @param name the meter's name
     * @param description what it counts
     * @param baseUnit what one increment is, such as {@code "requests"}
     * @param tags tag names and values, alternating
     */
    public static void count(MeterRegistry registry, String name, String description, String baseUnit, String... tags) {
        if (registry != null) {
            Counter.builder(name).description(description).baseUnit(baseUnit).tags(tags).register(registry).increment();
        }
    }

    /**
     * Records a duration on a timer.
     *
     * @param registry the registry, or null for none
     * @param name the meter's name
     * @param description what it times
     * @param nanos the duration in nanoseconds
     * @param tags tag names and values, alternating
     */
    public static void time(MeterRegistry registry, String name, String description, long nanos, String... tags) {
        if (registry != null) {
            Timer.builder(name).description(description).tags(tags).register(registry).record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Registers a gauge that reads its value from an object.
     *
     * @param registry the registry, or null for none
     * @param name the meter's name
     * @param description what it shows
     * @param baseUnit the unit of its value, such as {@code "reports"}
     * @param object the object the value is read from
     * @param value how the value is read
     * @param tags tag names and values, alternating
     * @param <T> the object's type
     */
    public static <T> void gauge(MeterRegistry registry, String name, String description, String baseUnit, T object,
            ToDoubleFunction<T> value, String... tags) {
        if (registry != null) {
            Gauge.builder(name, object, value).description(description).baseUnit(baseUnit).tags(tags).register(registry);
        }
    }
}
