package io.github.ssmonprem.sync.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.ssmonprem.core.http.SsmJson;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileLockInterruptionException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
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
 * 2 KiB, and from offset 4096 the report in a compact JSON form (each entitlement tag and usage
 * period written once, the records as triples of numbers: about a ninth of the request body). A
 * report is written into a free slot and forced to disk ({@code fdatasync}) before the save returns,
 * and so before anything of it is sent; for a large report, {@link #encodeAndSavePending} has a
 * background thread encode, write and sync it while the calling thread generates the request body,
 * so that storing it costs little more than generating the body. Slots written by earlier snapshots
 * of this store, which held the request body itself, are read as well. An acknowledged
 * report's slot is marked free and reused by the next report: overwriting blocks the file system has
 * already allocated spares the new inode, block allocation, directory sync and deletion that a file
 * per report costs, and that dominate the cost of storing reports of a megabyte and more. At most four
 * free slots are kept; beyond that an acknowledged report's slot is deleted.
 *
 * <p>The delivery state and the free mark are written in place and not forced: a crash that loses
 * them costs at most one resubmission with the report's original nonce, which the server counts
 * once. A write torn by a crash is caught by the checksum: such a slot (or one damaged on disk) is
 * moved to {@code quarantine/} and reported by {@link #quarantined()}, never silently dropped. Snapshots
 * and outcomes are written to a temporary file, forced, renamed over the target and the directory
 * forced, so a crash leaves the old or the new one, never a mix.
 *
 * <p>Thread-safe. Several stores, in one process or several, may share a state directory: changes
 * to the slots are serialised by a lock on {@code pending/.lock}, which also counts the changes, so a
 * store trusts what it knows of the slots until another store changes them. Deliveries from several
 * processes at once are safe but wasteful (each report is then sent and polled by each). The store
 * keeps the lock file and the slots it last used open; {@link #close()} releases them.
 */
public final class FileSyncStore implements SyncStore {

    private static final Logger LOG = LoggerFactory.getLogger(FileSyncStore.class);
    /** Report ids go into slot headers and the Idempotency-Key header: a nonce, not arbitrary text. */
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    private static final String NOTHING_SENT = "nothing was sent and no pending report was lost";
    private static final String PREVIOUS_KEPT = "the previous one is kept";

    private final Path root;
    private final Path pendingDir;
    private final Path snapshotDir;
    private final Path outcomeFile;
    private final PendingSlots slots;
    private final ObjectMapper mapper = SsmJson.mapper();

    /**
     * Opens (and creates when missing) a state directory.
     *
     * @param stateDirectory the directory
     * @throws SyncStoreException when it cannot be created
     */
    public FileSyncStore(Path stateDirectory) {
        this.root = stateDirectory.toAbsolutePath();
        this.pendingDir = root.resolve("pending");
        this.snapshotDir = root.resolve("snapshots");
        this.outcomeFile = root.resolve("last-sync.json");
        try {
            Files.createDirectories(snapshotDir);
            this.slots = new PendingSlots(pendingDir, root.resolve("quarantine"));
        } catch (IOException e) {
            throw failure("cannot create the state directory " + root, NOTHING_SENT, e);
        }
    }

    /**
     * Returns the state directory.
     *
     * @return the state directory
     */
    public Path directory() {
        return root;
    }

    private static String checkedId(PendingReport entry) {
        String id = entry.reportId();
        if (!SAFE_ID.matcher(id).matches()) {
            throw new IllegalArgumentException("report id must be 1 to 128 of the characters A-Z a-z 0-9 . _ -: " + id);
        }
        return id;
    }

    @Override
    public void savePending(PendingReport entry) {
        String id = checkedId(entry);
        try {
            slots.saveState(entry);
        } catch (IOException e) {
            throw failure("cannot store usage report " + id + " durably in " + pendingDir, NOTHING_SENT, e);
        }
    }

    /**
     * Stores a new report while its body is generated: for a report of a thousand records or more, a
     * background thread encodes the report's compact form, writes and syncs it while this thread
     * generates the body, so the wait for the disk overlaps the serialisation. Durable when this
     * returns, like {@link #savePending(PendingReport)}.
     */
    @Override
    public byte[] encodeAndSavePending(PendingReport entry, BodyWriter body) {
        String id = checkedId(entry);
        try {
            return slots.store(entry, body);
        } catch (IOException e) {
            throw failure("cannot store usage report " + id + " durably in " + pendingDir, NOTHING_SENT, e);
        }
    }

    @Override
    public List<PendingReport> pendingReports() {
        try {
            return slots.all();
        } catch (IOException e) {
            throw failure("cannot list the pending usage reports in " + pendingDir, NOTHING_SENT, e);
        }
    }

    @Override
    public void removePending(String reportId) {
        try {
            slots.remove(reportId);
        } catch (IOException e) {
            throw failure("cannot remove acknowledged usage report " + reportId + " from " + pendingDir,
                    "the acknowledged report stays pending and is sent again with its nonce, which the server counts once", e);
        }
    }

    @Override
    public int pendingCount() {
        try {
            return slots.count();
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public List<String> quarantined() {
        return slots.quarantined();
    }

    /**
     * Closes the lock file and the slots this store keeps open, and stops its background sync thread
     * once idle. The store stays usable: it opens them again when next needed.
     */
    @Override
    public void close() {
        slots.close();
    }

    @Override
    public void saveSnapshot(LicenseSnapshot snapshot) {
        try {
            writeAtomically(snapshotFile(snapshot.account()), true, mapper.writeValueAsBytes(snapshot));
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
            writeAtomically(outcomeFile, true, mapper.writeValueAsBytes(outcome));
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
     * A store failure, with what failed and what follows from it.
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
