package io.github.ssmonprem.cli;

import io.github.ssmonprem.sync.SyncStatus;
import io.github.ssmonprem.sync.store.QuarantinedEntry;
import io.github.ssmonprem.sync.store.SyncOutcome;
import io.github.ssmonprem.sync.store.SyncStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code ssm status}: the state an operator or a monitoring check looks at, from the state alone. */
@Command(name = "status", description = "Show the last sync's outcome and how many usage reports are pending, dead and "
        + "quarantined; reads the state only, no server needed. Exit code 10 when the last sync failed, else 9 when dead "
        + "letters or quarantined entries wait for an operator")
final class StatusCommand extends StateCommand {

    @Override
    int execute(Output out) {
        SyncStore store = openStore();
        try {
            // Reading the reports (not just counting them) moves damaged ones aside, so they are counted too.
            int pending = store.pending().size();
            int dead = store.dead().size();
            List<QuarantinedEntry> quarantined = store.quarantine().map(q -> q.quarantined()).orElse(List.of());
            SyncStatus status = new SyncStatus(store.lastOutcome().orElse(null), pending, dead, store.counts().acknowledgements(),
                    quarantined.size());
            SyncOutcome last = status.lastOutcome();
            out.line("State: " + stateDescription());
            // The stored outcome is text, written by whichever program ran the sync: shown as it was stored.
            out.line("  last sync:    " + (last == null ? "never"
                    : (last.success() ? "succeeded" : "FAILED") + " at " + Output.instant(last.finishedAt())
                            + (last.success() || last.errorMessage() == null ? "" : ": " + last.errorMessage())));
            out.line("  pending:      " + status.pending());
            out.line("  acks to take: " + status.acknowledgements() + (status.acknowledgements() == 0 ? ""
                    : " (`ssm usage acks --out DIR` writes them for the devices)"));
            out.line("  dead:         " + status.dead());
            out.line("  quarantined:  " + status.quarantined());
            for (QuarantinedEntry q : quarantined) {
                out.line("    " + q);
            }
            extraLines(out);
            if (status.needsAttention()) {
                out.line(attention(status.dead(), status.quarantined()));
            }
            if (last != null && !last.success()) {
                out.line("warning: the last sync failed; run `ssm sync` to retry, or `ssm doctor` to find the cause.");
            }
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("state", stateDescription());
            Map<String, Object> outcome = null;
            if (last != null) {
                outcome = new LinkedHashMap<>();
                outcome.put("success", last.success());
                outcome.put("startedAt", last.startedAt());
                outcome.put("finishedAt", last.finishedAt());
                outcome.put("errorType", Output.kind(last.errorType()));
                outcome.put("errorMessage", last.errorMessage());
            }
            doc.put("lastOutcome", outcome);
            doc.put("pending", status.pending());
            doc.put("acknowledgements", status.acknowledgements());
            doc.put("dead", status.dead());
            doc.put("quarantined", status.quarantined());
            doc.put("quarantinedEntries", quarantined.stream().map(QuarantinedEntry::toString).toList());
            extraDocument(doc);
            doc.put("needsAttention", status.needsAttention());
            out.document(doc);
            if (last != null && !last.success()) {
                return ExitCodes.LAST_SYNC_FAILED;
            }
            return status.needsAttention() ? ExitCodes.NEEDS_ATTENTION : ExitCodes.OK;
        } finally {
            store.close();
        }
    }

    /** With {@code --store}: who holds the cluster's sync lock. */
    private void extraLines(Output out) {
        lock().ifPresent(l -> out.line("  sync lock:    " + l.holder().map(h -> "held by " + h.node() + " since "
                + Output.instant(h.acquiredAt()) + ", lease until " + Output.instant(h.expiresAt())).orElse("free")));
    }

    private void extraDocument(Map<String, Object> doc) {
        lock().ifPresent(l -> doc.put("lockHolder", l.holder().map(h -> h.node()).orElse(null)));
    }

    /**
     * The warning line naming dead letters and quarantined entries, printed by {@code ssm status} and by
     * every {@code ssm sync}.
     *
     * @param dead the dead letters
     * @param quarantined the quarantined entries
     * @return the line
     */
    static String attention(int dead, int quarantined) {
        return "warning: " + Output.plural(dead, "dead letter") + " and " + quarantined + (quarantined == 1 ? " quarantined entry" : " quarantined entries") + " wait for an operator: `ssm usage list`, then `ssm usage retry ID` or "
                + "`ssm usage discard ID`.";
    }
}
