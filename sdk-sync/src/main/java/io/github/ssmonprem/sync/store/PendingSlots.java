package io.github.ssmonprem.sync.store;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.ssmonprem.core.http.SsmJson;
import io.github.ssmonprem.core.internal.Redactor;
import io.github.ssmonprem.sync.internal.UsageWireFormat;
import io.github.ssmonprem.sync.model.UsageReport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pending reports of a {@link FileSyncStore}: one slot file per report in {@code pending/}, reused
 * once the report is acknowledged. See {@link FileSyncStore} for the layout and the guarantees.
 *
 * <p>Every operation runs holding this JVM's lock on the directory and a file lock on
 * {@code pending/.lock}. The lock file also holds a generation number, incremented by every change to
 * the slots: while it is the one this store last saw, its index of which report is in which slot and
 * which slots are free is current, and it uses it and the slots it keeps open without reading the
 * directory again. When another store, in this process or another, changed the slots, it reads them
 * again.
 */
final class PendingSlots implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PendingSlots.class);
    private static final Pattern SLOT_NAME = Pattern.compile("(\\d{6,})\\.slot");
    private static final String SLOT_GLOB = "*.slot";
    /** Slots of format 3 hold a report's compact form; those of format 2, its request body. Both are read. */
    static final int FORMAT = 3;
    private static final int FORMAT_WIRE_BODY = 2;
    static final String PENDING = "pending";
    static final String FREE = "free";
    /** The header line occupies [0, 2048), the delivery-state line [2048, 4096), the body starts at 4096. */
    static final int LINE_SIZE = 2048;
    static final int BODY_OFFSET = 2 * LINE_SIZE;
    private static final int FREE_SLOTS_KEPT = 4;
    private static final int OPEN_SLOTS_KEPT = 8;
    /** Reports of this many records or more are written by a background thread while their request body is generated. */
    private static final int BACKGROUND_RECORDS = 1_000;
    /** A buffer for request bodies up to this size is kept for the next report. */
    private static final int REQUEST_BUFFER_KEPT = 16 << 20;
    /** The largest piece of a slot written at once. */
    private static final int WRITE_PIECE = 1 << 20;
    /** One lock per pending directory in this JVM: FileLocks guard against other processes only. */
    private static final ConcurrentHashMap<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

    /** A slot's first line, as read. Free slots carry only the format and state. */
    record SlotHeader(int format, String state, String reportId, String account, String virtualAccount,
            Instant storedAt, Long bodyLength, Long bodyCrc32c) {
    }

    /** A report's delivery state, the slot's second line, as read. */
    record DeliveryState(String pollId, int attempts, String lastError) {
    }

    /** An action on the slots. */
    @FunctionalInterface
    interface SlotAction<T> {
        T run() throws IOException;
    }

    private final Path dir;
    private final Path lockFile;
    private final Path quarantineDir;
    private final ReentrantLock lock;
    private final ObjectMapper mapper = SsmJson.mapper();
    private final JsonFactory json = mapper.getFactory();
    private final byte[] freeLine;
    private final List<String> quarantined = new CopyOnWriteArrayList<>();

    // Guarded by the lock.
    private final Map<String, Path> slotOf = new HashMap<>();
    private final Deque<Path> freeSlots = new ArrayDeque<>();
    private final Map<Path, FileChannel> open = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Path, FileChannel> eldest) {
            if (size() > OPEN_SLOTS_KEPT) {
                closeQuietly(eldest.getValue());
                return true;
            }
            return false;
        }
    };
    private FileChannel lockChannel;
    private boolean indexed;
    /** The generation the index matches; -1 when none. */
    private long generation = -1;
    /** Whether the running action changed a slot. */
    private boolean changed;
    /** The generation read when the file lock was taken; -1 when it is not held. */
    private long lockedGeneration = -1;
    /** Whether the running action's thread was interrupted while it waited: restored when the action ends. */
    private boolean deferredInterrupt;
    private ThreadPoolExecutor writer;
    private Buffer requestBuffer;

    PendingSlots(Path pendingDir, Path quarantineDir) throws IOException {
        this.dir = pendingDir;
        this.lockFile = pendingDir.resolve(".lock");
        this.quarantineDir = quarantineDir;
        Files.createDirectories(pendingDir);
        this.lock = LOCKS.computeIfAbsent(pendingDir.toRealPath(), k -> new ReentrantLock());
        try {
            if (!Files.exists(lockFile)) {
                Files.createFile(lockFile);
            }
        } catch (IOException e) {
            // A read-only state directory can still be read; saving reports there fails with a typed error.
            LOG.debug("Cannot create {} ({}); the pending reports are read-only", lockFile, e.getClass().getSimpleName());
        }
        this.freeLine = line(writeJson(g -> {
            g.writeNumberField("format", FORMAT);
            g.writeStringField("state", FREE);
        }), "");
    }

    List<String> quarantined() {
        return List.copyOf(quarantined);
    }

    // ---------------------------------------------------------------------------------------------
    // Operations, each under the lock

    /** Stores a new report whose body {@code body} writes, unless it is stored already; returns the body. */
    byte[] store(PendingReport entry, SyncStore.BodyWriter body) throws IOException {
        return locked(true, () -> {
            return find(entry.reportId()) != null ? generate(entry, body) : writeNew(entry, body);
        });
    }

    /** Records a stored report's delivery state; stores the report first when it is not stored. */
    void saveState(PendingReport entry) throws IOException {
        locked(true, () -> {
            Path slot = find(entry.reportId());
            if (slot == null) {
                writeNew(entry, null);
            } else if (entry.pollId() != null || entry.attempts() > 0 || entry.lastError() != null) {
                markChanged();
                writeFully(channel(slot), LINE_SIZE, ByteBuffer.wrap(stateLine(entry)));
            }
            return null;
        });
    }

    /** Frees an acknowledged report's slot, or deletes it when enough slots are free already. */
    void remove(String reportId) throws IOException {
        locked(true, () -> {
            Path slot = find(reportId);
            if (slot == null) {
                return null;
            }
            markChanged();
            slotOf.remove(reportId);
            // Neither is forced to disk: should a crash undo it, the acknowledged report is sent again
            // with its nonce and counted once by the server.
            if (freeSlots.size() >= FREE_SLOTS_KEPT) {
                forget(slot);
                Files.deleteIfExists(slot);
            } else {
                markFree(slot);
                freeSlots.addLast(slot);
            }
            return null;
        });
    }

    /** Reads every pending report; moves aside the slots that cannot be read. */
    List<PendingReport> all() throws IOException {
        return locked(false, () -> {
            List<PendingReport> out = new ArrayList<>();
            Map<String, Path> seen = new HashMap<>();
            List<Path> free = new ArrayList<>();
            for (Path slot : slotFiles()) {
                try {
                    PendingReport entry = readPending(slot);
                    if (entry == null) {
                        free.add(slot);
                    } else if (seen.putIfAbsent(entry.reportId(), slot) == null) {
                        out.add(entry);
                    } else {
                        LOG.warn("Usage report {} is stored twice, in {} and {}; delivering it once",
                                entry.reportId(), seen.get(entry.reportId()).getFileName(), slot.getFileName());
                    }
                } catch (NoSuchFileException removedMeanwhile) {
                    // deleted by a process that did not wait for the lock
                } catch (IOException | RuntimeException e) {
                    quarantine(slot, e);
                }
            }
            slotOf.clear();
            slotOf.putAll(seen);
            freeSlots.clear();
            freeSlots.addAll(free);
            indexed = true;
            out.sort(Comparator.comparing(PendingReport::storedAt).thenComparing(PendingReport::reportId));
            return out;
        });
    }

    /** How many reports are pending. */
    int count() throws IOException {
        return locked(false, () -> {
            index();
            return slotOf.size();
        });
    }

    @Override
    public void close() {
        lock.lock();
        try {
            forgetAll();
            if (lockChannel != null) {
                closeQuietly(lockChannel);
                lockChannel = null;
            }
            stopWriter();
        } finally {
            lock.unlock();
        }
    }

    /** Lets the background writer thread finish what it has and end. */
    private synchronized void stopWriter() {
        if (writer != null) {
            writer.shutdown();
            writer = null;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Locking and the generation

    /**
     * Runs an action holding this JVM's lock on the directory and the file lock other processes honour.
     * A reader that cannot open the lock file (a read-only directory, which nobody can change) goes on
     * without it, reading the slots afresh.
     *
     * <p>An action counts its change in the lock file before it makes it ({@link #markChanged}), so
     * that nothing is left to write once the change is made: an interrupt that then closes the lock
     * file's channel cannot turn a change made into a reported failure. An interrupt the action
     * deferred is restored once the lock is released: an interrupted thread cannot use a file channel.
     */
    private <T> T locked(boolean writing, SlotAction<T> action) throws IOException {
        lock.lock();
        try {
            if (lockChannel == null || !lockChannel.isOpen()) {
                try {
                    lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                            StandardOpenOption.WRITE);
                } catch (IOException e) {
                    if (writing) {
                        throw e;
                    }
                    forgetAll();
                    changed = false;
                    return action.run();
                }
            }
            FileLock fileLock = lockChannel.lock();
            try {
                long current = readGeneration();
                if (current != generation) {
                    forgetAll();
                }
                lockedGeneration = current;
                changed = false;
                boolean done = false;
                try {
                    T result = action.run();
                    done = true;
                    return result;
                } finally {
                    if (changed) {
                        generation = current + 1;
                        if (!done) {
                            forgetAll();   // the index may not match what the failed action left
                        }
                    } else {
                        generation = current;
                    }
                }
            } finally {
                lockedGeneration = -1;
                release(fileLock);
            }
        } finally {
            boolean restoreInterrupt = deferredInterrupt;
            deferredInterrupt = false;
            lock.unlock();
            if (restoreInterrupt) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Counts a change to the slots in the lock file, once per action and before the change is made:
     * another store that sees the new generation reads the slots again.
     */
    private void markChanged() throws IOException {
        if (!changed) {
            if (lockedGeneration >= 0) {
                writeGeneration(lockedGeneration + 1);
            }
            changed = true;
        }
    }

    /** Releases the file lock; when that fails, closes its channel, which releases it too. */
    private void release(FileLock fileLock) {
        try {
            fileLock.release();
        } catch (IOException | RuntimeException e) {
            // Closed by an interrupt, say: the lock went with the channel.
            closeQuietly(lockChannel);
            lockChannel = null;
            generation = -1;
            LOG.debug("Released the lock on {} by closing it ({})", lockFile, e.getClass().getSimpleName());
        }
    }

    private long readGeneration() throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(Long.BYTES);
        while (buffer.hasRemaining()) {
            if (lockChannel.read(buffer, buffer.position()) < 0) {
                return 0;   // a new lock file
            }
        }
        return buffer.getLong(0);
    }

    private void writeGeneration(long value) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(Long.BYTES).putLong(0, value);
        while (buffer.hasRemaining()) {
            lockChannel.write(buffer, buffer.position());
        }
    }

    /** Forgets the index and closes the slots kept open: the directory may have changed. */
    private void forgetAll() {
        indexed = false;
        slotOf.clear();
        freeSlots.clear();
        open.values().forEach(PendingSlots::closeQuietly);
        open.clear();
        generation = -1;
    }

    // ---------------------------------------------------------------------------------------------
    // The index and the slots

    /** Reads every slot's header once, to know where the pending reports are and which slots are free. */
    private void index() throws IOException {
        if (indexed) {
            return;
        }
        slotOf.clear();
        freeSlots.clear();
        for (Path slot : slotFiles()) {
            try (FileChannel channel = FileChannel.open(slot, StandardOpenOption.READ)) {
                SlotHeader header = parseHeader(readAt(channel, 0, LINE_SIZE));
                if (PENDING.equals(header.state())) {
                    slotOf.putIfAbsent(header.reportId(), slot);
                } else {
                    freeSlots.add(slot);
                }
            } catch (IOException | RuntimeException unreadable) {
                // torn or damaged: neither pending nor free until a listing quarantines it
            }
        }
        indexed = true;
    }

    private Path find(String reportId) throws IOException {
        index();
        return slotOf.get(reportId);
    }

    private List<Path> slotFiles() throws IOException {
        List<Path> slots = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, SLOT_GLOB)) {
            files.forEach(slots::add);
        }
        slots.sort(Comparator.comparing(Path::getFileName));
        return slots;
    }

    private Path createSlot() throws IOException {
        long next = 1;
        for (Path slot : slotFiles()) {
            Matcher m = SLOT_NAME.matcher(slot.getFileName().toString());
            if (m.matches()) {
                next = Math.max(next, Long.parseLong(m.group(1)) + 1);
            }
        }
        for (; ; next++) {
            try {
                return Files.createFile(dir.resolve(String.format(Locale.ROOT, "%06d.slot", next)));
            } catch (FileAlreadyExistsException taken) {
                // taken meanwhile by a process that does not honour the lock: try the next number
            }
        }
    }

    /** The slot, open for reading and writing; kept open while the generation stays this store's. */
    private FileChannel channel(Path slot) throws IOException {
        FileChannel channel = open.get(slot);
        if (channel == null || !channel.isOpen()) {
            channel = FileChannel.open(slot, StandardOpenOption.READ, StandardOpenOption.WRITE);
            open.put(slot, channel);
        }
        return channel;
    }

    private void forget(Path slot) {
        FileChannel channel = open.remove(slot);
        if (channel != null) {
            closeQuietly(channel);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("Closing a slot failed ({})", e.getClass().getSimpleName());
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Writing

    /**
     * Writes a new report into a free slot, or a new one, and forces it to disk; returns the request
     * body {@code body} generates, or null without one. The slot holds the report's compact form
     * ({@link CompactUsageFormat}), a ninth of the request body's size. For a report of
     * {@value #BACKGROUND_RECORDS} records or more, a background thread encodes, writes and syncs it
     * while this thread generates the request body (or this thread does, after the body, when the
     * background thread has not started yet), and the body is returned once both are done: the
     * report is stored durably before any byte of it is sent, at little more than the cost of
     * generating the body.
     */
    private byte[] writeNew(PendingReport entry, SyncStore.BodyWriter body) throws IOException {
        // Fails before anything is written when the names cannot fit the header line.
        headerLine(entry, Long.MAX_VALUE, 0xFFFFFFFFL);
        markChanged();
        index();
        Path slot = freeSlots.pollFirst();
        boolean created = slot == null;
        if (created) {
            slot = createSlot();
        }
        boolean written = false;
        FutureTask<Void> background = null;
        try {
            FileChannel channel = channel(slot);
            byte[] request = null;
            if (body != null && entry.report().recordCount() >= BACKGROUND_RECORDS) {
                background = new FutureTask<>(() -> {
                    writeSlot(channel, entry);
                    return null;
                });
                writer().execute(background);
                request = generate(entry, body);
                // When the background thread has not started the write yet (its CPU busy elsewhere),
                // this thread makes it rather than wait for it; run() does nothing once it has started.
                background.run();
                awaitWrite(background);
            } else {
                request = body == null ? null : generate(entry, body);
                writeSlot(channel, entry);
            }
            if (created) {
                FileSyncStore.fsyncDirectory(dir);
            }
            written = true;
            slotOf.put(entry.reportId(), slot);
            return request;
        } finally {
            if (!written) {
                if (background != null && !background.cancel(false)) {
                    awaitQuietly(background);   // no write of this report may land after the slot is released
                }
                // An interrupt closed the channel, perhaps: the slot is released with the flag cleared.
                deferredInterrupt |= Thread.interrupted();
                discardFailedWrite(slot, created);
            }
        }
    }

    /**
     * The request body, as {@code body} generates it, in a buffer kept for the next report when it is
     * not too large: generating a body then allocates only the body.
     */
    private byte[] generate(PendingReport entry, SyncStore.BodyWriter body) {
        Buffer out = requestBuffer;
        if (out == null) {
            out = new Buffer(UsageWireFormat.sizeHint(entry.report()));
        }
        out.reset();
        try {
            body.writeTo(out);
        } catch (IOException e) {
            // The stream does not fail: this is the encoder's, not the disk's.
            throw new UncheckedIOException("cannot encode usage report " + entry.reportId(), e);
        }
        requestBuffer = out.array().length <= REQUEST_BUFFER_KEPT ? out : null;
        return out.toByteArray();
    }

    /**
     * Writes the report's compact form and then its header into the slot, and forces both to disk
     * with one fdatasync: the data, and the size needed to read it back; not the timestamps. A crash
     * before it returns may leave the new header with a torn body, which the checksum catches.
     */
    private void writeSlot(FileChannel channel, PendingReport entry) throws IOException {
        Buffer compact = new Buffer(CompactUsageFormat.sizeHint(entry.report()));
        CompactUsageFormat.encode(entry.report(), compact);
        CRC32C crc = new CRC32C();
        crc.update(compact.array(), 0, compact.size());
        // In pieces: a channel copies a heap buffer through a temporary direct one of the same size.
        for (int at = 0; at < compact.size(); at += WRITE_PIECE) {
            writeFully(channel, BODY_OFFSET + (long) at,
                    ByteBuffer.wrap(compact.array(), at, Math.min(WRITE_PIECE, compact.size() - at)));
        }
        ByteBuffer block = ByteBuffer.allocate(BODY_OFFSET);
        block.put(headerLine(entry, compact.size(), crc.getValue())).put(stateLine(entry)).flip();
        writeFully(channel, 0, block);
        long needed = BODY_OFFSET + (long) compact.size();
        if (channel.size() > Math.max(2 * needed, needed + (1 << 20))) {
            channel.truncate(needed);   // do not keep a much larger report's blocks for ever
        }
        channel.force(false);
    }

    /**
     * Waits for the background write, and throws its failure. An interrupt does not end the wait:
     * the slot's channel is in use; it is restored once the lock is released.
     */
    private void awaitWrite(Future<?> write) throws IOException {
        while (true) {
            try {
                write.get();
                return;
            } catch (InterruptedException e) {
                deferredInterrupt = true;
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof IOException) {
                    throw (IOException) cause;
                }
                if (cause instanceof RuntimeException) {
                    throw (RuntimeException) cause;
                }
                if (cause instanceof Error) {
                    throw (Error) cause;
                }
                throw new IOException(cause);
            }
        }
    }

    /** Waits for the background write after a failure of this thread's; its outcome no longer matters. */
    private void awaitQuietly(Future<?> write) {
        try {
            awaitWrite(write);
        } catch (IOException | RuntimeException ignored) {
            // the report is not stored either way
        }
    }

    /**
     * After a failed write the slot holds no report anyone was told is stored: free it again, or delete
     * it, durably. The background write may have stored the report before the request body failed: a
     * crash must not bring back a report whose caller was told it was not stored.
     */
    private void discardFailedWrite(Path slot, boolean created) {
        try {
            if (created) {
                forget(slot);
                Files.deleteIfExists(slot);
                FileSyncStore.fsyncDirectory(dir);
            } else {
                markFree(slot);
                channel(slot).force(false);
                freeSlots.addFirst(slot);
            }
        } catch (IOException e) {
            LOG.debug("Could not release slot {} after a failed write ({})", slot, e.getClass().getSimpleName());
        }
    }

    /** Overwrites a slot's header with the free mark (not forced). */
    private void markFree(Path slot) throws IOException {
        writeFully(channel(slot), 0, ByteBuffer.wrap(freeLine));
    }

    /** A JSON object written by a streaming generator. */
    @FunctionalInterface
    private interface Fields {
        void write(JsonGenerator g) throws IOException;
    }

    private byte[] writeJson(Fields fields) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = json.createGenerator(out)) {
            g.writeStartObject();
            fields.write(g);
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    private byte[] headerLine(PendingReport entry, long bodyLength, long crc) throws IOException {
        UsageReport report = entry.report();
        return line(writeJson(g -> {
            g.writeNumberField("format", FORMAT);
            g.writeStringField("state", PENDING);
            g.writeStringField("reportId", entry.reportId());
            g.writeStringField("account", report.account());
            g.writeStringField("virtualAccount", report.virtualAccount());
            g.writeStringField("storedAt", entry.storedAt().toString());
            g.writeNumberField("bodyLength", bodyLength);
            g.writeNumberField("bodyCrc32c", crc);
        }), "the report's account and virtual account names are too long to store");
    }

    private byte[] stateLine(PendingReport entry) throws IOException {
        String error = entry.lastError();
        while (true) {
            String e = error;
            byte[] json = writeJson(g -> {
                g.writeStringField("pollId", entry.pollId());
                g.writeNumberField("attempts", entry.attempts());
                g.writeStringField("lastError", e);
            });
            if (json.length < LINE_SIZE || error == null) {
                return line(json, "the report's poll id is too long to store");
            }
            error = error.substring(0, Math.max(0, error.length() - (json.length - LINE_SIZE) - 8)) + "...";
        }
    }

    /** The JSON padded with spaces to a fixed-size line. */
    private static byte[] line(byte[] json, String tooLong) {
        if (json.length >= LINE_SIZE) {
            throw new IllegalArgumentException(tooLong + " (" + json.length + " bytes, at most " + (LINE_SIZE - 1) + ")");
        }
        byte[] line = new byte[LINE_SIZE];
        System.arraycopy(json, 0, line, 0, json.length);
        Arrays.fill(line, json.length, LINE_SIZE - 1, (byte) ' ');
        line[LINE_SIZE - 1] = '\n';
        return line;
    }

    private static void writeFully(FileChannel channel, long position, ByteBuffer data) throws IOException {
        long at = position;
        while (data.hasRemaining()) {
            at += channel.write(data, at);
        }
    }

    private synchronized ThreadPoolExecutor writer() {
        if (writer == null) {
            writer = new ThreadPoolExecutor(0, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "ssm-store-writer");
                t.setDaemon(true);
                return t;
            });
        }
        return writer;
    }

    /** A byte array output stream whose array is read in place. */
    private static final class Buffer extends ByteArrayOutputStream {
        Buffer(int size) {
            super(size);
        }

        byte[] array() {
            return buf;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Reading

    private SlotHeader parseHeader(byte[] line) throws IOException {
        SlotHeader header = mapper.readValue(line, SlotHeader.class);
        if (header.format() != FORMAT && header.format() != FORMAT_WIRE_BODY) {
            throw new IOException("it has format " + header.format() + ", expected " + FORMAT_WIRE_BODY + " or " + FORMAT);
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
            UsageReport report = header.format() == FORMAT_WIRE_BODY
                    ? UsageWireFormat.decode(header.account(), header.virtualAccount(), body)
                    : CompactUsageFormat.decode(header.account(), header.virtualAccount(), body);
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
            markChanged();
            Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
            Files.writeString(quarantineDir.resolve(name + ".reason"), reason + System.lineSeparator());
            FileSyncStore.fsyncDirectory(dir);
            FileSyncStore.fsyncDirectory(quarantineDir);
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
}
