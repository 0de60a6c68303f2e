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
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
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
    static final int FORMAT = 2;
    static final String PENDING = "pending";
    static final String FREE = "free";
    /** The header line occupies [0, 2048), the delivery-state line [2048, 4096), the body starts at 4096. */
    static final int LINE_SIZE = 2048;
    static final int BODY_OFFSET = 2 * LINE_SIZE;
    private static final int FREE_SLOTS_KEPT = 4;
    private static final int OPEN_SLOTS_KEPT = 8;
    /** How much new body the writer hands to the background sync at a time. */
    private static final int CHUNK = 256 * 1024;
    /**
     * How long the background thread pauses when it has caught up with the body before it looks for
     * more. It is not woken for each chunk: on small virtual machines a cross-CPU wake-up cost the
     * generating thread about 0.1 ms each, more than the writes it hands over.
     */
    private static final long FOLLOW_PAUSE_NANOS = 100_000;
    /** The background thread stops following a body that has not grown for this long; the next chunk restarts it. */
    private static final long FOLLOW_IDLE_NANOS = 50_000_000;
    /** Body buffers up to this size are kept for the next report. */
    private static final int BODY_BUFFER_KEPT = 16 << 20;
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
    private ThreadPoolExecutor syncer;
    private ByteBuffer bodyBuffer;

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
            if (find(entry.reportId()) != null) {
                ByteArrayOutputStream out = new ByteArrayOutputStream(UsageWireFormat.sizeHint(entry.report()));
                body.writeTo(out);
                return out.toByteArray();
            }
            return writeNew(entry, body);
        });
    }

    /** Records a stored report's delivery state; stores the report first when it is not stored. */
    void saveState(PendingReport entry) throws IOException {
        locked(true, () -> {
            Path slot = find(entry.reportId());
            if (slot == null) {
                writeNew(entry, out -> UsageWireFormat.encode(entry.report(), out));
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
            stopSyncer();
        } finally {
            lock.unlock();
        }
    }

    /** Lets the background sync thread finish what it has and end. */
    private synchronized void stopSyncer() {
        if (syncer != null) {
            syncer.shutdown();
            syncer = null;
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
     * Writes a new report into a free slot, or a new one, while its body is generated, and forces it to
     * disk. The body goes to the file in chunks as it is generated, and a background thread syncs them
     * meanwhile; when the body is complete, the rest of it and the header are written and synced, and
     * only then is the body returned for the request.
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
        SyncingBody out = null;
        try {
            FileChannel channel = channel(slot);
            out = new SyncingBody(channel);
            try {
                body.writeTo(out);
            } catch (IOException e) {
                // The stream does not fail: this is the encoder's, not the disk's.
                throw new UncheckedIOException("cannot encode usage report " + entry.reportId(), e);
            }
            out.complete();
            ByteBuffer block = ByteBuffer.allocate(BODY_OFFSET);
            block.put(headerLine(entry, out.count, out.crc.getValue())).put(stateLine(entry)).flip();
            writeFully(channel, 0, block);
            long needed = BODY_OFFSET + (long) out.count;
            if (channel.size() > Math.max(2 * needed, needed + (1 << 20))) {
                channel.truncate(needed);   // do not keep a much larger report's blocks for ever
            }
            // fdatasync: the data, and the size needed to read it back; not the timestamps. The
            // background thread, when it still follows the body, syncs while the body is copied out
            // for the request here; the report counts as stored only once that sync has returned.
            boolean delegated = out.requestFinalSync();
            if (!delegated) {
                channel.force(false);
            }
            if (created) {
                FileSyncStore.fsyncDirectory(dir);
            }
            byte[] request = out.toByteArray();
            if (delegated) {
                out.awaitFinalSync();
            }
            written = true;
            slotOf.put(entry.reportId(), slot);
            return request;
        } finally {
            if (!written) {
                if (out != null) {
                    out.stop();   // no write of this body may land after the slot is released
                }
                // An interrupt closed the channel, perhaps: the slot is released with the flag cleared.
                deferredInterrupt |= Thread.interrupted();
                discardFailedWrite(slot, created);
            }
            if (out != null) {
                deferredInterrupt |= out.interrupted;
            }
        }
    }

    /** After a failed write the slot holds no report anyone was told is stored: free it again, or delete it. */
    private void discardFailedWrite(Path slot, boolean created) {
        try {
            if (created) {
                forget(slot);
                Files.deleteIfExists(slot);
            } else {
                markFree(slot);
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

    /**
     * A direct buffer of at least {@code capacity} bytes for a body, reused by the next report when it
     * is not too large to keep. Only the writer under the lock and its background thread use it.
     */
    private ByteBuffer bodyBuffer(int capacity) {
        ByteBuffer kept = bodyBuffer;
        if (kept != null && kept.capacity() >= capacity) {
            return kept;
        }
        ByteBuffer fresh = ByteBuffer.allocateDirect(Math.max(64 * 1024, capacity));
        if (fresh.capacity() <= BODY_BUFFER_KEPT) {
            bodyBuffer = fresh;
        }
        return fresh;
    }

    private synchronized ThreadPoolExecutor syncer() {
        if (syncer == null) {
            syncer = new ThreadPoolExecutor(0, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "ssm-store-sync");
                t.setDaemon(true);
                return t;
            });
        }
        return syncer;
    }

    /**
     * A report's body as it is generated: kept in memory for the request, and written to its slot in
     * chunks by a background thread that syncs each batch of chunks to disk while the rest is generated.
     * The thread is started once per body and follows it, pausing briefly when it has caught up, until
     * the body is complete; then the writing thread writes the rest itself, and waits only for a write
     * in flight, not its sync. Once the writing thread has written the header too, the background
     * thread, when it still follows the body, makes the final sync while the writing thread copies the
     * body out for the request.
     *
     * <p>The writing thread's waits for the background thread are not ended by an interrupt: the slot's
     * channel is in use, and an interrupted thread cannot use a file channel. {@link #interrupted}
     * tells the caller to restore the flag once it is done with the slots.
     */
    private final class SyncingBody extends java.io.OutputStream {
        private final FileChannel channel;
        private final CRC32C crc = new CRC32C();
        /** Direct, so that writing it to the file copies it once; reused from report to report. */
        private ByteBuffer buf;
        private int count;
        /** Whether the writing thread was interrupted while it waited; only that thread uses it. */
        private boolean interrupted;
        // Guarded by this: what the background thread has been given, taken, added to the checksum and
        // written to the file (not yet synced, perhaps); whether it runs; whether the body is complete;
        // whether the final sync was asked of the thread and made; whether the writing thread gave up
        // on the body; how the thread failed.
        private ByteBuffer offeredBuf;
        private int offered;
        private int taken;
        private int summed;
        private int written;
        private boolean running;
        private boolean finished;
        private boolean syncRequested;
        private boolean synced;
        private boolean stopped;
        private IOException failure;

        SyncingBody(FileChannel channel) {
            this.channel = channel;
            this.buf = bodyBuffer(0);   // the last report's, usually large enough; it grows when not
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (count + len > buf.capacity()) {
                // The old buffer stays as it is for a background write in flight.
                ByteBuffer larger = bodyBuffer((int) Math.min(Integer.MAX_VALUE - 8, Math.max(count + (long) len, 2L * buf.capacity())));
                larger.put(0, buf, 0, count);
                buf = larger;
            }
            buf.put(count, b, off, len);
            count += len;
            if (count - offered >= CHUNK) {
                offer();
            }
        }

        /** Hands what is new to the background thread, starting it when it does not run. */
        private synchronized void offer() {
            offeredBuf = buf;
            offered = count;
            if (!running && failure == null && !finished) {
                running = true;
                syncer().execute(this::follow);
            }
        }

        /** What the background thread does next. */
        private enum Step { WRITE, FINAL_SYNC, PAUSE, END }

        /**
         * The background thread: checksums, writes and syncs what it was given, and looks for more
         * after a short pause while the body is being generated; once the body is complete, it waits
         * for the request for the final sync, makes it and ends.
         */
        private void follow() {
            long idleSince = 0;
            while (true) {
                Step step;
                ByteBuffer data = null;
                int from = 0;
                int to = 0;
                synchronized (this) {
                    if (stopped || failure != null) {
                        step = Step.END;
                    } else if (syncRequested) {
                        step = Step.FINAL_SYNC;
                    } else if (taken < offered) {
                        step = Step.WRITE;
                        data = offeredBuf.duplicate();   // its content up to 'offered' never changes
                        from = taken;
                        to = offered;
                        taken = to;
                    } else if (idleSince == 0) {
                        step = Step.PAUSE;
                        idleSince = System.nanoTime();
                    } else if (System.nanoTime() - idleSince > FOLLOW_IDLE_NANOS) {
                        step = Step.END;   // a stalled generator: the next chunk starts the thread again
                    } else {
                        step = Step.PAUSE;
                    }
                    if (step == Step.END) {
                        end();
                        return;
                    }
                }
                if (step == Step.PAUSE) {
                    LockSupport.parkNanos(FOLLOW_PAUSE_NANOS);
                    continue;
                }
                try {
                    if (step == Step.FINAL_SYNC) {
                        channel.force(false);
                        synchronized (this) {
                            synced = true;
                            end();
                        }
                        return;
                    }
                    idleSince = 0;
                    // The checksum first: the writer may then write the rest while this is written.
                    crc.update(data.limit(to).position(from));
                    synchronized (this) {
                        summed = to;
                        notifyAll();
                    }
                    writeFully(channel, BODY_OFFSET + (long) from, data.limit(to).position(from));
                    boolean complete;
                    synchronized (this) {
                        written = to;
                        complete = finished;
                        notifyAll();
                    }
                    // Syncs what is written so far while the rest is generated. The final sync is what
                    // makes the report durable; this one only leaves it less to do, and is left out when
                    // the body is complete already and the final sync about to follow.
                    if (!complete) {
                        channel.force(false);
                    }
                } catch (IOException | RuntimeException e) {
                    synchronized (this) {
                        failure = e instanceof IOException ? (IOException) e : new IOException(e);
                        end();
                    }
                    return;
                }
            }
        }

        /** The background thread's run ends; the caller holds this. */
        private void end() {
            running = false;
            notifyAll();
        }

        /**
         * Writes the rest of the body, while the background thread finishes a write it has in flight,
         * and waits for that write (not for its sync). The final sync covers all of it.
         */
        void complete() throws IOException {
            int from;
            synchronized (this) {
                finished = true;
                offered = taken;   // nothing more for the background thread: the rest is written here
                awaitThread(() -> summed < taken);
                throwFailure();
                from = taken;
            }
            ByteBuffer rest = buf.duplicate().limit(count).position(from);
            crc.update(rest);
            writeFully(channel, BODY_OFFSET + (long) from, rest.position(from));
            synchronized (this) {
                awaitThread(() -> written < taken);
                throwFailure();
                taken = count;
                written = count;
            }
        }

        /**
         * Asks the background thread, when it still follows the body, for the final sync: the body and
         * the header are written.
         *
         * @return whether the thread will make it; when not, the writing thread syncs
         */
        synchronized boolean requestFinalSync() {
            if (running && failure == null) {
                syncRequested = true;
                return true;
            }
            return false;
        }

        /**
         * Waits for the final sync the background thread was asked for.
         *
         * @throws IOException when it failed: the report is not stored
         */
        synchronized void awaitFinalSync() throws IOException {
            awaitThread(() -> !synced);
            throwFailure();
        }

        /** Takes back what the background thread has not taken and waits until it has ended. */
        synchronized void stop() {
            finished = true;
            stopped = true;
            offered = taken;
            awaitThread(() -> running);
        }

        /**
         * Waits, holding this, while {@code pending} holds and the background thread has not failed.
         * An interrupt does not end the wait; it is remembered in {@link #interrupted}.
         */
        private void awaitThread(BooleanSupplier pending) {
            while (pending.getAsBoolean() && failure == null) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }

        private void throwFailure() throws IOException {
            if (failure != null) {
                throw failure;
            }
        }

        byte[] toByteArray() {
            byte[] out = new byte[count];
            buf.get(0, out);
            return out;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Reading

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
