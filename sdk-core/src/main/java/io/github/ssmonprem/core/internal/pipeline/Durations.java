package io.github.ssmonprem.core.internal.pipeline;

import java.time.Duration;

/** Durations as messages show them. */
final class Durations {

    private Durations() {
    }

    /** "5 s", or "1500 ms" when not whole seconds. */
    static String text(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
