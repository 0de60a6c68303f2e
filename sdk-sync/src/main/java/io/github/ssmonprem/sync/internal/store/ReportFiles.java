package io.github.ssmonprem.sync.internal.store;

import static io.github.ssmonprem.sync.internal.DurableFiles.deleteDurably;
import static io.github.ssmonprem.sync.internal.DurableFiles.fsyncDirectory;
import static io.github.ssmonprem.sync.internal.DurableFiles.moveDurably;
import static io.github.ssmonprem.sync.internal.DurableFiles.stems;

import io.github.ssmonprem.sync.internal.store.EntryCodec.Letter;
import io.github.ssmonprem.sync.store.DeliveredReport;
import io.github.ssmonprem.sync.store.PendingReport;
import io.github.ssmonprem.sync.store.ReportState;
import io.github.ssmonprem.sync.store.UsageOutbox;
import io.github.ssmonprem.sync.usage.Acknowledgement;
import io.github.ssmonprem.sync.usage.ReportStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where each report id of a state directory stands, across {@code pending/}, {@code dead/} and
 * {@code delivered/}: read from its files, completing on the way a change a crash or a failure cut
 * short (a delivered file or a letter beside a pending report, half a dead letter), and the retention
 * of delivered reports and of the acknowledgements kept outside a report. Call every method holding the directory's lock.
 */
public final class ReportFiles {

    private static final Logger LOG = LoggerFactory.getLogger(ReportFiles.class);
    /** The suffix of a dead letter's file in {@code dead/}. */
    public static final String LETTER = ".letter";
    private static final String DELIVERED = ".delivered";

    private final Path deadDir;
    private final Path deliveredDir;
    private final Clock clock;
    private final FileQuarantine quarantine;
    private final PendingFiles pending;
    private final AckFiles acks;
    private final KeptFiles kept;
    /** When to forget delivered reports past their retention next. */
    private volatile Instant nextForget = Instant.MIN;

    /**
     * The report files of a state directory.
     *
     * @param deadDir its {@code dead/} directory
     * @param deliveredDir its {@code delivered/} directory
     * @param acksDir its {@code acks/} directory
     * @param clock the store's clock, for the retention
     * @param quarantine where damaged files go
     * @param pending its pending reports
     * @param kept its acknowledgements kept outside a report, forgotten with the delivered reports
     */
    public ReportFiles(Path deadDir, Path deliveredDir, Path acksDir, Clock clock, FileQuarantine quarantine, PendingFiles pending,
            KeptFiles kept) {
        this.deadDir = deadDir;
        this.deliveredDir = deliveredDir;
        this.clock = clock;
        this.quarantine = quarantine;
        this.pending = pending;
        this.kept = kept;
        this.acks = new AckFiles(acksDir, quarantine, this::acknowledgementsOf);
    }

    /** {@return the acknowledgements not taken, each written again from its report's files when damaged} */
    public AckFiles acks() {
        return acks;
    }

    /**
     * {@return the file of a delivered report}
     *
     * @param id the report id
     */
    public Path deliveredFile(String id) {
        return deliveredDir.resolve(id + DELIVERED);
    }

    /**
     * {@return a file of a dead letter}
     *
     * @param id the report id
     * @param suffix {@link #LETTER} or {@link PendingFiles#REPORT}
     */
    public Path deadFile(String id, String suffix) {
        return deadDir.resolve(id + suffix);
    }

    /**
     * {@return the ids with a file in {@code dead/}, sorted}
     *
     * @throws IOException when the directory cannot be listed
     */
    public TreeSet<String> deadIds() throws IOException {
        TreeSet<String> ids = new TreeSet<>(stems(deadDir, LETTER));
        ids.addAll(stems(deadDir, PendingFiles.REPORT));
        return ids;
    }

    /**
     * {@return how many dead letters there are}
     *
     * @throws IOException when the directory cannot be listed
     */
    public int deadCount() throws IOException {
        return stems(deadDir, LETTER).size();
    }

    /**
     * {@return the id's state, completing a change a crash or a failure cut short}
     *
     * @param id the report id
     * @throws IOException when the files cannot be read or the change completed
     */
    public Optional<ReportState> stateOf(String id) throws IOException {
        DeliveredReport delivered = quarantine.read(deliveredFile(id), json -> EntryCodec.readDelivered(id, json));
        if (delivered != null) {
            if (pending.has(id)) {
                finishAcknowledge(delivered);
            }
            return Optional.of(ReportState.delivered(delivered));
        }
        Letter letter = quarantine.read(deadFile(id, LETTER), json -> EntryCodec.readLetter(id, json));
        if (letter != null && !Files.exists(deadFile(id, PendingFiles.REPORT)) && pending.has(id)) {
            finishRefuse(id, letter.acknowledgements());
        }
        PendingReport deadReport = quarantine.read(deadFile(id, PendingFiles.REPORT), json -> EntryCodec.readReport(id, json));
        if (letter != null && deadReport != null) {
            return Optional.of(ReportState.dead(letter.toDeadLetter(deadReport)));
        }
        if (letter != null) {
            acks.keepForGood(id, letter.acknowledgements());
            deleteDurably(deadFile(id, LETTER));   // a discard cut short, or its report was quarantined
        } else if (deadReport != null) {
            moveDurably(deadFile(id, PendingFiles.REPORT), pending.reportFile(id));   // a retry cut short, or its letter was quarantined
        }
        return Optional.ofNullable(pending.read(id)).map(ReportState::pending);
    }

    /**
     * {@return whether an id is pending, without reading its report when no other file says otherwise}
     *
     * @param id the report id
     * @throws IOException when the files cannot be read
     */
    public boolean isPending(String id) throws IOException {
        if (Files.exists(deliveredFile(id)) || Files.exists(deadFile(id, LETTER)) || Files.exists(deadFile(id, PendingFiles.REPORT))) {
            return stateOf(id).filter(s -> s.status() == ReportStatus.PENDING).isPresent();
        }
        return pending.has(id);
    }

    /**
     * {@return the acknowledgements a report's delivered file or dead letter holds, without completing anything}
     *
     * @param id the report id
     * @throws IOException when the files cannot be read
     */
    public List<Acknowledgement> acknowledgementsOf(String id) throws IOException {
        DeliveredReport delivered = quarantine.read(deliveredFile(id), json -> EntryCodec.readDelivered(id, json));
        if (delivered != null) {
            return delivered.acknowledgements();
        }
        Letter letter = quarantine.read(deadFile(id, LETTER), json -> EntryCodec.readLetter(id, json));
        return letter == null ? List.of() : letter.acknowledgements();
    }

    /**
     * {@return the pending reports, oldest first}
     *
     * @throws IOException when the files cannot be read
     */
    public List<PendingReport> readPending() throws IOException {
        List<PendingReport> out = new ArrayList<>();
        for (String id : pending.ids()) {
            stateOf(id).map(ReportState::pending).ifPresent(out::add);
        }
        out.sort(StoreOrder.REPORTS_OLDEST_FIRST);
        return out;
    }

    /**
     * Completes every change cut short: ids with a pending report and a delivered file or letter, and
     * halves of dead letters.
     *
     * @throws IOException when the files cannot be read or a change completed
     */
    public void settle() throws IOException {
        TreeSet<String> ids = new TreeSet<>();
        for (String id : pending.ids()) {
            if (Files.exists(deliveredFile(id)) || Files.exists(deadFile(id, LETTER))) {
                ids.add(id);
            }
        }
        List<String> letters = stems(deadDir, LETTER);
        List<String> reports = stems(deadDir, PendingFiles.REPORT);
        letters.stream().filter(id -> !reports.contains(id)).forEach(ids::add);
        reports.stream().filter(id -> !letters.contains(id)).forEach(ids::add);
        for (String id : ids) {
            stateOf(id);
        }
    }

    /**
     * The steps after an acknowledgement's commit: dates the delivered file (what the retention reads),
     * publishes its acknowledgements, then deletes the pending files.
     *
     * @param delivered the delivered report
     * @throws IOException when a step fails
     */
    public void finishAcknowledge(DeliveredReport delivered) throws IOException {
        Files.setLastModifiedTime(deliveredFile(delivered.reportId()), FileTime.from(delivered.deliveredAt()));
        acks.publish(delivered.reportId(), delivered.acknowledgements(), false);
        pending.delete(delivered.reportId());
        fsyncDirectory(pending.dir());
    }

    /**
     * The steps after a refusal's commit: publishes a dead letter's acknowledgements, then moves its
     * report to {@code dead/}.
     *
     * @param id the report id
     * @param letterAcks the acknowledgements the letter carries
     * @throws IOException when a step fails
     */
    public void finishRefuse(String id, List<Acknowledgement> letterAcks) throws IOException {
        acks.publish(id, letterAcks, false);
        pending.deleteClaimAndState(id);
        moveDurably(pending.reportFile(id), deadFile(id, PendingFiles.REPORT));
    }

    /**
     * Forgets old deliveries once a day as well as on opening, for an application that runs for
     * months. Called after a change's commit, so a failure is logged, not thrown: the next day or
     * the next opening tries again.
     */
    public void forgetOldDeliveriesDaily() {
        if (clock.instant().isAfter(nextForget)) {
            try {
                forgetOldDeliveries();
            } catch (IOException | RuntimeException e) {
                LOG.warn("Could not forget the delivered reports older than {} days in {} ({}); tried again tomorrow",
                        UsageOutbox.DELIVERED_RETENTION.toDays(), deliveredDir, e.toString());
            }
        }
    }

    /**
     * Forgets delivered reports older than the retention (by their file's time), with their
     * acknowledgements not taken, and the kept acknowledgements that arrived before it.
     *
     * @throws IOException when the files cannot be read or deleted
     */
    public void forgetOldDeliveries() throws IOException {
        Instant now = clock.instant();
        nextForget = now.plus(Duration.ofDays(1));
        Instant horizon = now.minus(UsageOutbox.DELIVERED_RETENTION);
        for (String id : stems(deliveredDir, DELIVERED)) {
            if (Files.getLastModifiedTime(deliveredFile(id)).toInstant().isBefore(horizon)) {
                Optional<DeliveredReport> delivered = stateOf(id).map(ReportState::delivered);
                if (delivered.isPresent()) {
                    acks.forget(id, delivered.get().acknowledgements());   // forced before the report goes
                }
                Files.deleteIfExists(deliveredFile(id));
            }
        }
        kept.forget(horizon);
    }
}
