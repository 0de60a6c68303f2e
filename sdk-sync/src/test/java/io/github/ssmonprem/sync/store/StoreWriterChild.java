package io.github.ssmonprem.sync.store;

import io.github.ssmonprem.sync.usage.UsageReport;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * One of several processes sharing a state directory ({@link FileStoreSharedDirectoryTest}): stores
 * reports (args[2] of them, seeds from args[1]), records a poll id for each, lists and claims now and
 * then as a delivery does, acknowledges every other one with its acknowledgements and takes every
 * fourth acknowledgement; prints what it left: {@code KEPT id} (pending), {@code ACK id} (not taken).
 */
public final class StoreWriterChild {

    private StoreWriterChild() {
    }

    /**
     * Runs the writer.
     *
     * @param args the state directory, the first seed, how many reports
     */
    public static void main(String[] args) {
        System.out.print(write(Path.of(args[0]), Long.parseLong(args[1]), Integer.parseInt(args[2])));
        System.out.flush();
    }

    /** Does the writer's work on a directory; returns what it printed. */
    static String write(Path dir, long firstSeed, int count) {
        StringBuilder out = new StringBuilder();
        String owner = "writer-" + firstSeed;
        Instant t = Instant.now();
        try (FileSyncStore store = new FileSyncStore(dir)) {
            for (int i = 0; i < count; i++) {
                UsageReport r = StoreFixtures.report(firstSeed + i, 1 + i % 3);
                store.add(r, owner, Duration.ofMinutes(5));
                PendingReport entry = store.state(r.reportId()).orElseThrow().pending();
                if (!store.update(entry.withUpload("p-" + r.reportId(), "n-" + i), owner)) {
                    throw new IllegalStateException("lost the claim of " + r.reportId());
                }
                if (i % 5 == 0) {
                    store.pending();
                    store.claim(owner, 2, Duration.ofMinutes(5));
                }
                if (i % 2 == 1) {
                    out.append("KEPT ").append(r.reportId()).append('\n');
                    continue;
                }
                DeliveredReport delivered = StoreFixtures.delivered(r, t);
                if (!store.acknowledge(delivered)) {
                    throw new IllegalStateException("could not acknowledge " + r.reportId());
                }
                for (int a = 0; a < delivered.acknowledgements().size(); a++) {
                    String ackId = delivered.acknowledgements().get(a).id();
                    if ((i + a) % 4 == 0) {
                        store.take(ackId);
                    } else {
                        out.append("ACK ").append(ackId).append('\n');
                    }
                }
            }
        }
        return out.toString();
    }
}
