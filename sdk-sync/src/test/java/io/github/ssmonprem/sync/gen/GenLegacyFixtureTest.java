package io.github.ssmonprem.sync.gen;

import io.github.ssmonprem.sync.model.UsageReport;
import io.github.ssmonprem.sync.store.FileSyncStore;
import io.github.ssmonprem.sync.store.PendingReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/** Wrote src/test/resources/legacy-slot-state with the slot-format store; kept for the record, not run. */
@Disabled("generates a fixture; run by hand only with the slot-format store")
class GenLegacyFixtureTest {
    @Test
    void gen() throws Exception {
        Instant t = Instant.parse("2026-11-01T10:00:00Z");
        Path dir = Path.of("src/test/resources/legacy-slot-state");
        StringBuilder manifest = new StringBuilder();
        try (FileSyncStore store = new FileSyncStore(dir)) {
            for (int i = 0; i < 4; i++) {
                UsageReport.Builder b = UsageReport.builder(Clock.fixed(t.plusSeconds(i), ZoneOffset.UTC)).account("acme.example")
                        .virtualAccount("VA" + i).productInstance("vmanage-1");
                for (int d = 0; d <= i; d++) {
                    b.device("edge-" + d, "regid.sdwan").usage("dna_advantage", 3 + d, t.minusSeconds(3600), t)
                            .usage("dna_essentials", 1 + i, t.minusSeconds(3600), t);
                }
                UsageReport r = b.build();
                PendingReport e = PendingReport.of(r, t.plusSeconds(i));
                store.savePending(e);
                if (i == 1) {
                    store.savePending(e.withFailure("ServerUnavailableException: 502").withPollId("poll-1"));
                }
                if (i == 3) {
                    store.removePending(r.reportId()); // a free slot
                } else {
                    manifest.append(r.reportId()).append(' ').append(i == 1 ? "poll-1" : "-").append(' ').append(i + 1).append('\n');
                }
            }
        }
        Files.writeString(dir.resolve("expected.txt"), manifest);
    }
}
