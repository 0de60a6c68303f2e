package io.github.ssmonprem.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The example programs run out of the box, against the embedded emulator. */
class ExamplesTest {

    private static String capture(ThrowingConsumer<PrintStream> program) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            program.accept(out);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @FunctionalInterface
    interface ThrowingConsumer<T> {
        void accept(T t) throws Exception;
    }

    @Test
    void quickStartAuthenticatesListsPullsAndPushes() throws Exception {
        String out = capture(o -> QuickStart.run(Map.of(), o));
        assertTrue(out.contains("Connected to the embedded SSM On-Prem emulator"), out);
        assertTrue(out.contains("Authenticated"), out);
        assertTrue(out.contains("120 licenses in demo.example"), out);
        assertTrue(out.contains(": DELIVERED"), out);
    }

    @Test
    void scheduledSyncAppSyncsOnceAndPrintsTheMetrics() throws Exception {
        String out = capture(o -> ScheduledSyncApp.run(Map.of(), o));
        assertTrue(out.contains("Sync succeeded - 120 licenses"), out);
        assertTrue(out.contains("ssm.sync.runs"), out);
        assertTrue(out.contains("ssm.client.requests"), out);
        assertTrue(out.contains("Next scheduled sync at"), out);
    }
}
