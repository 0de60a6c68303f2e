package io.github.ssmonprem.sync.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.ssmonprem.core.http.SsmJson;
import io.github.ssmonprem.core.internal.Redactor;
import io.github.ssmonprem.sync.internal.UsageWireFormat;
import io.github.ssmonprem.sync.model.UsageReport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import org.apache.hc.core5.net.PercentCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SyncStore} on the file system, under one state directory:
 *
 * <pre>
 * STATE_DIR/pending/NNNNNN.slot       one slot per usage report waiting for acknowledgement, reused
 *                                     once the report is acknowledged (see below)
 * STATE_DIR/pending/.lock             serialises changes to the slots across threads and processes
 * STATE_DIR/quarantine/               entries that could not be read, with a .reason file each
 * STATE_DIR/snapshots/ACCOUNT.json    the last license snapshot of each smart account
 * STATE_DIR/last-sync.json            the last sync's outcome
 * </pre>
 *
 * <p>A slot holds one report: a header line (report id, accounts, when it was stored, the body's
 * length and CRC-32C) in its first 2 KiB, a delivery-state line (poll id, failed attempts) in the next
 * 2 KiB, and from offset 4096 the exact request body the report is sent as, so it is serialised once
 * for both. A report is written into a free slot and forced to disk ({@code fdatasync}) before the
 * save returns, and so before anything of it is sent. An acknowledged report's slot is marked free
 * and reused by the next report: overwriting blocks the file system has already allocated spares the
 * new inode, block allocation, directory sync and deletion that a file per report costs, and that
 * dominate the cost of storing reports of a megabyte and more. At most four free slots are kept;
 * beyond that an acknowledged report's slot is deleted.
 *
 * <p>The delivery state and the free mark are written in place and not forced: a crash that loses
 * them costs at most one resubmission with the report's original nonce, which the server counts
 * once. A write torn by a crash is caught by the checksum: such a slot (or one damaged on disk) is
 * moved to {@code quarantine/} and reported by {@link #quarantined()}, never silently dropped. Snapshots
 * and outcomes are written to a temporary file, forced, renamed over the target and the directory
 * forced, so a crash leaves the old or the new one, never a mix.
 *
 * <p>Thread-safe. Several stores, in one process or several, may share a state directory: changes
 * to the slots are serialised by a lock on {@code pending/.lock}. Deliveries from several processes
 * at once are safe but wasteful (each report is then sent and polled by each). The store keeps the
 * lock file and the slots it last used open; {@link #close()} releases them.
 */
public final class FileSyncStore implements SyncStore {

    private static final Logger LOG = LoggerFactory.getLogger(FileSyncStore.class);
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    private static final Pattern SLOT_NAME = Pattern.compile("(\\d{6,})\\.slot");
    private static final String SLOT_GLOB = "*.slot";
    private static final int FORMAT = 2;
    private static final String PENDING = "pending";
    private static final String FREE = "free";
    /** The header line occupies [0, 2048), the delivery-state line [2048, 4096), the body starts at 4096. */
    static final int LINE_SIZE = 2048;
    static final int BODY_OFFSET = 2 * LINE_SIZE;
    private static final int FREE_SLOTS_KEPT = 4;
    private static final int OPEN_SLOTS_KEPT = 8;
    /** One lock per pending directory in this JVM: FileLocks guard against other processes only. */
    private static final ConcurrentHashMap<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

    /** A slot's first line. Free slots carry only the format and state. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record SlotHeader(int format, String state, String reportId, String account, String virtualAccount,
            Instant storedAt, Long bodyLength, Long bodyCrc32c) {
    }

    /** A report's delivery state, the slot's second line. */
    record DeliveryState(String pollId, int attempts, String lastError) {
    }

    /** A slot's header as read, with the slot's size. */
    private record SlotInfo(Path slot, SlotHeader header, long size) {
        boolean pending() {
            return PENDING.equals(header.state());
        }
    }

    private final Path root;
    private final Path pendingDir;
    private final Path lockFile;
    private final Path quarantineDir;
    private final Path snapshotDir;
    private final Path outcomeFile;
    private final ReentrantLock lock;
    private final ObjectMapper mapper = SsmJson.mapper();
    private final List<String> quarantined = new CopyOnWriteArrayList<>();
    /** Where this store last saw each pending report, and slots it saw free; checked under the lock before use. */
    private final Map<String, Path> slotOf = new HashMap<>();
    private final Deque<Path> freeSlots = new ArrayDeque<>();
    private boolean indexed;
    /** Open slots, each with the identity of the file it was opened on; guarded by the lock. */
    private final Map<Path, OpenSlot> open = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Path, OpenSlot> eldest) {
            if (size() > OPEN_SLOTS_KEPT) {
                closeQuietly(eldest.getValue().channel());
                return true;
            }
            return false;
        }
    };
    private FileChannel lockChannel;

    /** A slot file kept open, and the file key it was opened on. */
    private record OpenSlot(FileChannel channel, Object fileKey) {
    }

    /**
     * Opens (and creates when missing) a state directory.
     *
     * @param stateDirectory the directory
     * @throws SyncStoreException when it cannot be created
     */
    public FileSyncStore(Path stateDirectory) {
        this.root = stateDirectory.toAbsolutePath();
        this.pendingDir = root.resolve("pending");
        this.lockFile = pendingDir.resolve(".lock");
        this.quarantineDir = root.resolve("quarantine");
        this.snapshotDir = root.resolve("snapshots");
        this.outcomeFile = root.resolve("last-sync.json");
        Path canonical;
        try {
            Files.createDirectories(pendingDir);
            Files.createDirectories(snapshotDir);
            canonical = pendingDir.toRealPath();
        } catch (IOException e) {
            throw failure("cannot create the state directory " + root, e);
        }
        try {
            if (!Files.exists(lockFile)) {
                Files.createFile(lockFile);
            }
        } catch (IOException e) {
            // A read-only state directory can still be read; saving reports there fails with a typed error.
            LOG.debug("Cannot create {} ({}); the store is read-only", lockFile, e.getClass().getSimpleName());
        }
        this.lock = LOCKS.computeIfAbsent(canonical, k -> new ReentrantLock());
    }

    /** @return the state directory */
    public Path directory() {
        return root;
    }

    @Override
    public void savePending(PendingReport report) {
        savePending(report, null);
    }

    @Override
    public void savePending(PendingReport entry, byte[] requestBody) {
        String id = entry.reportId();
        if (!SAFE_ID.matcher(id).matches()) {
            throw new IllegalArgumentException("report id is not a safe file name: " + id);
        }
        try {
            locked(true, () -> {
                Path slot = find(id);
                if (slot == null) {
                    byte[] body = requestBody != null ? requestBody : UsageWireFormat.encode(entry.report());
                    writeNew(entry, body);
                } else if (entry.pollId() != null || entry.attempts() > 0 || entry.lastError() != null) {
                    writeFully(channel(slot), LINE_SIZE, stateLine(entry));
                }
                return null;
            });
        } catch (IOException e) {
            throw failure("cannot store usage report " + id + " durably in " + pendingDir, e);
        }
    }

    /** Writes a report into a free slot, or a new one, and forces it to disk. Runs under the lock. */
    private void writeNew(PendingReport entry, byte[] body) throws IOException {
        CRC32C crc = new CRC32C();
        crc.update(body);
        SlotHeader header = new SlotHeader(FORMAT, PENDING, entry.reportId(), entry.report().account(),
                entry.report().virtualAccount(), entry.storedAt(), (long) body.length, crc.getValue());
        ByteBuffer block = ByteBuffer.allocate(BODY_OFFSET);
        block.put(line(mapper.writeValueAsBytes(header), "the report's account and virtual account names are too long to store"));
        block.put(stateLine(entry));
        block.flip();
        long needed = BODY_OFFSET + (long) body.length;
        Path slot = claimFreeSlot();
        boolean created = slot == null;
        if (created) {
            slot = createSlot();
        }
        boolean written = false;
        try {
            FileChannel channel = channel(slot);
            writeFully(channel, BODY_OFFSET, ByteBuffer.wrap(body));
            writeFully(channel, 0, block);
            if (channel.size() > Math.max(2 * needed, needed + (1 << 20))) {
                channel.truncate(needed);   // do not keep a much larger report's blocks for ever
            }
            // fdatasync: the data, and the size needed to read it back; not the timestamps.
            channel.force(false);
            written = true;
        } finally {
            if (!written) {
                discardFailedWrite(slot, created);
            }
        }
        if (created) {
            fsyncDirectory(pendingDir);
        }
        slotOf.put(entry.reportId(), slot);
    }

    /** After a failed write the slot holds no report anyone was told is stored: free it again, or delete it. */
    private void discardFailedWrite(Path slot, boolean created) {
        try {
            if (created) {
                forget(slot);
                Files.deleteIfExists(slot);
            } else {
                writeFully(channel(slot), 0, freeHeader());
                freeSlots.addFirst(slot);
            }
        } catch (IOException e) {
            LOG.debug("Could not release slot {} after a failed write ({})", slot, e.getClass().getSimpleName());
        }
    }

    private ByteBuffer stateLine(PendingReport entry) throws IOException {
        String error = entry.lastError();
        while (true) {
            byte[] json = mapper.writeValueAsBytes(new DeliveryState(entry.pollId(), entry.attempts(), error));
            if (json.length < LINE_SIZE || error == null) {
                return line(json, "the report's poll id is too long to store");
            }
            error = error.substring(0, Math.max(0, error.length() - (json.length - LINE_SIZE) - 8)) + "...";
        }
    }

    private ByteBuffer freeHeader() throws IOException {
        return line(mapper.writeValueAsBytes(new SlotHeader(FORMAT, FREE, null, null, null, null, null, null)), "");
    }

    /** The JSON padded with spaces to a fixed-size line. */
    private static ByteBuffer line(byte[] json, String tooLong) {
        if (json.length >= LINE_SIZE) {
            throw new IllegalArgumentException(tooLong + " (" + json.length + " bytes, at most " + (LINE_SIZE - 1) + ")");
        }
        byte[] line = new byte[LINE_SIZE];
        System.arraycopy(json, 0, line, 0, json.length);
        Arrays.fill(line, json.length, LINE_SIZE - 1, (byte) ' ');
        line[LINE_SIZE - 1] = '\n';
        return ByteBuffer.wrap(line);
    }

    private static void writeFully(FileChannel channel, long position, ByteBuffer data) throws IOException {
        long at = position;
        while (data.hasRemaining()) {
            at += channel.write(data, at);
        }
    }

    /** A slot this store saw free, if it still is; null when there is none. Runs under the lock. */
    private Path claimFreeSlot() {
        for (Path slot; (slot = freeSlots.pollFirst()) != null; ) {
            SlotHeader header = headerOf(slot);
            if (header != null && FREE.equals(header.state())) {
                return slot;
            }
        }
        return null;
    }

    private Path createSlot() throws IOException {
        long next = 1;
        try (DirectoryStream<Path> slots = Files.newDirectoryStream(pendingDir, SLOT_GLOB)) {
            for (Path slot : slots) {
                Matcher m = SLOT_NAME.matcher(slot.getFileName().toString());
                if (m.matches()) {
                    next = Math.max(next, Long.parseLong(m.group(1)) + 1);
                }
            }
        }
        for (; ; next++) {
            try {
                return Files.createFile(pendingDir.resolve(String.format(Locale.ROOT, "%06d.slot", next)));
            } catch (FileAlreadyExistsException taken) {
                // taken meanwhile by a process that does not honour the lock: try the next number
            }
        }
    }

    /** The slot holding this report, or null. Runs under the lock. */
    private Path find(String reportId) {
        index();
        Path slot = slotOf.get(reportId);
        if (slot != null) {
            SlotHeader header = headerOf(slot);
            if (header != null && PENDING.equals(header.state()) && reportId.equals(header.reportId())) {
                return slot;
            }
            // Changed by another process since this store saw it: look again.
            indexed = false;
            index();
            return slotOf.get(reportId);
        }
        return null;
    }

    /** Reads every slot's header once, to know where the pending reports are and which slots are free. */
    private void index() {
        if (indexed) {
            return;
        }
        slotOf.clear();
        freeSlots.clear();
        try {
            for (SlotInfo info : headers()) {
                if (info.pending()) {
                    slotOf.putIfAbsent(info.header().reportId(), info.slot());
                } else {
                    freeSlots.add(info.slot());
                }
            }
            indexed = true;
        } catch (IOException e) {
            LOG.debug("Cannot list {} ({})", pendingDir, e.getClass().getSimpleName());
        }
    }

    /** The readable headers of all slots, in slot order. */
    private List<SlotInfo> headers() throws IOException {
        List<SlotInfo> out = new ArrayList<>();
        for (Path slot : slotFiles()) {
            SlotInfo info = readHeader(slot);
            if (info != null) {
                out.add(info);
            }
        }
        return out;
    }

    private List<Path> slotFiles() throws IOException {
        List<Path> slots = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(pendingDir, SLOT_GLOB)) {
            files.forEach(slots::add);
        }
        slots.sort(Comparator.comparing(Path::getFileName));
        return slots;
    }

    /** A slot's header, read through the open slot, or null when it cannot be read (gone, torn or damaged). */
    private SlotHeader headerOf(Path slot) {
        try {
            return parseHeader(readAt(channel(slot), 0, LINE_SIZE));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * The slot, open for reading and writing. A slot kept open is used only while its path still names
     * the file it was opened on: another process may have deleted it, or a new file taken its name.
     */
    private FileChannel channel(Path slot) throws IOException {
        Object key = Files.readAttributes(slot, BasicFileAttributes.class).fileKey();
        OpenSlot kept = open.get(slot);
        if (kept != null) {
            if (key != null && key.equals(kept.fileKey()) && kept.channel().isOpen()) {
                return kept.channel();
            }
            forget(slot);
        }
        FileChannel channel = FileChannel.open(slot, StandardOpenOption.READ, StandardOpenOption.WRITE);
        if (key != null) {
            open.put(slot, new OpenSlot(channel, key));
        }
        return channel;
    }

    /** Closes the slot if it is kept open. */
    private void forget(Path slot) {
        OpenSlot kept = open.remove(slot);
        if (kept != null) {
            closeQuietly(kept.channel());
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("Closing a slot failed ({})", e.getClass().getSimpleName());
        }
    }

    /** A slot's header, read through a new read-only channel, or null when it cannot be read. */
    private SlotInfo readHeader(Path slot) {
        try (FileChannel channel = FileChannel.open(slot, StandardOpenOption.READ)) {
            return new SlotInfo(slot, parseHeader(readAt(channel, 0, LINE_SIZE)), channel.size());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private SlotHeader parseHeader(byte[] line) throws IOException {
        SlotHeader header = mapper.readValue(line, SlotHeader.class);
        if (header.format() != FORMAT) {
            throw new IOException("it has format " + header.format() + ", expected " + FORMAT);
        }
        if (PENDING.equals(header.state())) {
            if (header.reportId() == null || header.bodyLength() == null || header.bodyCrc32c() == null
                    || header.storedAt() == null || header.bodyLength() < 0) {
                throw new IOException("its header is incomplete");
            }
        } else if (!FREE.equals(header.state())) {
            throw new IOException("its header has state '" + header.state() + "'");
        }
        return header;
    }

    private static byte[] readAt(FileChannel channel, long position, long length) throws IOException {
        if (length > Integer.MAX_VALUE - 8) {
            throw new IOException("it declares a body of " + length + " bytes");
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) length);
        long at = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, at);
            if (n < 0) {
                throw new IOException("it is shorter than its header says (" + (position + length) + " bytes)");
            }
            at += n;
        }
        return buffer.array();
    }

    @Override
    public List<PendingReport> pendingReports() {
        try {
            return locked(false, () -> {
                List<PendingReport> out = new ArrayList<>();
                slotOf.clear();
                freeSlots.clear();
                for (Path slot : slotFiles()) {
                    try {
                        PendingReport entry = readPending(slot);
                        if (entry == null) {
                            freeSlots.add(slot);
                        } else if (slotOf.putIfAbsent(entry.reportId(), slot) == null) {
                            out.add(entry);
                        } else {
                            LOG.warn("Usage report {} is stored twice, in {} and {}; delivering it once",
                                    entry.reportId(), slotOf.get(entry.reportId()).getFileName(), slot.getFileName());
                        }
                    } catch (NoSuchFileException removedMeanwhile) {
                        // deleted by a store in another process that did not wait for the lock
                    } catch (IOException | RuntimeException e) {
                        quarantine(slot, e);
                    }
                }
                indexed = true;
                out.sort(Comparator.comparing(PendingReport::storedAt).thenComparing(PendingReport::reportId));
                return out;
            });
        } catch (IOException e) {
            throw failure("cannot list the pending usage reports in " + pendingDir, e);
        }
    }

    /** A slot's report, or null when the slot is free. */
    private PendingReport readPending(Path slot) throws IOException {
        try (FileChannel channel = FileChannel.open(slot, StandardOpenOption.READ)) {
            SlotHeader header = parseHeader(readAt(channel, 0, LINE_SIZE));
            if (!PENDING.equals(header.state())) {
                return null;
            }
            byte[] body = readAt(channel, BODY_OFFSET, header.bodyLength());
            CRC32C crc = new CRC32C();
            crc.update(body);
            if (crc.getValue() != header.bodyCrc32c()) {
                throw new IOException("its body does not match its checksum (a write cut short by a crash, "
                        + "which nothing was sent of, or a damaged disk)");
            }
            UsageReport report = UsageWireFormat.decode(header.account(), header.virtualAccount(), body);
            if (!header.reportId().equals(report.reportId())) {
                throw new IOException("its nonce " + report.reportId() + " does not match its header's " + header.reportId());
            }
            DeliveryState state = new DeliveryState(null, 0, null);
            try {
                state = mapper.readValue(readAt(channel, LINE_SIZE, LINE_SIZE), DeliveryState.class);
            } catch (IOException unreadable) {
                // torn by a crash: polling starts over, or the report is resubmitted with its nonce
                LOG.warn("Ignoring the unreadable delivery state of usage report {} in {}", header.reportId(), slot);
            }
            return new PendingReport(report, header.storedAt(), state.pollId(), state.attempts(), state.lastError());
        }
    }

    private void quarantine(Path file, Exception why) {
        forget(file);
        String reason = why.getClass().getSimpleName() + ": " + Redactor.snippet(String.valueOf(why.getMessage()), 300);
        try {
            Files.createDirectories(quarantineDir);
            String name = file.getFileName() + "." + Instant.now().toEpochMilli();
            Path target = quarantineDir.resolve(name);
            Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
            Files.writeString(quarantineDir.resolve(name + ".reason"), reason + System.lineSeparator());
            fsyncDirectory(pendingDir);
            fsyncDirectory(quarantineDir);
            String note = "pending usage report " + file.getFileName() + " could not be read (" + reason
                    + ") and was moved to " + target;
            quarantined.add(note);
            LOG.warn("Quarantined a corrupt entry: {}. Inspect it, and resubmit the usage it held if it was genuine.", note);
        } catch (IOException moveFailed) {
            String note = "pending usage report " + file + " could not be read (" + reason + ") nor moved aside ("
                    + moveFailed.getClass().getSimpleName() + ")";
            quarantined.add(note);
            LOG.warn("Skipping a corrupt entry: {}", note);
        }
    }

    @Override
    public void removePending(String reportId) {
        try {
            locked(true, () -> {
                Path slot = find(reportId);
                if (slot == null) {
                    return null;
                }
                slotOf.remove(reportId);
                // Neither is forced to disk: should a crash undo it, the acknowledged report is sent again
                // with its nonce and counted once by the server.
                if (freeSlots.size() >= FREE_SLOTS_KEPT) {
                    forget(slot);
                    Files.deleteIfExists(slot);
                } else {
                    writeFully(channel(slot), 0, freeHeader());
                    freeSlots.addLast(slot);
                }
                return null;
            });
        } catch (IOException e) {
            throw failure("cannot remove acknowledged usage report " + reportId + " from " + pendingDir, e);
        }
    }

    @Override
    public int pendingCount() {
        try {
            return locked(false, () -> {
                Set<String> ids = new HashSet<>();
                for (SlotInfo info : headers()) {
                    if (info.pending()) {
                        ids.add(info.header().reportId());
                    }
                }
                return ids.size();
            });
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public List<String> quarantined() {
        return List.copyOf(quarantined);
    }

    /** An action on the slots. */
    @FunctionalInterface
    private interface SlotAction<T> {
        T run() throws IOException;
    }

    /**
     * Runs an action holding this JVM's lock on the directory and the file lock other processes honour.
     * A reader that cannot open the lock file (a read-only directory, which nobody can change) goes on
     * without it.
     */
    private <T> T locked(boolean writing, SlotAction<T> action) throws IOException {
        lock.lock();
        try {
            if (lockChannel == null || !lockChannel.isOpen()) {
                try {
                    lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                } catch (IOException e) {
                    if (writing) {
                        throw e;
                    }
                    return action.run();
                }
            }
            try (FileLock ignored = lockChannel.lock()) {
                return action.run();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Closes the lock file and the slots this store keeps open. The store stays usable: it opens them
     * again when next needed.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            open.values().forEach(kept -> closeQuietly(kept.channel()));
            open.clear();
            if (lockChannel != null) {
                closeQuietly(lockChannel);
                lockChannel = null;
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void saveSnapshot(LicenseSnapshot snapshot) {
        try {
            writeAtomically(snapshotFile(snapshot.account()), true, mapper.writeValueAsBytes(snapshot));
        } catch (IOException e) {
            throw failure("cannot store the license snapshot of " + snapshot.account() + " in " + snapshotDir, e);
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
            writeAtomically(outcomeFile, true, mapper.writeValueAsBytes(outcome));
        } catch (IOException e) {
            throw failure("cannot store the sync outcome in " + outcomeFile, e);
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

    /**
     * Writes the parts to a temporary file beside the target and renames it over the target, so
     * readers see the old or the new content, never a mix; when {@code durable}, the file and then
     * the directory are forced to disk before returning.
     */
    private static void writeAtomically(Path target, boolean durable, byte[]... parts) throws IOException {
        Path dir = target.getParent();
        Path temp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        boolean moved = false;
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer[] buffers = new ByteBuffer[parts.length];
                long remaining = 0;
                for (int i = 0; i < parts.length; i++) {
                    buffers[i] = ByteBuffer.wrap(parts[i]);
                    remaining += parts[i].length;
                }
                while (remaining > 0) {
                    remaining -= channel.write(buffers);
                }
                if (durable) {
                    // fdatasync: the data, and the size needed to read it back; not the timestamps.
                    channel.force(false);
                }
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
            if (durable) {
                fsyncDirectory(dir);
            }
        } finally {
            if (!moved) {
                Files.deleteIfExists(temp);
            }
        }
    }

    private static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some platforms cannot open a directory for syncing; the rename is still atomic there.
            if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win")) {
                throw e;
            }
        }
    }

    private SyncStoreException failure(String what, IOException e) {
        String reason = e instanceof FileSystemException && ((FileSystemException) e).getReason() != null
                ? ((FileSystemException) e).getReason() : e.getClass().getSimpleName();
        String lower = String.valueOf(reason).toLowerCase(Locale.ROOT) + " " + String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        String remediation;
        if (lower.contains("no space")) {
            remediation = "The disk holding " + root + " is full: free space there; nothing was sent and no pending report was lost.";
        } else if (lower.contains("read-only") || lower.contains("not permitted") || e instanceof AccessDeniedException
                || lower.contains("permission denied")) {
            remediation = "Make " + root + " writable by this process (its permissions, its mount, its attributes), "
                    + "or configure another state directory; nothing was sent and no pending report was lost.";
        } else {
            remediation = "Check that " + root + " exists, is a directory on a local disk, and is writable by this process.";
        }
        return new SyncStoreException(what + ": " + reason + ".", remediation, e);
    }

    @Override
    public String toString() {
        return "FileSyncStore{" + root + "}";
    }
}
