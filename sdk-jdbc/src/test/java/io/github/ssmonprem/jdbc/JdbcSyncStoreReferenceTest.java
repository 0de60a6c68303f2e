package io.github.ssmonprem.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.core.testing.TestClock;
import io.github.ssmonprem.sync.store.DeadLetter;
import io.github.ssmonprem.sync.store.DeliveredReport;
import io.github.ssmonprem.sync.store.PendingReport;
import io.github.ssmonprem.sync.store.ReportState;
import io.github.ssmonprem.sync.store.SyncStore;
import io.github.ssmonprem.sync.store.UsageOutbox;
import io.github.ssmonprem.sync.usage.Acknowledgement;
import io.github.ssmonprem.sync.usage.ReportStatus;
import io.github.ssmonprem.sync.usage.ServerMessage;
import io.github.ssmonprem.sync.usage.UsageReport;
import io.github.ssmonprem.testkit.InMemorySyncStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link JdbcSyncStore} against {@link InMemorySyncStore}, the reference semantics of the outbox: the
 * same seeded walk of operations (adds, claims by two owners, updates, acknowledgements, refusals,
 * retries, discards, takes, time passing beyond leases and the delivered retention) runs on both, and
 * every answer must be equal.
 */
class JdbcSyncStoreReferenceTest {

    private static final int STEPS = 400;
    private static final List<String> OWNERS = List.of("node-a", "node-b");

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "h2"})
    void everyAnswerIsTheReferenceStoresAnswer(String kind) {
        TestClock clock = TestClock.at(Rum.T0);
        SyncStore reference = new InMemorySyncStore(clock);
        SyncStore jdbc = JdbcSyncStore.builder(Rum.database(kind)).tablePrefix(Rum.freshPrefix()).clock(clock).build();
        List<UsageReport> reports = new ArrayList<>();
        for (int n = 1; n <= 6; n++) {
            reports.add(Rum.reportOfDevices(n, 1 + n % 3));
        }
        Random random = new Random(21);
        List<String> log = new ArrayList<>();
        for (int step = 0; step < STEPS; step++) {
            UsageReport report = reports.get(random.nextInt(reports.size()));
            String owner = OWNERS.get(random.nextInt(OWNERS.size()));
            Duration lease = Duration.ofSeconds(30 + random.nextInt(300));
            int op = random.nextInt(16);
            Optional<ReportState> known = reference.state(report.reportId());
            switch (op) {
                case 0, 1 -> same(log, "add " + report.reportId() + " " + owner, reference, jdbc, s -> s.add(report, owner, lease));
                case 2 -> {
                    int max = 1 + random.nextInt(3);
                    same(log, "claim " + max + " " + owner, reference, jdbc, s -> s.claim(owner, max, lease));
                }
                case 3 -> same(log, "claim " + report.reportId() + " " + owner, reference, jdbc,
                        s -> s.claim(report.reportId(), owner, lease));
                case 4, 5 -> {
                    PendingReport entry = known.map(ReportState::pending).orElse(null);
                    if (entry != null) {
                        PendingReport changed = random.nextBoolean()
                                ? entry.withUpload(String.valueOf(Long.MAX_VALUE - step), "nonce-" + step).withClaim(owner, clock.instant().plus(lease))
                                : entry.withFailure("failure " + step).withClaim(random.nextBoolean() ? null : owner, null);
                        same(log, "update " + report.reportId() + " " + owner, reference, jdbc, s -> s.update(changed, owner));
                    }
                }
                case 6 -> {
                    List<Acknowledgement> acks = Rum.acks(report, clock.instant());
                    ReportStatus status = random.nextInt(4) == 0 ? ReportStatus.ALREADY_RECEIVED : ReportStatus.DELIVERED;
                    DeliveredReport delivered = new DeliveredReport(report.reportId(), status, clock.instant(),
                            status == ReportStatus.DELIVERED ? String.valueOf(step) : null,
                            new ServerMessage("COMPLETE", null, "done " + step, "corr-" + step),
                            status == ReportStatus.DELIVERED ? acks : List.of());
                    same(log, "acknowledge " + report.reportId(), reference, jdbc, s -> s.acknowledge(delivered));
                }
                case 7 -> {
                    PendingReport entry = known.map(ReportState::pending).orElse(PendingReport.of(report, clock.instant()));
                    List<Acknowledgement> some = random.nextBoolean() ? Rum.acks(report, clock.instant()).subList(0, 1) : List.of();
                    DeadLetter letter = new DeadLetter(entry.withFailure("refused " + step).withClaim(null, null), 200,
                            new ServerMessage("FAILED", "E" + step, "signature rejected", null), clock.instant(), some);
                    same(log, "refuse " + report.reportId() + " " + owner, reference, jdbc, s -> s.refuse(letter, owner));
                }
                case 8, 9 -> {
                    List<DeadLetter> dead = reference.dead();
                    String id = dead.isEmpty() || random.nextInt(4) == 0 ? report.reportId() : dead.get(random.nextInt(dead.size())).reportId();
                    if (op == 8) {
                        same(log, "retry " + id, reference, jdbc, s -> s.retry(id));
                    } else {
                        same(log, "discard " + id, reference, jdbc, s -> s.discard(id));
                    }
                }
                case 10 -> {
                    List<Acknowledgement> untaken = reference.acknowledgements();
                    String id = untaken.isEmpty() || random.nextInt(5) == 0 ? report.reportId() + "-0"
                            : untaken.get(random.nextInt(untaken.size())).id();
                    same(log, "take " + id, reference, jdbc, s -> s.take(id));
                }
                case 11 -> clock.advance(random.nextInt(8) == 0 ? UsageOutbox.DELIVERED_RETENTION.plusDays(random.nextInt(2) - 1)
                        : Duration.ofSeconds(random.nextInt(400)));
                default -> {
                    same(log, "state " + report.reportId(), reference, jdbc, s -> s.state(report.reportId()));
                    same(log, "counts", reference, jdbc, SyncStore::counts);
                    same(log, "pending", reference, jdbc, SyncStore::pending);
                    same(log, "dead", reference, jdbc, SyncStore::dead);
                    same(log, "acknowledgements", reference, jdbc, SyncStore::acknowledgements);
                }
            }
        }
        for (UsageReport report : reports) {
            same(log, "final state " + report.reportId(), reference, jdbc, s -> s.state(report.reportId()));
        }
        for (String change : List.of("update", "acknowledge", "refuse", "retry", "discard", "take")) {
            assertTrue(log.contains(change + " -> true") && log.contains(change + " -> false"), "the walk exercises " + change);
        }
        assertTrue(log.contains("add -> forgotten"), "and adds a delivered report again after its retention");
    }

    private static <T> void same(List<String> log, String what, SyncStore reference, SyncStore jdbc, Function<SyncStore, T> op) {
        String name = what.split(" ")[0];
        boolean delivered = name.equals("add") && reference.state(what.split(" ")[1]).map(st -> st.delivered() != null).orElse(false);
        List<String> recent = log.subList(Math.max(0, log.size() - 30), log.size()).stream().filter(l -> !l.contains(" -> ")).toList();
        T expected = op.apply(reference);
        T actual = op.apply(jdbc);
        assertEquals(expected, actual, () -> "after " + String.join("; ", recent) + "; " + what);
        log.add(what);
        log.add(name + " -> " + expected);
        if (name.equals("add") && !delivered && expected.equals(Optional.empty()) && log.contains("acknowledge " + what.split(" ")[1])) {
            log.add("add -> forgotten");
        }
    }
}
