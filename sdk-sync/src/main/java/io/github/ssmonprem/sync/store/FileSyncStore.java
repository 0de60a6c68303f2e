package io.github.ssmonprem.sync.store;

import static io.github.ssmonprem.sync.internal.DurableFiles.deleteDurably;
import static io.github.ssmonprem.sync.internal.DurableFiles.files;
import static io.github.ssmonprem.sync.internal.DurableFiles.fsyncDirectory;
import static io.github.ssmonprem.sync.internal.DurableFiles.unseal;
import static io.github.ssmonprem.sync.internal.DurableFiles.writeAtomically;
import static io.github.ssmonprem.sync.internal.DurableFiles.writeSealed;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.ssmonprem.core.http.SsmJson;
import io.github.ssmonprem.core.internal.Redactor;
import io.github.ssmonprem.sync.internal.DurableFiles;
import io.github.ssmonprem.sync.internal.LegacySlotFormat;
import io.github.ssmonprem.sync.internal.OwnerOnly;
import io.github.ssmonprem.sync.internal.ReportFileFormat;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.FileLockInterruptionException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.hc.core5.net.PercentCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SyncStore} on the file system, under one state directory:
 *
 * <pre>
 * STATE_DIR/.lock                 locked (FileChannel lock) by every operation on reports, across processes; 0600
 * STATE_DIR/pending/ID.report     a pending report, when it was stored and the claim it was added with; never changed
 * STATE_DIR/pending/ID.state      its delivery state (poll id, attempts, last error), once it has one
 * STATE_DIR/pending/ID.claim      who claims it for delivery, until when (or no one), once that changed
 * STATE_DIR/dead/ID.entry         a dead letter: the report, its delivery state and the server's answer
 * STATE_DIR/delivered/ID          an acknowledged report (its report file, moved), dated when; kept 30 days
 * STATE_DIR/quarantine/NAME       files that could not be read, each with NAME.reason
 * STATE_DIR/snapshots/ACCOUNT.json the last license snapshot of each smart account
 * STATE_DIR/last-sync.json        the last sync's outcome
 * </pre>
 *
 * <p><b>Writing.</b> A file is written to a temporary file beside it, forced, renamed over its name,
 * and the directory forced: a crash leaves the old content or the new, never a mix. Report, state,
 * claim and dead-letter files start with the line {@code ssm-entry crc32c=XXXXXXXX}, the CRC-32C of the JSON
 * that follows; one that fails it or cannot be parsed (a damaged disk) is moved to
 * {@code quarantine/} and listed by {@link #quarantined()}, never dropped. A report file holds the
 * report as compact JSON (each entitlement tag and usage period once, each record as three numbers:
 * 160 KB for 10,000 records where the request body takes 1.1 MB).
 *
 * <p><b>What each change forces, and why that is enough.</b>
 * <ul>
 *   <li>{@link #addPending}: the report file, as above, before it returns, so before any byte of the
 *       report is sent; with the claim of the node that adds it, when it does so claimed. The report
 *       id in it is the nonce of every submission, so a report sent again after a crash is counted
 *       once.</li>
 *   <li>{@link #updatePending}: only the small state file, as above; the report file is never
 *       rewritten. A damaged state file is quarantined and the report stays pending without a poll
 *       id: it is submitted again with its nonce.</li>
 *   <li>{@link #claimPending}, {@link #claim} (and the claim an update carries): the claim file,
 *       replaced atomically (temporary file, rename) but not forced; it replaces the claim the report
 *       was added with. A claim keeps the live processes sharing the directory apart, and every one
 *       of them sees it at once; a crash of the host, the only thing that can lose it, ends every
 *       process that could hold one. A damaged claim file is deleted.</li>
 *   <li>{@link #markDelivered}: dates the report file (its modification time) and moves it to
 *       {@code delivered/ID}, then deletes the state and claim files, and forces <em>nothing</em>:
 *       the report is acknowledged already, so what a crash of the host can undo here is only the
 *       store's memory of that. A host crash leaves the report pending (it is sent again with its
 *       nonce, which the server answers with the same poll id and counts once) or delivered; state
 *       and claim files left without their report are deleted on opening. A crash of the process
 *       alone loses nothing: the changes are in the file system when the method returns.</li>
 *   <li>{@link #moveToDead}: writes the dead letter as above, then deletes the pending files without
 *       forcing: dead beats pending on sight.</li>
 *   <li>{@link #retryDead}: writes the report file as above, then deletes the dead letter and forces
 *       the directory, since until then a dead letter beats its pending copy (a retry not finished).
 *       {@link #discardDead} and {@link #discardQuarantined} force their deletion.</li>
 * </ul>
 * So a crash at any point leaves every report in one state at least, and reading resolves two to the
 * later one: no pending report is lost, and none is delivered twice by the store's doing.
 *
 * <p><b>Sharing.</b> Thread-safe, and safe for several processes sharing the directory (the command
 * line and an application): every operation on reports holds a lock on {@code .lock} and, within the
 * process, a lock per directory. Claims ({@link #claimPending}) use this store's clock.
 *
 * <p><b>Opening</b> migrates what earlier versions wrote: pending reports in {@code pending/NNNNNN.slot}
 * files (the slot format) or {@code pending/ID.entry} files (a checksum line and the JSON of a
 * {@link PendingReport}) become report and state files, and the old file is deleted once they are
 * written; an unreadable one is quarantined. It also deletes the temporary files and stale pending
 * files a crash left, and delivered reports older than {@link SyncStore#DELIVERED_RETENTION} (as
 * {@link #markDelivered} does once a day). Delivered reports take the room of their report files
 * for those 30 days: 160 KB for a report of 10,000 records.
 */
public final class FileSyncStore implements SyncStore {

    private static final Logger LOG = LoggerFactory.getLogger(FileSyncStore.class);
    /** Report ids name files and go into the Idempotency-Key header: a nonce, not arbitrary text. */
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final String REPORT = ".report";
    private static final String STATE = ".state";
    private static final String CLAIM = ".claim";
    private static final String ENTRY = ".entry";
    private static final ConcurrentHashMap<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

    private static final String NOTHING_SENT = "nothing was sent and no pending report was lost";
    private static final String PREVIOUS_KEPT = "the previous one is kept";

    private final Path root;
    private final Path pendingDir;
    private final Path deadDir;
    private final Path deliveredDir;
    private final Path quarantineDir;
    private final Path snapshotDir;
    private final Path outcomeFile;
    private final Path lockFile;
    private final ReentrantLock processLock;
    private final Clock clock;
    private final ObjectMapper mapper = SsmJson.mapper();

    /** The content of a state file: a pending report's delivery state. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record DeliveryState(@JsonProperty("pollId") String pollId, @JsonProperty("attempts") int attempts,
            @JsonProperty("lastError") String lastError) {
    }

    /** The content of a claim file. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Claim(@JsonProperty("owner") String owner, @JsonProperty("until") Instant until) {
    }


    /** When to forget delivered ids past their retention next. */
    private volatile Instant nextForget = Instant.MIN;

    /** Parses the JSON of a file. */
    @FunctionalInterface
    private interface Parser<T> {
        T parse(byte[] json) throws IOException;
    }

    /**
     * Opens (and creates when missing) a state directory, on the system clock.
     *
     * @param stateDirectory the directory
     * @throws SyncStoreException when it cannot be created or its old-format reports cannot be migrated
     */
    public FileSyncStore(Path stateDirectory) {
        this(stateDirectory, Clock.systemUTC());
    }

    /**
     * Opens (and creates when missing) a state directory, with a clock for claims and for the
     * retention of delivered ids.
     *
     * @param stateDirectory the directory
     * @param clock the store's clock
     * @throws SyncStoreException when it cannot be created or its old-format reports cannot be migrated
     */
    public FileSyncStore(Path stateDirectory, Clock clock) {
        this.root = stateDirectory.toAbsolutePath().normalize();
        this.pendingDir = root.resolve("pending");
        this.deadDir = root.resolve("dead");
        this.deliveredDir = root.resolve("delivered");
        this.quarantineDir = root.resolve("quarantine");
        this.snapshotDir = root.resolve("snapshots");
        this.outcomeFile = root.resolve("last-sync.json");
        this.lockFile = root.resolve(".lock");
        this.clock = clock;
        this.processLock = LOCKS.computeIfAbsent(root, k -> new ReentrantLock());
        try {
            if (!Files.isDirectory(root)) {
                OwnerOnly.directory(root);   // a directory the store creates is its own; one given existing is left as it is
            }
            for (Path dir : List.of(pendingDir, deadDir, deliveredDir, quarantineDir, snapshotDir)) {
                OwnerOnly.directory(dir);
            }
            OwnerOnly.file(lockFile);
        } catch (IOException e) {
            throw failure("cannot create the state directory " + root, NOTHING_SENT, e);
        }
        locked("open the state directory " + root, NOTHING_SENT, () -> {
            migrate();
            deleteLeftovers();
            forgetOldDeliveries();
            return null;
        });
    }

    /**
     * The state directory.
     *
     * @return its absolute path
     */
    public Path directory() {
        return root;
    }

    // ---------------------------------------------------------------------------------------------
    // Pending reports

    @Override
    public Optional<ReportState> addPending(PendingReport report) {
        return add(report, null, null);
    }

    @Override
    public Optional<ReportState> addPending(PendingReport report, String owner, Duration lease) {
        return add(report, owner, lease);
    }

    /** Adds a report unless its id is known, claimed by {@code owner} for {@code lease} when there is an owner. */
    private Optional<ReportState> add(PendingReport report, String owner, Duration lease) {
        String id = checkedId(report.reportId());
        return locked("store usage report " + id + " durably in " + pendingDir, NOTHING_SENT, () -> {
            Optional<ReportState> existing = stateOf(id);
            if (existing.isEmpty()) {
                writePending(report.withClaim(owner, owner == null ? null : clock.instant().plus(lease)));
            }
            return existing;
        });
    }

    @Override
    public Optional<ReportState> state(String reportId) {
        if (!SAFE_ID.matcher(reportId).matches()) {
            return Optional.empty();
        }
        return locked("read the state of usage report " + reportId, NOTHING_SENT, () -> stateOf(reportId));
    }

    @Override
    public List<PendingReport> pendingReports() {
        return locked("list the pending usage reports in " + pendingDir, NOTHING_SENT, this::readPending);
    }

    /**
     * Counts the pending report files without reading them (for gauges): a damaged one counts until a
     * read quarantines it.
     *
     * @return the count, or -1 when the directory cannot be read
     */
    @Override
    public int pendingCount() {
        try {
            return locked("count the pending usage reports in " + pendingDir, NOTHING_SENT, () -> {
                int count = 0;
                for (String id : ids(pendingDir, REPORT)) {
                    count += isPending(id) ? 1 : 0;
                }
                return count;
            });
        } catch (SyncStoreException e) {
            return -1;
        }
    }

    @Override
    public boolean updatePending(PendingReport report) {
        return update(report, null);
    }

    @Override
    public boolean updatePending(PendingReport report, String owner) {
        return update(report, Objects.requireNonNull(owner, "owner"));
    }

    /** Updates a pending report's state and claim files; only while {@code owner} holds its claim, when there is an owner. */
    private boolean update(PendingReport report, String owner) {
        String id = checkedId(report.reportId());
        return locked("store the delivery state of usage report " + id + " in " + pendingDir,
                "the report stays pending with its previous delivery state", () -> {
                    if (!isPending(id) || owner != null && !owner.equals(claimOwner(id))) {
                        return false;
                    }
                    writeState(report);
                    writeClaim(report);
                    return true;
                });
    }

    @Override
    public List<PendingReport> claimPending(String owner, int max, Duration lease) {
        return locked("claim pending usage reports in " + pendingDir, "no report was claimed", () -> {
            Instant now = clock.instant();
            List<PendingReport> claimed = new ArrayList<>();
            for (PendingReport entry : readPending()) {
                if (claimed.size() >= max) {
                    break;
                }
                if (entry.claimableBy(owner, now)) {
                    PendingReport mine = entry.withClaim(owner, now.plus(lease));
                    writeClaim(mine);
                    claimed.add(mine);
                }
            }
            return claimed;
        });
    }

    @Override
    public Optional<PendingReport> claim(String reportId, String owner, Duration lease) {
        String id = checkedId(reportId);
        return locked("claim usage report " + id + " in " + pendingDir, "it was not claimed", () -> {
            Instant now = clock.instant();
            PendingReport entry = isPending(id) ? readPendingFiles(id) : null;
            if (entry == null || !entry.claimableBy(owner, now)) {
                return Optional.<PendingReport>empty();
            }
            PendingReport mine = entry.withClaim(owner, now.plus(lease));
            writeClaim(mine);
            return Optional.of(mine);
        });
    }

    @Override
    public boolean markDelivered(String reportId) {
        String id = checkedId(reportId);
        return locked("record the acknowledgement of usage report " + id + " in " + root,
                "the acknowledged report stays pending and is sent again with its nonce, which the server counts once", () -> {
                    if (!isPending(id)) {
                        return false;
                    }
                    // The report file becomes the delivered marker: its modification time says when.
                    Files.setLastModifiedTime(reportFile(id), FileTime.from(clock.instant()));
                    Files.move(reportFile(id), deliveredDir.resolve(id), StandardCopyOption.ATOMIC_MOVE);
                    deletePendingFiles(id);
                    forgetOldDeliveriesDaily();
                    return true;
                });
    }

    @Override
    public boolean moveToDead(DeadLetter letter) {
        String id = checkedId(letter.reportId());
        return locked("move refused usage report " + id + " to " + deadDir, "the report stays pending", () -> {
            if (!isPending(id)) {
                return false;
            }
            writeSealed(deadFile(id), true, out -> out.write(mapper.writeValueAsBytes(letter)));
            deletePendingFiles(id);
            return true;
        });
    }

    // ---------------------------------------------------------------------------------------------
    // Dead letters and quarantine

    @Override
    public List<DeadLetter> deadLetters() {
        return locked("list the dead letters in " + deadDir, NOTHING_SENT, () -> {
            List<DeadLetter> out = new ArrayList<>();
            for (String id : ids(deadDir, ENTRY)) {
                DeadLetter letter = readDead(id);
                if (letter != null) {
                    out.add(letter);
                }
            }
            out.sort(Comparator.comparing(DeadLetter::entry, InMemorySyncStore.OLDEST_FIRST));
            return out;
        });
    }

    @Override
    public boolean retryDead(String reportId) {
        String id = checkedId(reportId);
        return locked("move dead letter " + id + " back to " + pendingDir, "it stays a dead letter", () -> {
            DeadLetter letter = readDead(id);
            if (letter == null) {
                return false;
            }
            deletePendingFiles(id);
            writePending(PendingReport.of(letter.entry().report(), letter.entry().storedAt()));
            deleteDurably(deadFile(id));
            return true;
        });
    }

    @Override
    public boolean discardDead(String reportId) {
        String id = checkedId(reportId);
        return locked("delete dead letter " + id + " from " + deadDir, "it stays a dead letter",
                () -> deleteDurably(deadFile(id)));
    }

    @Override
    public List<QuarantinedEntry> quarantined() {
        return locked("list " + quarantineDir, NOTHING_SENT, () -> {
            List<QuarantinedEntry> out = new ArrayList<>();
            for (Path file : files(quarantineDir, name -> !name.endsWith(".reason"))) {
                String name = file.getFileName().toString();
                Path reasonFile = quarantineDir.resolve(name + ".reason");
                String reason = Files.exists(reasonFile) ? Files.readString(reasonFile).strip() : "unreadable";
                out.add(new QuarantinedEntry(name, "entry " + name + " could not be read (" + reason + ") and was moved to " + file,
                        Files.getLastModifiedTime(file).toInstant()));
            }
            out.sort(Comparator.comparing(QuarantinedEntry::quarantinedAt).thenComparing(QuarantinedEntry::id));
            return out;
        });
    }

    @Override
    public boolean discardQuarantined(String id) {
        if (!SAFE_ID.matcher(id).matches() || id.endsWith(".reason")) {
            return false;
        }
        return locked("delete quarantined entry " + id, "it stays quarantined", () -> {
            boolean deleted = Files.deleteIfExists(quarantineDir.resolve(id));
            Files.deleteIfExists(quarantineDir.resolve(id + ".reason"));
            fsyncDirectory(quarantineDir);
            return deleted;
        });
    }

    // ---------------------------------------------------------------------------------------------
    // Snapshots and outcome: plain JSON files, replaced atomically; an unreadable one reads as none.

    @Override
    public void saveSnapshot(LicenseSnapshot snapshot) {
        try {
            writeAtomically(snapshotFile(snapshot.account()), mapper.writeValueAsBytes(snapshot));
        } catch (IOException e) {
            throw failure("cannot store the license snapshot of " + snapshot.account() + " in " + snapshotDir, PREVIOUS_KEPT, e);
        }
    }

    @Override
    public Optional<LicenseSnapshot> loadSnapshot(String account) {
        return readJson(snapshotFile(account), LicenseSnapshot.class, "the next pull replaces it");
    }

    private Path snapshotFile(String account) {
        return snapshotDir.resolve(PercentCodec.RFC3986.encode(account.toLowerCase(Locale.ROOT)) + ".json");
    }

    @Override
    public void saveOutcome(SyncOutcome outcome) {
        try {
            writeAtomically(outcomeFile, mapper.writeValueAsBytes(outcome));
        } catch (IOException e) {
            throw failure("cannot store the sync outcome in " + outcomeFile, PREVIOUS_KEPT, e);
        }
    }

    @Override
    public Optional<SyncOutcome> lastOutcome() {
        return readJson(outcomeFile, SyncOutcome.class, "the next sync replaces it");
    }

    private <T> Optional<T> readJson(Path file, Class<T> type, String consequence) {
        try {
            byte[] content = readIfExists(file);
            return content == null ? Optional.empty() : Optional.of(mapper.readValue(content, type));
        } catch (IOException | RuntimeException e) {
            LOG.warn("{} cannot be read ({}); {}", file, e.getClass().getSimpleName(), consequence);
            return Optional.empty();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Reports: where an id stands

    /** The id's state, resolving files left by a move cut short in favour of the later state. */
    private Optional<ReportState> stateOf(String id) throws IOException {
        DeadLetter letter = readDead(id);
        if (letter != null) {
            deletePendingFiles(id);
            return Optional.of(ReportState.dead(letter));
        }
        Instant deliveredAt = deliveredAt(id);
        if (deliveredAt != null) {
            deletePendingFiles(id);
            return Optional.of(ReportState.delivered(id, deliveredAt));
        }
        PendingReport pending = readPendingFiles(id);
        return pending == null ? Optional.empty() : Optional.of(ReportState.pending(pending));
    }

    /** Whether an id is pending, without reading its report when no other state claims it. */
    private boolean isPending(String id) throws IOException {
        if (Files.exists(deadFile(id)) || Files.exists(deliveredDir.resolve(id))) {
            return stateOf(id).map(s -> s.status() == ReportState.Status.PENDING).orElse(false);
        }
        return Files.exists(reportFile(id));
    }

    private List<PendingReport> readPending() throws IOException {
        List<PendingReport> out = new ArrayList<>();
        for (String id : ids(pendingDir, REPORT)) {
            stateOf(id).filter(s -> s.status() == ReportState.Status.PENDING).ifPresent(s -> out.add(s.pending()));
        }
        out.sort(InMemorySyncStore.OLDEST_FIRST);
        return out;
    }

    /** A pending report with its delivery state, or null when there is none or its report file is unreadable. */
    private PendingReport readPendingFiles(String id) throws IOException {
        PendingReport body = readSealed(reportFile(id), json -> {
            PendingReport decoded = ReportFileFormat.decode(json);
            requireId(id, decoded.reportId());
            return decoded;
        });
        if (body == null) {
            deletePendingFiles(id);   // no report left to deliver (none, or now quarantined)
            return null;
        }
        DeliveryState s = readSealed(stateFile(id), json -> mapper.readValue(json, DeliveryState.class));
        Claim c = readClaim(id);
        return new PendingReport(body.report(), body.storedAt(), s == null ? null : s.pollId(), s == null ? 0 : s.attempts(),
                s == null ? null : s.lastError(), c == null ? body.claimOwner() : c.owner(), c == null ? body.claimedUntil() : c.until());
    }

    /** Who holds a pending report's claim: its claim file's owner, else the owner it was added claimed by; null for none. */
    private String claimOwner(String id) throws IOException {
        Claim c = readClaim(id);
        if (c != null) {
            return c.owner();
        }
        PendingReport added = readPendingFiles(id);
        return added == null ? null : added.claimOwner();
    }

    /**
     * A report's claim file, or null when it has none (the claim it was added with holds). A damaged
     * claim file is deleted, not quarantined: it holds no usage and no delivery state, and the crash
     * that tore it ended its holder's lease.
     */
    private Claim readClaim(String id) throws IOException {
        Path file = claimFile(id);
        try {
            byte[] content = readIfExists(file);
            return content == null ? null : mapper.readValue(unseal(content), Claim.class);
        } catch (IOException | RuntimeException damaged) {
            Files.deleteIfExists(file);
            return null;
        }
    }

    private DeadLetter readDead(String id) throws IOException {
        return readSealed(deadFile(id), json -> {
            DeadLetter letter = mapper.readValue(json, DeadLetter.class);
            requireId(id, letter.reportId());
            return letter;
        });
    }

    private static void requireId(String id, String stored) throws IOException {
        if (!id.equals(stored)) {
            throw new IOException("it holds report " + stored);
        }
    }

    /** When a report was acknowledged: its marker's modification time; null when it is not delivered. */
    private Instant deliveredAt(String id) throws IOException {
        Path file = deliveredDir.resolve(id);
        try {
            return Files.exists(file) ? Files.getLastModifiedTime(file).toInstant() : null;
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /**
     * Writes a report file, with the claim the entry carries, and a state file when it has a delivery
     * state (only when migrating).
     */
    private void writePending(PendingReport entry) throws IOException {
        String id = entry.reportId();
        writeSealed(reportFile(id), true, out -> ReportFileFormat.encode(entry, out));
        if (entry.pollId() != null || entry.attempts() != 0 || entry.lastError() != null) {
            try {
                writeState(entry);
            } catch (IOException e) {
                deletePendingFiles(id);
                fsyncDirectory(pendingDir);   // not added, durably: the caller is told so
                throw e;
            }
        }
    }

    private void writeState(PendingReport entry) throws IOException {
        DeliveryState state = new DeliveryState(entry.pollId(), entry.attempts(), entry.lastError());
        writeSealed(stateFile(entry.reportId()), true, out -> out.write(mapper.writeValueAsBytes(state)));
    }

    /**
     * Writes a report's claim file, not forced (see the class description for why that is safe); one
     * without an owner releases the claim the report was added with.
     */
    private void writeClaim(PendingReport entry) throws IOException {
        boolean claimed = entry.claimOwner() != null && entry.claimedUntil() != null;
        Claim claim = new Claim(claimed ? entry.claimOwner() : null, claimed ? entry.claimedUntil() : null);
        writeSealed(claimFile(entry.reportId()), false, out -> out.write(mapper.writeValueAsBytes(claim)));
    }

    /** Deletes a report's pending files, not forced: see the class description for why that is safe. */
    private void deletePendingFiles(String id) throws IOException {
        Files.deleteIfExists(claimFile(id));
        Files.deleteIfExists(stateFile(id));
        Files.deleteIfExists(reportFile(id));
    }

    private Path reportFile(String id) {
        return pendingDir.resolve(id + REPORT);
    }

    private Path stateFile(String id) {
        return pendingDir.resolve(id + STATE);
    }

    private Path claimFile(String id) {
        return pendingDir.resolve(id + CLAIM);
    }

    private Path deadFile(String id) {
        return deadDir.resolve(id + ENTRY);
    }

    private static String checkedId(String id) {
        if (id == null || !SAFE_ID.matcher(id).matches()) {
            throw new IllegalArgumentException("report id must be 1 to 128 of the characters A-Z a-z 0-9 . _ -, starting with a letter or digit: " + id);
        }
        return id;
    }

    /** The ids of the files of a directory whose names end with a suffix. */
    private static List<String> ids(Path dir, String suffix) throws IOException {
        List<String> ids = new ArrayList<>();
        for (Path f : files(dir, name -> name.endsWith(suffix))) {
            String name = f.getFileName().toString();
            ids.add(name.substring(0, name.length() - suffix.length()));
        }
        return ids;
    }

    // ---------------------------------------------------------------------------------------------
    // Reading checked files, and quarantine

    /**
     * A file's content checked and parsed; null when there is no such file, or when it is damaged, in
     * which case it is now quarantined.
     */
    private <T> T readSealed(Path file, Parser<T> parser) throws IOException {
        byte[] content = readIfExists(file);
        if (content == null) {
            return null;
        }
        try {
            return parser.parse(unseal(content));
        } catch (IOException | RuntimeException e) {
            quarantine(file, e);
            return null;
        }
    }

    /**
     * A file's content, or null when there is no such file. Most files asked for do not exist (a new
     * report's dead letter, marker and state): checking first spares an exception each.
     */
    private static byte[] readIfExists(Path file) throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private void quarantine(Path file, Exception why) throws IOException {
        String reason = why.getClass().getSimpleName() + ": " + Redactor.snippet(String.valueOf(why.getMessage()), 300);
        String name = file.getParent().getFileName() + "-" + file.getFileName() + "." + clock.millis();
        Files.move(file, quarantineDir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        writeAtomically(quarantineDir.resolve(name + ".reason"), (reason + System.lineSeparator()).getBytes(StandardCharsets.UTF_8));
        fsyncDirectory(file.getParent());
        LOG.warn("Quarantined {} as {}: it could not be read ({}). Inspect it, resubmit the usage it held if it was genuine, "
                + "then discard it.", file, quarantineDir.resolve(name), reason);
    }

    // ---------------------------------------------------------------------------------------------
    // Opening

    /** Moves the reports of slot files and entry files into report files; an old file is deleted only once its report is stored. */
    private void migrate() throws IOException {
        for (Path old : files(pendingDir, name -> name.endsWith(".slot") || name.endsWith(ENTRY))) {
            PendingReport entry;
            if (old.toString().endsWith(ENTRY)) {
                entry = readSealed(old, json -> mapper.readValue(json, PendingReport.class));
                if (entry == null) {
                    continue;   // quarantined
                }
            } else {
                try {
                    entry = LegacySlotFormat.read(old);
                } catch (IOException | RuntimeException e) {
                    quarantine(old, e);
                    continue;
                }
            }
            if (entry != null && !SAFE_ID.matcher(entry.reportId()).matches()) {
                quarantine(old, new IOException("its report id is not a safe file name"));
                continue;
            }
            // Pending already: an earlier migration was cut short, perhaps before the state file was written.
            if (entry != null && stateOf(entry.reportId()).map(st -> st.status() == ReportState.Status.PENDING).orElse(true)) {
                writePending(entry);
                LOG.info("Migrated pending usage report {} from {}", entry.reportId(), old);
            }
            deleteDurably(old);
        }
        Files.deleteIfExists(pendingDir.resolve(".lock"));
    }

    /**
     * Deletes what a crash can leave: temporary files (their rename never happened, so they hold
     * nothing), pending files beside a dead letter or a delivered id (a move cut short), and state
     * files without a report.
     */
    private void deleteLeftovers() throws IOException {
        for (Path dir : List.of(pendingDir, deadDir, deliveredDir, quarantineDir, snapshotDir, root)) {
            try (Stream<Path> all = Files.list(dir)) {
                // Only the store's own temporary files (".NAME.RANDOM.tmp", DurableFiles): a report id may end in .tmp too.
                for (Path f : (Iterable<Path>) all.filter(f -> DurableFiles.isTemporary(f.getFileName().toString()))::iterator) {
                    Files.deleteIfExists(f);
                }
            }
        }
        for (String id : ids(pendingDir, REPORT)) {
            if (Files.exists(deadFile(id)) || Files.exists(deliveredDir.resolve(id))) {
                stateOf(id);
            }
        }
        for (String suffix : List.of(STATE, CLAIM)) {
            for (String id : ids(pendingDir, suffix)) {
                if (!Files.exists(reportFile(id))) {
                    Files.deleteIfExists(pendingDir.resolve(id + suffix));
                }
            }
        }
    }

    /** Forgets old deliveries once a day as well as on opening, for an application that runs for months. */
    private void forgetOldDeliveriesDaily() throws IOException {
        if (clock.instant().isAfter(nextForget)) {
            forgetOldDeliveries();
        }
    }

    private void forgetOldDeliveries() throws IOException {
        nextForget = clock.instant().plus(Duration.ofDays(1));
        Instant horizon = clock.instant().minus(DELIVERED_RETENTION);
        for (Path f : files(deliveredDir, name -> true)) {
            Instant at = deliveredAt(f.getFileName().toString());
            if (at != null && at.isBefore(horizon)) {
                Files.deleteIfExists(f);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Locking and failures

    /** An operation on the store's files. */
    @FunctionalInterface
    private interface Action<T> {
        T run() throws IOException;
    }

    /** Runs an action holding the process lock and the lock file, turning I/O failures into SyncStoreException. */
    private <T> T locked(String what, String consequence, Action<T> action) {
        processLock.lock();
        try (FileChannel channel = OwnerOnly.openForWriting(lockFile);
                FileLock lock = channel.lock()) {
            return action.run();
        } catch (IOException e) {
            throw failure("cannot " + what, consequence, e);
        } finally {
            processLock.unlock();
        }
    }

    /** A typed failure: what failed, and a remediation in the operator's terms ending with what the failure left. */
    private SyncStoreException failure(String what, String consequence, IOException e) {
        String reason = e instanceof FileSystemException && ((FileSystemException) e).getReason() != null
                ? ((FileSystemException) e).getReason() : e.getClass().getSimpleName();
        String lower = String.valueOf(reason).toLowerCase(Locale.ROOT) + " " + String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        String remediation;
        if ((e instanceof ClosedChannelException || e instanceof FileLockInterruptionException)
                && Thread.currentThread().isInterrupted()) {
            remediation = "The thread was interrupted (the application is stopping it) while it used " + root + "; "
                    + consequence + ". Call again from a thread that is not interrupted.";
        } else if (lower.contains("no space")) {
            remediation = "The disk holding " + root + " is full: free space there; " + consequence + ".";
        } else if (lower.contains("read-only") || lower.contains("not permitted") || e instanceof AccessDeniedException
                || lower.contains("permission denied")) {
            remediation = "Make " + root + " writable by this process (its permissions, its mount, its attributes), "
                    + "or configure another state directory; " + consequence + ".";
        } else {
            remediation = "Check that " + root + " exists, is a directory on a local disk, and is writable by this process; "
                    + consequence + ".";
        }
        return new SyncStoreException(what + ": " + reason + ".", remediation, e);
    }

    @Override
    public String toString() {
        return "FileSyncStore{" + root + "}";
    }
}
