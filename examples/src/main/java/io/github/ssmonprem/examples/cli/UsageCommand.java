package io.github.ssmonprem.examples.cli;

import io.github.ssmonprem.sync.DeliveryResult;
import io.github.ssmonprem.sync.SsmSyncClient;
import io.github.ssmonprem.sync.UsageDeliveryException;
import io.github.ssmonprem.sync.model.UsageReport;
import io.github.ssmonprem.sync.store.DeadLetter;
import io.github.ssmonprem.sync.store.PendingReport;
import io.github.ssmonprem.sync.store.SyncStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ssm usage}: usage reports. */
@Command(name = "usage", description = "Usage reports", subcommands = {UsageCommand.Push.class, UsageCommand.ListReports.class,
        UsageCommand.Retry.class, UsageCommand.Discard.class})
final class UsageCommand extends BaseCommand {

    @Override
    int execute(Output out) {
        spec.commandLine().usage(root().err());
        return ExitCodes.USAGE;
    }

    /** {@code ssm usage push --file F}: stores the report in the state directory, then delivers it. */
    @Command(name = "push", description = "Store a usage report in the state directory (or --store), then deliver it and wait for its "
            + "acknowledgement; if delivery fails it stays pending and a later `ssm sync` delivers it")
    static final class Push extends ServerCommand {

        @Option(names = "--file", required = true, description = "the usage report (JSON)")
        Path file;

        @Option(names = "--report-id", paramLabel = "ID", description = "the report's id (its nonce): 1 to 128 of A-Z a-z 0-9 . _ -, "
                + "starting with a letter or digit (default: derived from the file's content, so pushing the same file again "
                + "sends nothing new)")
        String reportId;

        @Override
        int execute(Output out) {
            UsageReport report = UsageFile.read(file, reportId);
            try (SsmSyncClient client = durableClient(List.of())) {
                DeliveryResult result = client.submitUsage(report);
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("reportId", report.reportId());
                doc.put("status", result.status());
                doc.put("pollId", result.pollId());
                doc.put("records", report.recordCount());
                doc.put("stateDirectory", storeUrl() == null ? stateDirectory().toAbsolutePath().toString() : null);
                doc.put("store", stateDescription());
                if (result.delivered()) {
                    out.line("Usage report " + report.reportId() + " (" + Output.plural(report.recordCount(), "record") + ") delivered and acknowledged.");
                    out.document(doc);
                    return ExitCodes.OK;
                }
                out.line("Usage report " + report.reportId() + " is stored in " + stateDescription()
                        + " and still pending; `ssm sync` with the same " + (storeUrl() == null ? "--state-dir" : "--store")
                        + " delivers it.");
                throw new UsageDeliveryException(report.reportId(), result.error(), result.failure());
            }
        }
    }

    /** {@code ssm usage list}: the pending reports and the dead letters, from the state alone (no server). */
    @Command(name = "list", description = "List the pending usage reports and the dead letters (reports the server refused "
            + "for good, with its answer); reads the state only, no server needed")
    static final class ListReports extends StateCommand {

        @Override
        int execute(Output out) {
            SyncStore store = openStore();
            try {
                List<PendingReport> pending = store.pendingReports();
                List<DeadLetter> dead = store.deadLetters();
                List<Map<String, Object>> reports = new ArrayList<>();
                for (PendingReport p : pending) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("reportId", p.reportId());
                    m.put("state", "pending");
                    m.put("attempts", p.attempts());
                    m.put("records", p.report().recordCount());
                    m.put("storedAt", p.storedAt());
                    m.put("lastError", p.lastError());
                    m.put("server", null);
                    reports.add(m);
                }
                for (DeadLetter d : dead) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("reportId", d.reportId());
                    m.put("state", "dead");
                    m.put("attempts", d.entry().attempts());
                    m.put("records", d.entry().report().recordCount());
                    m.put("storedAt", d.entry().storedAt());
                    m.put("lastError", d.entry().lastError());
                    Map<String, Object> server = new LinkedHashMap<>();
                    server.put("status", d.status());
                    server.put("code", d.code());
                    server.put("message", d.message());
                    server.put("refusedAt", d.refusedAt());
                    m.put("server", server);
                    reports.add(m);
                }
                out.line(Output.plural(pending.size(), "pending report") + ", " + Output.plural(dead.size(), "dead letter")
                        + " in " + stateDescription() + ".");
                for (PendingReport p : pending) {
                    out.line("  " + p.reportId() + "  pending  " + Output.plural(p.attempts(), "failed attempt")
                            + (p.lastError() == null ? "" : "  last error: " + p.lastError()));
                }
                for (DeadLetter d : dead) {
                    out.line("  " + d.reportId() + "  dead     " + Output.plural(d.entry().attempts(), "failed attempt")
                            + "  server: " + answer(d) + " at " + Output.instant(d.refusedAt()));
                }
                if (!dead.isEmpty()) {
                    out.line("`ssm usage retry ID` submits a dead letter again; `ssm usage discard ID` drops it for good.");
                }
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("pending", pending.size());
                doc.put("dead", dead.size());
                doc.put("reports", reports);
                out.document(doc);
                return ExitCodes.OK;
            } finally {
                store.close();
            }
        }

        /** The server's answer to a dead letter, such as {@code HTTP 413 payload_too_large: too big}. */
        static String answer(DeadLetter d) {
            return "HTTP " + d.status() + (d.code() == null ? "" : " " + d.code()) + (d.message() == null ? "" : ": " + d.message());
        }
    }

    /** What {@code usage retry} and {@code usage discard} share: one dead letter, by id. */
    abstract static class DeadLetterCommand extends StateCommand {

        @Parameters(index = "0", paramLabel = "ID", description = "the report id, as `ssm usage list` shows it")
        String reportId;

        @Override
        final int execute(Output out) {
            SyncStore store = openStore();
            try {
                if (!act(store, reportId)) {
                    boolean pending = store.pendingReports().stream().anyMatch(p -> p.reportId().equals(reportId));
                    throw new UsageError(pending
                            ? "Usage report " + reportId + " is pending, not a dead letter: the next `ssm sync` delivers it."
                            : "No dead letter with id " + reportId + " in " + stateDescription() + ".",
                            "Run `ssm usage list` with the same state to see the dead letters' ids.");
                }
                out.line(done(reportId));
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("reportId", reportId);
                doc.put("result", result());
                out.document(doc);
                return ExitCodes.OK;
            } finally {
                store.close();
            }
        }

        abstract boolean act(SyncStore store, String id);

        abstract String done(String id);

        abstract String result();
    }

    /** {@code ssm usage retry ID}: a dead letter back to the pending reports. */
    @Command(name = "retry", description = "Move a dead letter back to the pending reports: the next `ssm sync` submits it "
            + "again, with the same id (fix the cause of the refusal first)")
    static final class Retry extends DeadLetterCommand {

        @Override
        boolean act(SyncStore store, String id) {
            return store.retryDead(id);
        }

        @Override
        String done(String id) {
            return "Usage report " + id + " is pending again; the next `ssm sync` delivers it.";
        }

        @Override
        String result() {
            return "pending";
        }
    }

    /** {@code ssm usage discard ID}: a dead letter dropped for good. */
    @Command(name = "discard", description = "Delete a dead letter for good: its usage is never delivered")
    static final class Discard extends DeadLetterCommand {

        @Override
        boolean act(SyncStore store, String id) {
            return store.discardDead(id);
        }

        @Override
        String done(String id) {
            return "Usage report " + id + " is discarded; its usage will never be delivered.";
        }

        @Override
        String result() {
            return "discarded";
        }
    }
}
