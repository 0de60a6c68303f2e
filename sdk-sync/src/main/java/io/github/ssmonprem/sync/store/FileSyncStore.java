package io.github.ssmonprem.sync.store;

import static io.github.ssmonprem.sync.internal.DurableFiles.deleteDurably;
import static io.github.ssmonprem.sync.internal.DurableFiles.moveDurably;
import static io.github.ssmonprem.sync.internal.DurableFiles.writeSealed;

import io.github.ssmonprem.sync.internal.DurableFiles;
import io.github.ssmonprem.sync.internal.store.AckFiles;
import io.github.ssmonprem.sync.internal.store.DirectoryLock;
import io.github.ssmonprem.sync.internal.store.EntryCodec;
import io.github.ssmonprem.sync.internal.store.EntryCodec.Claim;
import io.github.ssmonprem.sync.internal.store.EntryCodec.State;
import io.github.ssmonprem.sync.internal.store.FileQuarantine;
import io.github.ssmonprem.sync.internal.store.KeptFiles;
import io.github.ssmonprem.sync.internal.store.PendingFiles;
import io.github.ssmonprem.sync.internal.store.ReportFiles;
import io.github.ssmonprem.sync.internal.store.StateFiles;
import io.github.ssmonprem.sync.internal.store.StoreOrder;
import io.github.ssmonprem.sync.usage.Acknowledgement;
import io.github.ssmonprem.sync.usage.UsageReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SyncStore} on the file system, under one state directory (ID is a report id, {@code u}
 * and 32 hex digits for the SDK's own):
 *
 * <pre>
 * STATE_DIR/.lock                   locked (FileChannel lock) by every operation on usage, across processes
 * STATE_DIR/pending/ID.report       a pending report and when it was stored; written once, never changed
 * STATE_DIR/pending/ID.state        its delivery state (poll id, nonce, attempts, last error), once it has one
 * STATE_DIR/pending/ID.claim        who claims it for delivery, until when (or no one)
 * STATE_DIR/dead/ID.letter          a dead letter: its delivery state, the server's answer, its acknowledgements
 * STATE_DIR/dead/ID.report          the dead letter's report: its pending report file, moved
 * STATE_DIR/delivered/ID.delivered  a delivered report: status, server's answer, all its acknowledgements; kept 30 days
 * STATE_DIR/acks/ID~ACK_ID.ack      an acknowledgement of report ID not taken yet
 * STATE_DIR/kept/ACK_ID.kept        an acknowledgement kept outside a report (an authorization code), not taken yet;
 *                                   ACK_ID.taken once taken; both kept 30 days from its arrival
 * STATE_DIR/quarantine/NAME         files that could not be read, each with NAME.reason
 * STATE_DIR/snapshots/ACCOUNT.json  the last license snapshot of each smart account
 * STATE_DIR/last-sync.json          the last sync's outcome
 * </pre>
 *
 * <p><b>Writing.</b> A file is written to a temporary file beside it ({@code .NAME.HEX.tmp}), forced,
 * renamed over its name, and the directory forced: a crash leaves the old content or the new, never
 * a mix. Usage files start with the line {@code ssm-entry crc32c=XXXXXXXX}, the CRC-32C of the JSON
 * that follows; one that fails it or cannot be parsed (a damaged disk) is moved to
 * {@code quarantine/} and listed by {@link #quarantine()}, never dropped. A RUM report's payload and
 * signature are kept as JSON strings: they read back as the same characters. Files and directories
 * the store creates are readable by their owner only, where the file system has POSIX permissions.
 *
 * <p><b>What each change forces.</b> Every change is durable when its method returns, except claims;
 * each has one <em>commit</em>, a single forced rename, before which it did not happen and after
 * which it did; the steps after it are completed by whoever next reads the id, if a crash cuts them
 * short.
 * <ul>
 *   <li>{@link #add}: the report file (the commit), before any byte of it is sent; then its claim.</li>
 *   <li>{@link #update}: the state file, forced, only when the delivery state changed; the report
 *       file is never rewritten. A damaged state file is quarantined and the report stays pending
 *       without a poll id: it is uploaded again, and the server answers "already received".</li>
 *   <li>Claims ({@link #claim(String, int, Duration)}, {@link #claim(String, String, Duration)}, the
 *       claim of an add or update): the claim file, replaced atomically but not forced. A claim keeps
 *       the live processes sharing the directory apart, and each sees it at once; a crash of the
 *       host, the only thing that can lose it, ends every process that could hold one. A damaged
 *       claim file is deleted (no claim).</li>
 *   <li>{@link #acknowledge}: the delivered file, holding every acknowledgement (the commit); then
 *       one file per acknowledgement in {@code acks/}, renamed into place, and that directory forced
 *       once; then the pending files are deleted and {@code pending/} forced. So every
 *       acknowledgement is in a forced file before the method returns (a SIGKILL or a power loss
 *       right after loses none), at the cost of five forces whatever the number of devices. A file
 *       in {@code acks/} whose content a host crash lost reads as damaged and is written again from
 *       the delivered file.</li>
 *   <li>{@link #refuse}: the letter file, holding the acknowledgements it carries (the commit); then
 *       their files in {@code acks/} as above; then the report file is moved to {@code dead/}, both
 *       directories forced.</li>
 *   <li>{@link #keep}: its file in {@code kept/}, forced with its directory (the commit). Taking it
 *       renames the file to {@code .taken}, the directory forced, so its id stays known until the
 *       retention forgets it.</li>
 *   <li>{@link #retry}: forces the files of the letter's acknowledgements not taken (the letter, their
 *       other copy, goes), deletes the letter, forced (the commit), then moves the report back to
 *       {@code pending/}, forced. {@link #discard}: the same, deleting the report (the commit) then
 *       the letter. {@link #take}: deletes the acknowledgement's file, forced.</li>
 * </ul>
 * So files left by a change cut short are read as its later state: a delivered file or a letter
 * beside a pending report means the report was acknowledged or refused (its acknowledgements are
 * written again, none having been taken, and the pending report goes); a dead report without a
 * letter was being retried; a letter without a report was being discarded. Every operation that
 * lists, counts or takes acknowledgements completes these first. No pending report and no
 * acknowledgement is lost, and none is taken twice by the store's doing.
 *
 * <p><b>Sharing.</b> Thread-safe, and safe for several processes sharing the directory (the command
 * line and an application): every operation on usage holds a lock on {@code .lock} and, within the
 * process, a lock per directory. Claims and retention use this store's clock.
 *
 * <p><b>Opening</b> deletes the temporary files a crash left (only names of the temporary form,
 * which no entry has) and pending state or claim files without their report, completes the changes
 * a crash cut short, and forgets delivered reports older than {@link UsageOutbox#DELIVERED_RETENTION}
 * (their acknowledgements not taken go with them) and kept acknowledgements that arrived before it,
 * which {@link #add}, {@link #acknowledge} and {@link #keep} also do once a day.
 */
public final class FileSyncStore implements SyncStore {

    private static final Logger LOG = LoggerFactory.getLogger(FileSyncStore.class);
    private static final String REPORT = PendingFiles.REPORT;
    private static final String NOTHING_SENT = "nothing was sent and no pending report was lost";
    private static final String NOTHING_LOST = "no pending report and no acknowledgement was lost";

    private final Path root;
    private final Clock clock;
    private final DirectoryLock lock;
    private final FileQuarantine quarantine;
    private final PendingFiles pending;
    private final AckFiles acks;
    private final KeptFiles kept;
    private final StateFiles state;
    private final ReportFiles reports;

    /** A step of a change on the files. */
    @FunctionalInterface
    private interface Step {
        void run() throws IOException;
    }

    /**
     * Opens (and creates when missing) a state directory, on the system clock.
     *
     * @param stateDirectory the directory
     * @throws SyncStoreException when it cannot be created or opened
     */
    public FileSyncStore(Path stateDirectory) {
        this(stateDirectory, Clock.systemUTC());
    }

    /**
     * Opens (and creates when missing) a state directory, with a clock for claims and for the
     * retention of delivered reports.
     *
     * @param stateDirectory the directory
     * @param clock the store's clock
     * @throws SyncStoreException when it cannot be created or opened
     */
    public FileSyncStore(Path stateDirectory, Clock clock) {
        this.root = stateDirectory.toAbsolutePath().normalize();
        this.clock = clock;
        List<Path> dirs = List.of(root.resolve("pending"), root.resolve("dead"), root.resolve("delivered"), root.resolve("acks"),
                root.resolve("quarantine"), root.resolve("snapshots"), root.resolve("kept"));
        try {
            for (Path dir : dirs) {
                DurableFiles.createPrivateDirectories(dir);
            }
            this.lock = new DirectoryLock(root);
        } catch (IOException e) {
            throw DirectoryLock.failure(root, "cannot create the state directory " + root, NOTHING_LOST, e);
        }
        this.quarantine = new FileQuarantine(dirs.get(4), lock, clock);
        this.pending = new PendingFiles(dirs.get(0), quarantine);
        this.kept = new KeptFiles(dirs.get(6), quarantine);
        this.reports = new ReportFiles(dirs.get(1), dirs.get(2), dirs.get(3), clock, quarantine, pending, kept);
        this.acks = reports.acks();
        this.state = new StateFiles(dirs.get(5), root.resolve("last-sync.json"), lock);
        lock.locked("open the state directory " + root, NOTHING_LOST, () -> {
            deleteTemporaryFiles(Stream.concat(Stream.of(root), dirs.stream()).toList());
            pending.deleteOrphans();
            reports.settle();
            reports.forgetOldDeliveries();
            return null;
        });
    }

    /** {@return the state directory, as an absolute path} */
    public Path directory() {
        return root;
    }

    @Override
    public Optional<Quarantine> quarantine() {
        return Optional.of(quarantine);
    }

    // ---------------------------------------------------------------------------------------------
    // Pending reports and claims

    @Override
    public Optional<ReportState> add(UsageReport report, String node, Duration lease) {
        String id = report.reportId();
        return lock.locked("store usage report " + id + " durably in " + pending.dir(), NOTHING_SENT, () -> {
            Optional<ReportState> existing = reports.stateOf(id);
            if (existing.isEmpty()) {
                Instant now = clock.instant();
                pending.writeReport(report, now);   // the commit
                try {
                    pending.writeClaim(id, new Claim(node, now.plus(lease)));
                } catch (IOException e) {
                    undo(e, () -> deleteDurably(pending.reportFile(id)));   // not added, durably: the caller is told so
                }
                reports.forgetOldDeliveriesDaily();
            }
            return existing;
        });
    }

    @Override
    public Optional<ReportState> state(String reportId) {
        if (!isId(reportId)) {
            return Optional.empty();
        }
        return lock.locked("read the state of usage report " + reportId, NOTHING_LOST, () -> reports.stateOf(reportId));
    }

    @Override
    public List<PendingReport> claim(String node, int max, Duration lease) {
        return lock.locked("claim pending usage reports in " + pending.dir(), "no report was claimed", () -> {
            Instant now = clock.instant();
            List<PendingReport> claimed = new ArrayList<>();
            for (PendingReport entry : reports.readPending()) {
                if (claimed.size() >= max) {
                    break;
                }
                if (entry.claimableBy(node, now)) {
                    claimed.add(claimed(entry, node, now.plus(lease)));
                }
            }
            return claimed;
        });
    }

    @Override
    public Optional<PendingReport> claim(String reportId, String node, Duration lease) {
        if (!isId(reportId)) {
            return Optional.empty();
        }
        return lock.locked("claim usage report " + reportId + " in " + pending.dir(), "it was not claimed", () -> {
            Instant now = clock.instant();
            PendingReport entry = reports.stateOf(reportId).map(ReportState::pending).orElse(null);
            if (entry == null || !entry.claimableBy(node, now)) {
                return Optional.<PendingReport>empty();
            }
            return Optional.of(claimed(entry, node, now.plus(lease)));
        });
    }

    private PendingReport claimed(PendingReport entry, String node, Instant until) throws IOException {
        pending.writeClaim(entry.reportId(), new Claim(node, until));
        return entry.withClaim(node, until);
    }

    @Override
    public boolean update(PendingReport entry, String node) {
        String id = entry.reportId();
        return lock.locked("store the delivery state of usage report " + id + " in " + pending.dir(),
                "it stays pending with its previous delivery state", () -> {
                    if (!heldBy(id, node)) {
                        return false;
                    }
                    State previous = pending.readState(id);
                    State next = State.of(entry);
                    boolean changed = !next.equals(previous);
                    if (changed) {
                        pending.writeState(id, next);   // forced; the claim is not
                    }
                    try {
                        pending.writeClaim(id, new Claim(entry.claimOwner(), entry.claimedUntil()));
                    } catch (IOException e) {
                        undo(e, () -> {
                            if (changed) {
                                pending.writeState(id, previous);
                            }
                        });
                    }
                    return true;
                });
    }

    @Override
    public List<PendingReport> pending() {
        return lock.locked("list the pending usage reports in " + pending.dir(), NOTHING_LOST, reports::readPending);
    }

    // ---------------------------------------------------------------------------------------------
    // Acknowledged and refused reports

    @Override
    public boolean acknowledge(DeliveredReport delivered) {
        String id = delivered.reportId();
        delivered.acknowledgements().forEach(a -> requireId(a.id()));
        if (!isId(id)) {
            return false;
        }
        return lock.locked("record the acknowledgement of usage report " + id + " in " + root,
                "it stays pending, and the next delivery polls for its acknowledgement again", () -> {
                    if (!reports.isPending(id)) {
                        return false;
                    }
                    byte[] json = EntryCodec.write(delivered);
                    writeSealed(reports.deliveredFile(id), true, out -> out.write(json));   // the commit
                    complete("acknowledgement", id, () -> {
                        reports.finishAcknowledge(delivered);
                        reports.forgetOldDeliveriesDaily();
                    });
                    return true;
                });
    }

    @Override
    public boolean keep(Acknowledgement acknowledgement) {
        String id = acknowledgement.id();
        requireId(id);
        return lock.locked("keep acknowledgement " + id + " in " + root.resolve("kept"), "it was not kept", () -> {
            if (kept.has(id) || acks.has(id)) {
                return false;
            }
            kept.keep(acknowledgement);   // the commit
            reports.forgetOldDeliveriesDaily();
            return true;
        });
    }

    @Override
    public boolean refuse(DeadLetter letter, String node) {
        String id = letter.reportId();
        letter.acknowledgements().forEach(a -> requireId(a.id()));
        return lock.locked("move refused usage report " + id + " to " + root.resolve("dead"), "the report stays pending", () -> {
            if (!heldBy(id, node)) {
                return false;
            }
            byte[] json = EntryCodec.write(letter);
            writeSealed(reports.deadFile(id, ReportFiles.LETTER), true, out -> out.write(json));   // the commit
            complete("refusal", id, () -> reports.finishRefuse(id, letter.acknowledgements()));
            return true;
        });
    }

    /**
     * Runs the steps after a commit. Should one fail, the change is made all the same (its commit is
     * durable) and the next operation that reads the id completes it: the failure is logged, not thrown.
     */
    private void complete(String change, String id, Step steps) {
        try {
            steps.run();
        } catch (IOException | RuntimeException e) {
            LOG.warn("The {} of usage report {} is stored in {}, but its last steps failed ({}); the next operation on the store "
                    + "completes them", change, id, root, e.toString());
        }
    }

    @Override
    public List<DeadLetter> dead() {
        return lock.locked("list the dead letters in " + root.resolve("dead"), NOTHING_LOST, () -> {
            List<DeadLetter> out = new ArrayList<>();
            for (String id : reports.deadIds()) {
                reports.stateOf(id).map(ReportState::deadLetter).ifPresent(out::add);
            }
            out.sort(Comparator.comparing(DeadLetter::entry, StoreOrder.REPORTS_OLDEST_FIRST));
            return out;
        });
    }

    @Override
    public boolean retry(String reportId) {
        return isId(reportId) && lock.locked("move dead letter " + reportId + " back to " + pending.dir(), "it stays a dead letter", () -> {
            DeadLetter letter = reports.stateOf(reportId).map(ReportState::deadLetter).orElse(null);
            if (letter == null) {
                return false;
            }
            acks.keepForGood(reportId, letter.acknowledgements());
            // the commit: a dead report without its letter is being retried
            deleteDurably(reports.deadFile(reportId, ReportFiles.LETTER));
            moveDurably(reports.deadFile(reportId, REPORT), pending.reportFile(reportId));
            return true;
        });
    }

    @Override
    public boolean discard(String reportId) {
        String what = "delete dead letter " + reportId + " from " + root.resolve("dead");
        return isId(reportId) && lock.locked(what, "it stays a dead letter", () -> {
            DeadLetter letter = reports.stateOf(reportId).map(ReportState::deadLetter).orElse(null);
            if (letter == null) {
                return false;
            }
            acks.keepForGood(reportId, letter.acknowledgements());
            deleteDurably(reports.deadFile(reportId, REPORT));   // the commit: a letter without its report is being discarded
            deleteDurably(reports.deadFile(reportId, ReportFiles.LETTER));
            return true;
        });
    }

    // ---------------------------------------------------------------------------------------------
    // Counts and acknowledgements not taken

    @Override
    public UsageCounts counts() {
        return lock.locked("count the usage reports in " + root, NOTHING_LOST, () -> {
            reports.settle();
            return new UsageCounts(pending.ids().size(), reports.deadCount(), acks.count() + kept.count());
        });
    }

    @Override
    public List<Acknowledgement> acknowledgements() {
        return lock.locked("list the acknowledgements in " + root, NOTHING_LOST, () -> {
            reports.settle();
            List<Acknowledgement> all = new ArrayList<>(acks.list());
            all.addAll(kept.list());
            all.sort(StoreOrder.ACKS_OLDEST_FIRST);
            return all;
        });
    }

    @Override
    public boolean take(String acknowledgementId) {
        return isId(acknowledgementId) && lock.locked("mark acknowledgement " + acknowledgementId + " as taken in " + root,
                "it is still listed", () -> {
                    reports.settle();
                    return acks.take(acknowledgementId) || kept.take(acknowledgementId);
                });
    }

    // ---------------------------------------------------------------------------------------------
    // Snapshots and outcome

    @Override
    public void saveSnapshot(LicenseSnapshot snapshot) {
        state.saveSnapshot(snapshot);
    }

    @Override
    public Optional<LicenseSnapshot> loadSnapshot(String account) {
        return state.loadSnapshot(account);
    }

    @Override
    public void saveOutcome(SyncOutcome outcome) {
        state.saveOutcome(outcome);
    }

    @Override
    public Optional<SyncOutcome> lastOutcome() {
        return state.lastOutcome();
    }

    /** Whether an id is pending and claimed by {@code node} (expired or not), without reading its report. */
    private boolean heldBy(String id, String node) throws IOException {
        if (!isId(id) || !reports.isPending(id)) {
            return false;
        }
        Claim claim = pending.readClaim(id);
        return claim != null && node.equals(claim.owner());
    }

    private static boolean isId(String id) {
        return id != null && UsageReport.ID.matcher(id).matches();
    }

    private static void requireId(String ackId) {
        if (!isId(ackId)) {
            throw new IllegalArgumentException("an acknowledgement id must be 1 to 128 of A-Z a-z 0-9 . _ -, starting with a letter "
                    + "or digit: " + ackId);
        }
    }

    /** Undoes the first step of a change whose second step failed, then throws that failure. */
    private static void undo(IOException failure, Step undo) throws IOException {
        try {
            undo.run();
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
        throw failure;
    }

    // ---------------------------------------------------------------------------------------------
    // Opening and retention

    /** Deletes the temporary files a crash left: their rename never happened, so they hold nothing. */
    private static void deleteTemporaryFiles(List<Path> dirs) throws IOException {
        for (Path dir : dirs) {
            try (Stream<Path> all = Files.list(dir)) {
                for (Path f : (Iterable<Path>) all.filter(f -> DurableFiles.isTemporary(f.getFileName().toString()))::iterator) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    @Override
    public String toString() {
        return "FileSyncStore{" + root + "}";
    }
}
