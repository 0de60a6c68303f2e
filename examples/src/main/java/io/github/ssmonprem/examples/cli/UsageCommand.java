package io.github.ssmonprem.examples.cli;

import io.github.ssmonprem.sync.DeliveryResult;
import io.github.ssmonprem.sync.SsmSyncClient;
import io.github.ssmonprem.sync.UsageDeliveryException;
import io.github.ssmonprem.sync.model.UsageReport;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ssm usage}: usage reports. */
@Command(name = "usage", description = "Usage reports", subcommands = UsageCommand.Push.class)
final class UsageCommand extends BaseCommand {

    @Override
    int execute(Output out) {
        spec.commandLine().usage(root().err());
        return ExitCodes.USAGE;
    }

    /** {@code ssm usage push --file F}: stores the report in the state directory, then delivers it. */
    @Command(name = "push", description = "Store a usage report in the state directory, then deliver it and wait for its "
            + "acknowledgement; if delivery fails it stays pending and a later `ssm sync` delivers it")
    static final class Push extends ServerCommand {

        @Option(names = "--file", required = true, description = "the usage report (JSON)")
        Path file;

        @Override
        int execute(Output out) {
            UsageReport report = UsageFile.read(file);
            try (SsmSyncClient client = durableClient(List.of())) {
                DeliveryResult result = client.submitUsage(report);
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("reportId", report.reportId());
                doc.put("status", result.status());
                doc.put("pollId", result.pollId());
                doc.put("records", report.recordCount());
                doc.put("stateDirectory", stateDirectory().toAbsolutePath().toString());
                if (result.delivered()) {
                    out.line("Usage report " + report.reportId() + " (" + Output.plural(report.recordCount(), "record") + ") delivered and acknowledged.");
                    out.document(doc);
                    return ExitCodes.OK;
                }
                out.line("Usage report " + report.reportId() + " is stored in " + stateDirectory().toAbsolutePath()
                        + " and still pending; `ssm sync` with the same --state-dir delivers it.");
                throw new UsageDeliveryException(report.reportId(), result.error(), result.failure());
            }
        }
    }
}
