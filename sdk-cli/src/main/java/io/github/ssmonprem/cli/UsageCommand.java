package io.github.ssmonprem.cli;

import io.github.ssmonprem.core.internal.ErrorMapper;
import io.github.ssmonprem.core.internal.IoText;
import io.github.ssmonprem.sync.SsmSyncClient;
import io.github.ssmonprem.sync.store.DeadLetter;
import io.github.ssmonprem.sync.store.PendingReport;
import io.github.ssmonprem.sync.store.SyncStore;
import io.github.ssmonprem.sync.usage.Acknowledgement;
import io.github.ssmonprem.sync.usage.DeliveryResult;
import io.github.ssmonprem.sync.usage.ReportStatus;
import io.github.ssmonprem.sync.usage.RumReport;
import io.github.ssmonprem.sync.usage.UsageDeliveryException;
import io.github.ssmonprem.sync.usage.UsageFiles;
import io.github.ssmonprem.sync.usage.UsageReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ssm usage}: usage reports and the acknowledgements that come back for the devices. */
@Command(name = "usage", description = "Usage reports and their acknowledgements, and devices' authorization codes",
        subcommands = {UsageCommand.Push.class, UsageCommand.Acks.class, AuthorizeCommand.class, UsageCommand.ListReports.class,
            UsageCommand.Retry.class, UsageCommand.Discard.class})
final class UsageCommand extends BaseCommand {

    @Override
    int execute(Output out) {
        spec.commandLine().usage(root().err());
        return ExitCodes.USAGE;
    }

    /** {@code ssm usage push --account A --virtual-account VA --file F...}: devices' usage files up, their ACKs back. */
    @Command(name = "push", description = "Push the usage files devices saved (RUM reports, XML or JSON) for a smart account and "
            + "virtual account: store them in the state directory (or --store), upload them and wait for their acknowledgements, "
            + "which are kept for `ssm usage acks`. Pushing the same files again sends nothing; if the server does not answer, "
            + "the reports stay pending and `ssm sync` delivers them")
    static final class Push extends ServerCommand {

        @Option(names = "--account", description = "smart account domain (env SSM_ACCOUNT)")
        String account;

        @Option(names = "--virtual-account", description = "virtual account name (env SSM_VIRTUAL_ACCOUNT)")
        String virtualAccount;

        @Option(names = "--file", required = true, paramLabel = "FILE", description = "a device's usage file; repeat for several")
        List<Path> files;

        @Option(names = "--ack-timeout", paramLabel = "SECONDS", description = "how long to wait for the acknowledgements "
                + "(default 600); then the reports stay pending and `ssm sync` polls for them")
        Integer ackTimeoutSeconds;

        @Override
        int execute(Output out) {
            String domain = required(account, "SSM_ACCOUNT", "--account");
            String va = required(virtualAccount, "SSM_VIRTUAL_ACCOUNT", "--virtual-account");
            List<RumReport> reports = UsageFiles.defaults().readAll(files);
            UsageReport report = UsageReport.of(domain, va, reports);
            try (SsmSyncClient client = durableClient(List.of(), ackTimeout(ackTimeoutSeconds))) {
                List<DeliveryResult> results = client.submitUsage(report);
                List<Map<String, Object>> docs = new ArrayList<>();
                int acks = 0;
                DeliveryResult worst = null;
                for (DeliveryResult r : results) {
                    out.line(describe(r));
                    docs.add(document(r));
                    acks += r.acknowledgements().size();
                    worst = worse(worst, r);
                }
                out.line(Output.plural(reports.size(), "RUM report") + " from " + Output.plural(files.size(), "file") + ", "
                        + Output.plural(report.devices().size(), "device") + "; " + Output.plural(acks, "acknowledgement")
                        + " kept in " + stateDescription() + (acks == 0 ? "." : ": `ssm usage acks --out DIR` writes them for the devices."));
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("account", domain);
                doc.put("virtualAccount", va);
                doc.put("rumReports", reports.size());
                doc.put("devices", report.devices().size());
                doc.put("reports", docs);
                doc.put("store", stateDescription());
                out.document(doc);
                if (worst == null || worst.delivered()) {
                    return ExitCodes.OK;
                }
                if (worst.status() == ReportStatus.PENDING && worst.failure() == null) {
                    out.line("Uploaded; the acknowledgement has not come yet. `ssm sync` with the same "
                            + (storeUrl() == null ? "--state-dir" : "--store") + " polls for it.");
                    return ExitCodes.AWAITING_ACKNOWLEDGEMENT;
                }
                throw new UsageDeliveryException(worst);
            }
        }

        /** The result that says most about the push: a dead letter, then a failure, then awaiting. */
        private static DeliveryResult worse(DeliveryResult a, DeliveryResult b) {
            return a == null || rank(b) > rank(a) ? b : a;
        }

        private static int rank(DeliveryResult r) {
            if (r.status() == ReportStatus.DEAD) {
                return 3;
            }
            if (r.status() == ReportStatus.PENDING) {
                return r.failure() != null ? 2 : 1;
            }
            return 0;
        }
    }

    static String describe(DeliveryResult r) {
        String head = "Usage report " + r.reportId() + " ";
        switch (r.status()) {
            case DELIVERED:
                return head + "acknowledged: " + Output.plural(r.acknowledgements().size(), "acknowledgement")
                        + (r.detail() == null ? "" : " (" + r.detail() + ")") + ".";
            case ALREADY_RECEIVED:
                return head + "was already on the server: " + ErrorMapper.inSentence(r.detail()) + ".";
            case DEAD:
                return head + "was refused for good and is a dead letter: " + ErrorMapper.inSentence(r.detail()) + ". Fix the cause, "
                        + "then `ssm usage retry " + r.reportId() + "`, or `ssm usage discard " + r.reportId() + "`.";
            default:
                return head + "is pending: " + ErrorMapper.inSentence(r.detail()) + ".";
        }
    }

    static Map<String, Object> document(DeliveryResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("reportId", r.reportId());
        m.put("status", r.status());
        m.put("pollId", r.pollId());
        m.put("acknowledgements", r.acknowledgements().stream().map(Acknowledgement::id).toList());
        m.put("detail", r.detail());
        if (r.server() != null) {
            Map<String, Object> server = new LinkedHashMap<>();
            server.put("status", r.server().status());
            server.put("messageCode", r.server().code());
            server.put("message", r.server().message());
            server.put("correlationId", r.server().correlationId());
            m.put("server", server);
        }
        return m;
    }

    /** {@code ssm usage acks [--out DIR]}: the acknowledgements not taken yet, written for the devices. */
    @Command(name = "acks", description = "List the acknowledgements the server sent back and nobody took yet (and the "
            + "authorization codes `ssm usage authorize` received); with --out, write each one to its own file, the text to import on "
            + "its device (`license smart import`), named after the device's PID and serial number, and mark it taken")
    static final class Acks extends StateCommand {

        @Option(names = "--out", paramLabel = "DIR", description = "directory to write one file per acknowledgement into (created "
                + "when missing); they are then marked taken")
        Path outDir;

        @Override
        int execute(Output out) throws IOException {
            SyncStore store = openStore();
            try {
                List<Acknowledgement> acks = store.acknowledgements();
                List<Map<String, Object>> docs = new ArrayList<>();
                if (outDir != null) {
                    try {
                        Files.createDirectories(outDir);
                    } catch (IOException e) {
                        throw cannotWrite(e, 0, acks.size());
                    }
                }
                int written = 0;
                for (Acknowledgement a : acks) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("id", a.id());
                    m.put("kind", a.kind().name().toLowerCase(java.util.Locale.ROOT));
                    m.put("device", a.sudi().toString());
                    m.put("pid", a.sudi().pid());
                    m.put("serialNumber", a.sudi().serialNumber());
                    m.put("softwareTag", a.softwareTag());
                    m.put("reportId", a.reportId());
                    m.put("rumReportIds", a.rumReportIds());
                    m.put("receivedAt", a.receivedAt());
                    m.put("correlationId", a.correlationId());
                    if (outDir != null) {
                        Path file;
                        try {
                            file = write(outDir, a);
                        } catch (IOException e) {
                            throw cannotWrite(e, written, acks.size());
                        }
                        store.take(a.id());
                        written++;
                        m.put("file", file.toAbsolutePath().toString());
                        out.line("  " + a.sudi() + "  " + file);
                    } else {
                        out.line("  " + a.id() + "  " + a.sudi() + "  " + what(a) + "  received " + Output.instant(a.receivedAt()));
                    }
                    docs.add(m);
                }
                out.line(Output.plural(acks.size(), "acknowledgement") + (outDir == null
                        ? " not taken yet in " + stateDescription() + (acks.isEmpty() ? "." : "; `ssm usage acks --out DIR` writes them.")
                        : " written to " + outDir + " and marked taken; import each on its device (`license smart import`)."));
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("acknowledgements", docs);
                doc.put("directory", outDir == null ? null : outDir.toAbsolutePath().toString());
                out.document(doc);
                return ExitCodes.OK;
            } finally {
                store.close();
            }
        }

        /** A file of --out that could not be written: what was taken before it, and that the rest stays for the next run. */
        private CommandFailure cannotWrite(IOException e, int written, int total) {
            return new CommandFailure("Cannot write the acknowledgements to " + outDir + " (" + IoText.reason(e) + "): "
                    + written + " of " + total + " written and marked taken; the others stay not taken.",
                    "Give --out a directory this command may write to, with free space, and run `ssm usage acks --out DIR` again.",
                    ExitCodes.OTHER);
        }

        /** What an acknowledgement is, for people. */
        private static String what(Acknowledgement a) {
            switch (a.kind()) {
                case AUTHORIZATION:
                    return "authorization code";
                case RETURN:
                    return "return confirmation";
                default:
                    return Output.plural(a.rumReportIds().size(), "RUM report");
            }
        }

        /** Writes the ACK's text to its file: a temporary file, forced, renamed into place, so a device never gets half a file. */
        private static Path write(Path dir, Acknowledgement a) throws IOException {
            Path file = dir.resolve(a.fileName());
            Path tmp = dir.resolve("." + a.fileName() + ".tmp");
            Files.write(tmp, a.text().getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE, StandardOpenOption.SYNC);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return file;
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
                List<PendingReport> pending = store.pending();
                List<DeadLetter> dead = store.dead();
                List<Map<String, Object>> reports = new ArrayList<>();
                for (PendingReport p : pending) {
                    reports.add(entry(p, "pending", null));
                }
                for (DeadLetter d : dead) {
                    reports.add(entry(d.entry(), "dead", d));
                }
                out.line(Output.plural(pending.size(), "pending report") + ", " + Output.plural(dead.size(), "dead letter")
                        + " in " + stateDescription() + ".");
                for (PendingReport p : pending) {
                    out.line("  " + p.reportId() + "  pending  " + Output.plural(p.report().reports().size(), "RUM report") + ", "
                            + (p.pollId() == null ? "not uploaded yet" : "awaiting acknowledgement (poll " + p.pollId() + ")")
                            + (p.lastError() == null ? "" : "  last: " + p.lastError()));
                }
                for (DeadLetter d : dead) {
                    out.line("  " + d.reportId() + "  dead     " + Output.plural(d.entry().report().reports().size(), "RUM report")
                            + "  server: " + answer(d) + " at " + Output.instant(d.refusedAt()));
                }
                if (!dead.isEmpty()) {
                    out.line("`ssm usage retry ID` uploads a dead letter again; `ssm usage discard ID` drops it for good.");
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

        private static Map<String, Object> entry(PendingReport p, String state, DeadLetter d) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("reportId", p.reportId());
            m.put("state", state);
            m.put("account", p.report().account());
            m.put("virtualAccount", p.report().virtualAccount());
            m.put("rumReports", p.report().reports().size());
            m.put("devices", p.report().devices().stream().map(Object::toString).toList());
            m.put("pollId", p.pollId());
            m.put("attempts", p.attempts());
            m.put("storedAt", p.storedAt());
            m.put("lastError", p.lastError());
            m.put("server", null);
            if (d != null) {
                Map<String, Object> server = new LinkedHashMap<>();
                server.put("httpStatus", d.httpStatus());
                server.put("status", d.server().status());
                server.put("messageCode", d.server().code());
                server.put("message", d.server().message());
                server.put("correlationId", d.server().correlationId());
                server.put("refusedAt", d.refusedAt());
                m.put("server", server);
            }
            return m;
        }

        /** The server's answer to a dead letter, such as {@code HTTP 200 FAILED: signature invalid (message code SIG)}. */
        static String answer(DeadLetter d) {
            String said = d.server().describe();
            String answer = said.startsWith("HTTP ") ? said : "HTTP " + d.httpStatus() + " " + said;
            String why = d.entry().lastError();
            return d.server().hasMessage() || why == null ? answer : answer + " (" + ErrorMapper.inSentence(why) + ")";
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
                    boolean pending = store.pending().stream().anyMatch(p -> p.reportId().equals(reportId));
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
    @Command(name = "retry", description = "Move a dead letter back to the pending reports: the next `ssm sync` uploads it "
            + "again (fix the cause of the refusal first)")
    static final class Retry extends DeadLetterCommand {

        @Override
        boolean act(SyncStore store, String id) {
            return store.retry(id);
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
            return store.discard(id);
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
