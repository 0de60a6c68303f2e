package io.github.ssmonprem.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The example programs run against the embedded emulator when asked to, and refuse to run on nothing. */
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
        String out = capture(o -> assertEquals(0, QuickStart.run(Map.of(), List.of("--emulator"), o, System.err)));
        assertTrue(out.contains("Connected to the embedded SSM On-Prem emulator"), out);
        assertTrue(out.contains("Authenticated"), out);
        assertTrue(out.contains("120 licenses in demo.example"), out);
        assertTrue(out.contains(": DELIVERED"), out);
    }

    @Test
    void scheduledSyncAppSyncsOnceAndPrintsTheMetrics() throws Exception {
        String out = capture(o -> assertEquals(0, ScheduledSyncApp.run(Map.of("SSM_EMULATOR", "1"), List.of(), o, System.err)));
        assertTrue(out.contains("Sync succeeded - 120 licenses"), out);
        assertTrue(out.contains("ssm.sync.runs"), out);
        assertTrue(out.contains("ssm.client.requests"), out);
        assertTrue(out.contains("Next scheduled sync at"), out);
        assertTrue(out.contains("state in memory"), out);
    }

    @Test
    void withoutAServerUrlOrTheEmulatorTheExamplesExitTwoSayingWhatToSet() throws Exception {
        String[] err = new String[2];
        String quick = capture(o -> err[0] = capture(e -> assertEquals(2, QuickStart.run(Map.of(), List.of(), o, e))));
        String scheduled = capture(o -> err[1] = capture(e -> assertEquals(2, ScheduledSyncApp.run(Map.of(), List.of(), o, e))));
        assertEquals("", quick + scheduled, "nothing printed as if it had run");
        for (String e : err) {
            assertTrue(e.contains("SSM_URL is not set") && e.contains("--emulator") && e.contains("SSM_EMULATOR=1"), e);
        }
    }

    @Test
    void aMissingAccountOrABadGrantIsOneLineNamingTheVariable() throws Exception {
        Map<String, String> env = Map.of("SSM_URL", "https://127.0.0.1:1", "SSM_CLIENT_ID", "c", "SSM_CLIENT_SECRET", "s",
                "SSM_USERNAME", "u", "SSM_PASSWORD", "p");
        String missing = capture(e -> assertEquals(2, QuickStart.run(env, List.of(), System.out, e)));
        assertEquals("QuickStart: SSM_ACCOUNT is not set: set it when SSM_URL is set.", missing.strip());
        Map<String, String> bogus = new java.util.HashMap<>(env);
        bogus.put("SSM_ACCOUNT", "a.example");
        bogus.put("SSM_GRANT", "bogus");
        String grant = capture(e -> assertEquals(2, QuickStart.run(bogus, List.of(), System.out, e)));
        assertTrue(grant.contains("password or client-credentials"), grant);
    }

    @Test
    void bothSpellingsOfTheClientCredentialsGrantAreAccepted() {
        assertTrue(ExampleConnection.clientCredentials(Map.of("SSM_GRANT", "client-credentials")));
        assertTrue(ExampleConnection.clientCredentials(Map.of("SSM_GRANT", "client_credentials")));
        assertFalse(ExampleConnection.clientCredentials(Map.of("SSM_GRANT", "password")));
        assertFalse(ExampleConnection.clientCredentials(Map.of()));
    }
}
