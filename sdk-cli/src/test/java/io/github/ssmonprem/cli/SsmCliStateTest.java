package io.github.ssmonprem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ssmonprem.emulator.RumReportFixture;
import io.github.ssmonprem.emulator.SsmEmulator;
import io.github.ssmonprem.cli.ExitCodes;
import io.github.ssmonprem.sync.store.DeadLetter;
import io.github.ssmonprem.sync.store.FileSyncStore;
import io.github.ssmonprem.sync.store.PendingReport;
import io.github.ssmonprem.sync.usage.RumReport;
import io.github.ssmonprem.sync.usage.ServerMessage;
import io.github.ssmonprem.sync.usage.UsageReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ssm usage list|retry|discard} and {@code ssm status} on a local state directory; the sync warning. */
class SsmCliStateTest {

    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

    @TempDir
    Path dir;

    private Path state;
    private String pendingId;
    private String deadId;

    private static UsageReport report(String serial) {
        RumReportFixture rum = RumReportFixture.builder().device("C8000V", serial).count(3, T0, T0.plusSeconds(3600)).build();
        return UsageReport.of(SsmEmulator.DEMO_ACCOUNT, "DEFAULT", List.of(RumReport.of(rum.payload(), rum.signature())));
    }

    @BeforeEach
    void seed() {
        state = dir.resolve("state");
        try (FileSyncStore store = new FileSyncStore(state)) {
            UsageReport pending = report("A");
            UsageReport dead = report("B");
            pendingId = pending.reportId();
            deadId = dead.reportId();
            store.add(pending, "node-1", Duration.ofMinutes(5));
            PendingReport stored = store.state(pendingId).orElseThrow().pending();
            assertTrue(store.update(stored.withFailure("HTTP 503 Service Unavailable").withFailure("HTTP 503 Service Unavailable")
                    .withClaim(null, null), "node-1"));
            store.add(dead, "node-1", Duration.ofMinutes(5));
            PendingReport refused = store.state(deadId).orElseThrow().pending().withFailure("refused");
            assertTrue(store.refuse(new DeadLetter(refused, 413, new ServerMessage("FAILED", "too_large", "Request Entity Too Large", null),
                    T0.plusSeconds(60), List.of()), "node-1"));
        }
    }

    private CliRunner cli() {
        return new CliRunner().env("SSM_STATE_DIR", state.toString());
    }

    @Test
    void listShowsPendingAndDeadReportsWithTheServersAnswer() {
        CliRunner.Result text = cli().run("usage", "list");
        assertEquals(0, text.exitCode(), text.toString());
        assertTrue(text.out().contains("1 pending report, 1 dead letter"), text.out());
        assertTrue(text.out().contains(pendingId + "  pending  1 RUM report, not uploaded yet  last: HTTP 503 Service Unavailable"),
                text.out());
        assertTrue(text.out().contains(deadId + "  dead") && text.out().contains("HTTP 413 FAILED: Request Entity Too Large (message code too_large)"),
                text.out());

        CliRunner.Result json = cli().run("usage", "list", "--output", "json");
        assertEquals(0, json.exitCode(), json.toString());
        JsonNode reports = json.json().path("reports");
        assertEquals(2, reports.size(), json.out());
        assertEquals(pendingId, reports.get(0).path("reportId").asText());
        assertEquals("pending", reports.get(0).path("state").asText());
        assertEquals(2, reports.get(0).path("attempts").asInt());
        assertTrue(reports.get(0).path("server").isNull());
        assertEquals(deadId, reports.get(1).path("reportId").asText());
        assertEquals("dead", reports.get(1).path("state").asText());
        assertEquals(413, reports.get(1).path("server").path("httpStatus").asInt());
        assertEquals("too_large", reports.get(1).path("server").path("messageCode").asText());
        assertEquals("Request Entity Too Large", reports.get(1).path("server").path("message").asText());
    }

    @Test
    void statusExitsNineWhileADeadLetterWaitsAndZeroOnceItIsRetried() {
        CliRunner.Result status = cli().run("status");
        assertEquals(ExitCodes.NEEDS_ATTENTION, status.exitCode(), status.toString());
        assertEquals(9, ExitCodes.NEEDS_ATTENTION, "the documented code");
        assertTrue(status.out().contains("last sync:    never"), status.out());
        assertTrue(status.out().contains("pending:      1") && status.out().contains("dead:         1"), status.out());
        assertTrue(status.out().contains("warning: 1 dead letter and 0 quarantined entries"), status.out());

        CliRunner.Result retry = cli().run("usage", "retry", deadId);
        assertEquals(0, retry.exitCode(), retry.toString());
        assertTrue(retry.out().contains(deadId + " is pending again"), retry.out());

        CliRunner.Result json = cli().run("status", "--output", "json");
        assertEquals(0, json.exitCode(), json.toString());
        assertEquals(2, json.json().path("pending").asInt());
        assertEquals(0, json.json().path("dead").asInt());
        assertFalse(json.json().path("needsAttention").asBoolean());
        try (FileSyncStore store = new FileSyncStore(state)) {
            assertEquals(2, store.counts().pending());
            assertTrue(store.dead().isEmpty());
        }
    }

    @Test
    void discardDropsTheDeadLetterForGood() {
        CliRunner.Result discard = cli().run("usage", "discard", deadId, "--output", "json");
        assertEquals(0, discard.exitCode(), discard.toString());
        assertEquals("discarded", discard.json().path("result").asText());
        try (FileSyncStore store = new FileSyncStore(state)) {
            assertTrue(store.dead().isEmpty());
            assertEquals(1, store.counts().pending(), "the pending report is untouched");
        }
        assertEquals(0, cli().run("status").exitCode());
    }

    @Test
    void anUnknownOrPendingIdIsAUsageError() {
        CliRunner.Result unknown = cli().run("usage", "retry", "no-such-report");
        assertEquals(ExitCodes.USAGE, unknown.exitCode(), unknown.toString());
        assertTrue(unknown.err().contains("No dead letter with id no-such-report"), unknown.err());
        assertTrue(unknown.err().contains("ssm usage list"), unknown.err());

        CliRunner.Result pending = cli().run("usage", "discard", pendingId, "--output", "json");
        assertEquals(ExitCodes.USAGE, pending.exitCode(), pending.toString());
        assertTrue(pending.json().path("error").path("message").asText().contains("is pending, not a dead letter"), pending.out());
        try (FileSyncStore store = new FileSyncStore(state)) {
            assertEquals(1, store.counts().pending(), "nothing changed");
            assertEquals(1, store.dead().size());
        }
    }

    @Test
    void aQuarantinedEntryAloneMakesStatusExitNine() throws Exception {
        assertEquals(0, cli().run("usage", "discard", deadId).exitCode());
        Files.writeString(state.resolve("pending").resolve("u00000000000000000000000000000000.report"), "not a checksum\n{");
        CliRunner.Result status = cli().run("status", "--output", "json");
        assertEquals(ExitCodes.NEEDS_ATTENTION, status.exitCode(), status.toString());
        assertEquals(1, status.json().path("quarantined").asInt(), status.out());
        assertEquals(0, status.json().path("dead").asInt());
    }

    @Test
    void everySyncWarnsAboutTheDeadLetter() throws Exception {
        try (SsmEmulator emulator = CliRunner.emulator().start()) {
            Path ca = Files.writeString(dir.resolve("ca.pem"), emulator.caPem());
            CliRunner runner = cli().signedInTo(emulator, ca);
            for (int run = 1; run <= 2; run++) {
                CliRunner.Result sync = runner.run("sync");
                assertEquals(0, sync.exitCode(), sync.toString());
                assertTrue(sync.err().contains("warning: 1 dead letter and 0 quarantined entries wait for an operator"),
                        "run " + run + ": " + sync);
            }
            assertEquals(0, runner.run("usage", "discard", deadId).exitCode());
            CliRunner.Result clean = runner.run("sync");
            assertEquals(0, clean.exitCode(), clean.toString());
            assertFalse(clean.err().contains("warning:"), clean.toString());
        }
    }
}
