package io.github.ssmonprem.sync.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.ssmonprem.core.http.SsmJson;
import io.github.ssmonprem.core.internal.Redactor;
import io.github.ssmonprem.sync.internal.LegacySlotFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.apache.hc.core5.net.PercentCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SyncStore} on the file system, under one state directory:
 *
 * <pre>
 * STATE_DIR/.lock                     locked (FileChannel lock) by every operation, across processes
 * STATE_DIR/pending/ID.entry          one file per pending report: a checksum line, then JSON
 * STATE_DIR/dead/ID.entry             one file per dead letter, in the same form
 * STATE_DIR/delivered/ID              one empty file per delivered report id, kept 30 days
 * STATE_DIR/quarantine/NAME           entries that could not be read, each with NAME.reason
 * STATE_DIR/snapshots/ACCOUNT.json    the last license snapshot of each smart account
 * STATE_DIR/last-sync.json            the last sync's outcome
 * </pre>
 *
 * <p>Every file is written the same way: to a temporary file in the same directory, forced to disk,
 * renamed atomically over its name, and the directory forced; so a crash leaves the old file or the
 * new one, never a mix, and a method that returned has made its change durable. An entry file starts
 * with the line {@code ssm-entry crc32c=XXXXXXXX} (the CRC-32C of the JSON that follows); an entry
 * that fails it or cannot be parsed (a damaged disk) is moved to {@code quarantine/} and listed by
 * {@link #quarantined()}, never silently dropped.
 *
 * <p>A move between states writes the new file before deleting the old one, so a crash in between
 * leaves the report in both; such a pair is resolved on sight in favour of the later state (dead or
 * delivered beats pending, dead beats a retry not finished), so no report is ever lost and none is
 * delivered twice by the store's doing.
 *
 * <p>Thread-safe, and safe for several processes sharing the directory: every operation holds a lock
 * on {@code .lock} (and, within the process, a lock per directory). Claims
 * ({@link #claimPending}) are stored in the entry files and use this store's clock.
 *
 * <p>Opening a directory written by earlier versions (pending reports in {@code pending/NNNNNN.slot}
 * files) migrates each slot's report to an entry file, then deletes the slot; an unreadable slot is
 * quarantined. Delivered ids older than {@link SyncStore#DELIVERED_RETENTION} are deleted when the
 * store opens.
 */
public final class FileSyncStore implements SyncStore {

    private static final Logger LOG = LoggerFactory.getLogger(FileSyncStore.class);
    /** Report ids name files and go into the Idempotency-Key header: a nonce, not arbitrary text. */
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final String ENTRY = ".entry";
    private static final String CHECKSUM_PREFIX = "ssm-entry crc32c=";
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

    /**
     * The pending entries this store last wrote or read, each with its file's checksum line, so that a
     * delivery-state update or an acknowledgement does not parse a large report again. An entry is used
     * only while its file still starts with that checksum line: a change by another process makes it
     * read again.
     */
    private final ConcurrentHashMap<String, KnownEntry> knownPending = new ConcurrentHashMap<>();

    private record KnownEntry(String checksumLine, PendingReport entry) {
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
            for (Path dir : List.of(pendingDir, deadDir, deliveredDir, quarantineDir, snapshotDir)) {
                Files.createDirectories(dir);
            }
        } catch (IOException e) {
            throw failure("cannot create the state directory " + root, NOTHING_SENT, e);
        }
        locked("open the state directory " + root, NOTHING_SENT, () -> {
            migrateSlots();
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
        String id = checkedId(report.reportId());
        return locked("store usage report " + id + " durably in " + pendingDir, NOTHING_SENT, () -> {
            Optional<ReportState> existing = stateOf(id);
            if (existing.isEmpty()) {
                writeEntry(pendingDir, id, report);
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

    @Override
    public int pendingCount() {
        try {
            return pendingReports().size();
        } catch (SyncStoreException e) {
            return -1;
        }
    }

    @Override
    public boolean updatePending(PendingReport report) {
        String id = checkedId(report.reportId());
        return locked("store the delivery state of usage report " + id + " in " + pendingDir,
                "the report stays pending with its previous delivery state", () -> {
                    PendingReport stored = livePending(id);
                    if (stored == null) {
                        return false;
                    }
                    writeEntry(pendingDir, id, new PendingReport(stored.report(), stored.storedAt(), report.pollId(),
                            report.attempts(), report.lastError(), report.claimOwner(), report.claimedUntil()));
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
                    writeEntry(pendingDir, mine.reportId(), mine);
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
            PendingReport entry = livePending(id);
            if (entry == null || !entry.claimableBy(owner, now)) {
                return Optional.<PendingReport>empty();
            }
            PendingReport mine = entry.withClaim(owner, now.plus(lease));
            writeEntry(pendingDir, id, mine);
            return Optional.of(mine);
        });
    }

    @Override
    public boolean markDelivered(String reportId) {
        String id = checkedId(reportId);
        return locked("record the acknowledgement of usage report " + id + " in " + root,
                "the acknowledged report stays pending and is sent again with its nonce, which the server counts once", () -> {
                    if (livePending(id) == null) {
                        return false;
                    }
                    writeAtomically(deliveredDir.resolve(id), clock.instant().toString().getBytes(StandardCharsets.UTF_8));
                    deletePending(id);
                    return true;
                });
    }

    @Override
    public boolean moveToDead(DeadLetter letter) {
        String id = checkedId(letter.reportId());
        return locked("move refused usage report " + id + " to " + deadDir, "the report stays pending", () -> {
            if (readLive(id) == null) {
                return false;
            }
            writeEntry(deadDir, id, letter);
            deletePending(id);
            return true;
        });
    }

    // ---------------------------------------------------------------------------------------------
    // Dead letters and quarantine

    @Override
    public List<DeadLetter> deadLetters() {
        return locked("list the dead letters in " + deadDir, NOTHING_SENT, () -> {
            List<DeadLetter> out = new ArrayList<>();
            for (String id : ids(deadDir)) {
                DeadLetter letter = readEntry(deadDir, id, DeadLetter.class);
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
            DeadLetter letter = readEntry(deadDir, id, DeadLetter.class);
            if (letter == null) {
                return false;
            }
            PendingReport entry = letter.entry();
            writeEntry(pendingDir, id, new PendingReport(entry.report(), entry.storedAt(), null, 0, null, null, null));
            deleteDurably(entryFile(deadDir, id));
            return true;
        });
    }

    @Override
    public boolean discardDead(String reportId) {
        String id = checkedId(reportId);
        return locked("delete dead letter " + id + " from " + deadDir, "it stays a dead letter",
                () -> deleteDurably(entryFile(deadDir, id)));
    }

    @Override
    public List<QuarantinedEntry> quarantined() {
        return locked("list " + quarantineDir, NOTHING_SENT, () -> {
            List<QuarantinedEntry> out = new ArrayList<>();
            try (Stream<Path> files = Files.list(quarantineDir)) {
                for (Path file : (Iterable<Path>) files.sorted()::iterator) {
                    String name = file.getFileName().toString();
                    if (name.endsWith(".reason") || name.startsWith(".")) {
                        continue;
                    }
                    Path reasonFile = quarantineDir.resolve(name + ".reason");
                    String reason = Files.exists(reasonFile) ? Files.readString(reasonFile).strip() : "unreadable";
                    out.add(new QuarantinedEntry(name, "entry " + name + " could not be read (" + reason + ") and was moved to " + file,
                            Files.getLastModifiedTime(file).toInstant()));
                }
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
    // Snapshots and outcome

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
        Path file = snapshotFile(account);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(mapper.readValue(file.toFile(), LicenseSnapshot.class));
        } catch (IOException | RuntimeException e) {
            LOG.warn("The license snapshot {} cannot be read ({}); the next pull replaces it", file, e.getClass().getSimpleName());
            return Optional.empty();
        }
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
        if (!Files.exists(outcomeFile)) {
            return Optional.empty();
        }
        try {
            return Optional.of(mapper.readValue(outcomeFile.toFile(), SyncOutcome.class));
        } catch (IOException | RuntimeException e) {
            LOG.warn("The last sync outcome {} cannot be read ({})", outcomeFile, e.getClass().getSimpleName());
            return Optional.empty();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Entries

    /** The id's state, resolving a pair left by a crash in favour of the later state. */
    private Optional<ReportState> stateOf(String id) throws IOException {
        DeadLetter letter = readEntry(deadDir, id, DeadLetter.class);
        if (letter != null) {
            deletePending(id);
            return Optional.of(ReportState.dead(letter));
        }
        Instant deliveredAt = deliveredAt(id);
        if (deliveredAt != null) {
            deletePending(id);
            return Optional.of(ReportState.delivered(id, deliveredAt));
        }
        PendingReport pending = readEntry(pendingDir, id, PendingReport.class);
        return pending == null ? Optional.empty() : Optional.of(ReportState.pending(pending));
    }

    /** The pending entry, or null when the id is not (or no longer) pending. */
    private PendingReport readLive(String id) throws IOException {
        Optional<ReportState> state = stateOf(id);
        return state.isPresent() && state.get().status() == ReportState.Status.PENDING ? state.get().pending() : null;
    }

    private List<PendingReport> readPending() throws IOException {
        List<PendingReport> out = new ArrayList<>();
        for (String id : ids(pendingDir)) {
            Optional<ReportState> state = stateOf(id);
            if (state.isPresent() && state.get().status() == ReportState.Status.PENDING) {
                out.add(state.get().pending());
            }
        }
        out.sort(InMemorySyncStore.OLDEST_FIRST);
        return out;
    }

    private Instant deliveredAt(String id) throws IOException {
        Path file = deliveredDir.resolve(id);
        try {
            return Instant.parse(Files.readString(file).strip());
        } catch (NoSuchFileException e) {
            return null;
        } catch (RuntimeException unreadable) {
            return Files.getLastModifiedTime(file).toInstant();
        }
    }

    private static String checkedId(String id) {
        if (id == null || !SAFE_ID.matcher(id).matches()) {
            throw new IllegalArgumentException("report id must be 1 to 128 of the characters A-Z a-z 0-9 . _ -, starting with a letter or digit: " + id);
        }
        return id;
    }

    private static Path entryFile(Path dir, String id) {
        return dir.resolve(id + ENTRY);
    }

    /** The ids of the entry files in a directory. */
    private static List<String> ids(Path dir) throws IOException {
        List<String> ids = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(ENTRY) && !n.startsWith("."))
                    .forEach(n -> ids.add(n.substring(0, n.length() - ENTRY.length())));
        }
        return ids;
    }

    /**
     * The pending entry of an id that is neither dead nor delivered, for the delivery path: from what
     * this store knows when the file did not change, else read from disk.
     */
    private PendingReport livePending(String id) throws IOException {
        if (Files.exists(entryFile(deadDir, id)) || Files.exists(deliveredDir.resolve(id))) {
            return readLive(id);
        }
        return readPendingEntry(id);
    }

    /** A pending entry, from what this store knows when its file did not change, else read from disk. */
    private PendingReport readPendingEntry(String id) throws IOException {
        String checksumLine = checksumLine(entryFile(pendingDir, id));
        if (checksumLine == null) {
            knownPending.remove(id);
            return null;
        }
        KnownEntry known = knownPending.get(id);
        if (known != null && known.checksumLine().equals(checksumLine)) {
            return known.entry();
        }
        PendingReport entry = readEntry(pendingDir, id, PendingReport.class);
        if (entry == null) {
            knownPending.remove(id);
        } else {
            knownPending.put(id, new KnownEntry(checksumLine, entry));
        }
        return entry;
    }

    /** The first line of an entry file (its checksum), or null when there is no such file. */
    private static String checksumLine(Path file) throws IOException {
        try (java.io.InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(64);
            int end = indexOf(head, (byte) '\n');
            return new String(head, 0, end < 0 ? head.length : end, StandardCharsets.US_ASCII).strip();
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private boolean deletePending(String id) throws IOException {
        knownPending.remove(id);
        return deleteDurably(entryFile(pendingDir, id));
    }

    private void writeEntry(Path dir, String id, Object value) throws IOException {
        byte[] json = mapper.writeValueAsBytes(value);
        CRC32C crc = new CRC32C();
        crc.update(json);
        byte[] head = String.format(Locale.ROOT, "%s%08x%n", CHECKSUM_PREFIX, crc.getValue()).getBytes(StandardCharsets.US_ASCII);
        byte[] all = Arrays.copyOf(head, head.length + json.length);
        System.arraycopy(json, 0, all, head.length, json.length);
        writeAtomically(entryFile(dir, id), all);
        if (dir.equals(pendingDir)) {
            String checksumLine = new String(head, StandardCharsets.US_ASCII).strip();
            knownPending.put(id, new KnownEntry(checksumLine, (PendingReport) value));
        }
    }

    /** An entry, or null when there is none or it was unreadable (and is now quarantined). */
    private <T> T readEntry(Path dir, String id, Class<T> type) throws IOException {
        Path file = entryFile(dir, id);
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        }
        try {
            int newline = indexOf(all, (byte) '\n');
            String head = new String(all, 0, Math.max(0, newline), StandardCharsets.US_ASCII).strip();
            if (newline < 0 || !head.startsWith(CHECKSUM_PREFIX)) {
                throw new IOException("it has no checksum line");
            }
            byte[] json = Arrays.copyOfRange(all, newline + 1, all.length);
            CRC32C crc = new CRC32C();
            crc.update(json);
            if (crc.getValue() != Long.parseLong(head.substring(CHECKSUM_PREFIX.length()), 16)) {
                throw new IOException("its content does not match its checksum (a damaged disk)");
            }
            T value = mapper.readValue(json, type);
            String storedId = value instanceof DeadLetter ? ((DeadLetter) value).reportId() : ((PendingReport) value).reportId();
            if (!id.equals(storedId)) {
                throw new IOException("it holds report " + storedId);
            }
            return value;
        } catch (IOException | RuntimeException e) {
            quarantine(file, e);
            return null;
        }
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
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

    /** Moves the reports of old-format slots into entry files; a slot is deleted only once its report is stored. */
    private void migrateSlots() throws IOException {
        List<Path> slots;
        try (Stream<Path> files = Files.list(pendingDir)) {
            slots = files.filter(f -> f.getFileName().toString().endsWith(".slot")).sorted().toList();
        }
        for (Path slot : slots) {
            PendingReport entry;
            try {
                entry = LegacySlotFormat.read(slot);
            } catch (IOException | RuntimeException e) {
                quarantine(slot, e);
                continue;
            }
            if (entry != null && SAFE_ID.matcher(entry.reportId()).matches() && stateOf(entry.reportId()).isEmpty()) {
                writeEntry(pendingDir, entry.reportId(), entry);
                LOG.info("Migrated pending usage report {} from {}", entry.reportId(), slot);
            } else if (entry != null && !SAFE_ID.matcher(entry.reportId()).matches()) {
                quarantine(slot, new IOException("its report id is not a safe file name"));
                continue;
            }
            deleteDurably(slot);
        }
        Files.deleteIfExists(pendingDir.resolve(".lock"));
    }

    /** Deletes temporary files left by a crash mid-write: their rename never happened, so they hold nothing. */
    private void deleteLeftovers() throws IOException {
        for (Path dir : List.of(pendingDir, deadDir, deliveredDir, quarantineDir, snapshotDir, root)) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : (Iterable<Path>) files.filter(f -> f.getFileName().toString().endsWith(".tmp"))::iterator) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    private void forgetOldDeliveries() throws IOException {
        Instant horizon = clock.instant().minus(DELIVERED_RETENTION);
        List<Path> files;
        try (Stream<Path> list = Files.list(deliveredDir)) {
            files = list.filter(f -> !f.getFileName().toString().startsWith(".")).toList();
        }
        for (Path f : files) {
            Instant at = deliveredAt(f.getFileName().toString());
            if (at != null && at.isBefore(horizon)) {
                Files.deleteIfExists(f);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Locking and writing

    /** An operation on the store's files. */
    @FunctionalInterface
    private interface Action<T> {
        T run() throws IOException;
    }

    /** Runs an action holding the process lock and the lock file, turning I/O failures into SyncStoreException. */
    private <T> T locked(String what, String consequence, Action<T> action) {
        processLock.lock();
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = channel.lock()) {
            return action.run();
        } catch (IOException e) {
            throw failure("cannot " + what, consequence, e);
        } finally {
            processLock.unlock();
        }
    }

    /** Deletes a file and forces its directory. */
    private static boolean deleteDurably(Path file) throws IOException {
        boolean deleted = Files.deleteIfExists(file);
        if (deleted) {
            fsyncDirectory(file.getParent());
        }
        return deleted;
    }

    /**
     * Writes to a temporary file beside the target, forces it, renames it over the target and forces
     * the directory: readers see the old or the new content, never a mix, and the new one survives a
     * crash once this returns.
     */
    private static void writeAtomically(Path target, byte[] content) throws IOException {
        Path dir = target.getParent();
        Path temp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        boolean moved = false;
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(false);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
            fsyncDirectory(dir);
        } finally {
            if (!moved) {
                Files.deleteIfExists(temp);
            }
        }
    }

    static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some platforms cannot open a directory for syncing; the rename is still atomic there.
            if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win")) {
                throw e;
            }
        }
    }

    /**
     * Takes what failed.
     *
     * @param what what failed
     * @param consequence what the failure left, for the remediation
     * @param e the cause
     */
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
