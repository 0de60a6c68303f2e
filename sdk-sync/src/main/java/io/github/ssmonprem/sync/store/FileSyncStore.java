package io.github.ssmonprem.sync.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.ssmonprem.core.http.SsmJson;
import io.github.ssmonprem.core.internal.Redactor;
import io.github.ssmonprem.sync.internal.UsageWireFormat;
import io.github.ssmonprem.sync.model.UsageReport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.apache.hc.core5.net.PercentCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SyncStore} on the file system, under one state directory:
 *
 * <pre>
 * STATE_DIR/pending/REPORT_ID.report    a usage report waiting for acknowledgement: a header line, the
 *                                       exact request body it is sent as (one line), then one line per
 *                                       change of its delivery state (poll id, failed attempts)
 * STATE_DIR/quarantine/                 entries that could not be read, with a .reason file each
 * STATE_DIR/snapshots/ACCOUNT.json      the last license snapshot of each smart account
 * STATE_DIR/last-sync.json              the last sync's outcome
 * </pre>
 *
 * <p>A report, snapshots and outcomes are written durably and atomically: the data goes to a temporary
 * file in the same directory, is forced to disk, renamed over the target, and the directory is forced
 * too; a crash at any point leaves either the old or the new file, never a torn one. A report is
 * written once, in the form it is sent, so it is serialised once for both. Changes of its delivery
 * state are appended to it, and it is deleted after acknowledgement, neither forced to disk: a crash
 * that loses them costs at most one resubmission with the report's original nonce, which the server
 * counts once, and saves disk flushes on every report. A state line torn by a crash is ignored. One store per directory per process; several processes sharing a directory
 * must not deliver at the same time.
 */
public final class FileSyncStore implements SyncStore {

    private static final Logger LOG = LoggerFactory.getLogger(FileSyncStore.class);
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    private static final String REPORT = ".report";
    private static final int FORMAT = 1;
    private static final byte[] NEWLINE = {'\n'};

    /** The first line of a stored report. */
    record ReportHeader(int format, String reportId, String account, String virtualAccount, Instant storedAt) {
    }

    /** A report's delivery state, appended to it as a line. */
    record DeliveryState(String pollId, int attempts, String lastError) {
    }

    private final Path root;
    private final Path pendingDir;
    private final Path quarantineDir;
    private final Path snapshotDir;
    private final Path outcomeFile;
    private final ObjectMapper mapper = SsmJson.mapper();
    private final List<String> quarantined = new CopyOnWriteArrayList<>();

    /**
     * Opens (and creates when missing) a state directory.
     *
     * @param stateDirectory the directory
     * @throws SyncStoreException when it cannot be created
     */
    public FileSyncStore(Path stateDirectory) {
        this.root = stateDirectory.toAbsolutePath();
        this.pendingDir = root.resolve("pending");
        this.quarantineDir = root.resolve("quarantine");
        this.snapshotDir = root.resolve("snapshots");
        this.outcomeFile = root.resolve("last-sync.json");
        try {
            Files.createDirectories(pendingDir);
            Files.createDirectories(snapshotDir);
        } catch (IOException e) {
            throw failure("cannot create the state directory " + root, e);
        }
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
        Path reportFile = pendingDir.resolve(id + REPORT);
        try {
            if (!Files.exists(reportFile)) {
                byte[] body = requestBody != null ? requestBody : UsageWireFormat.encode(entry.report());
                byte[] header = mapper.writeValueAsBytes(new ReportHeader(FORMAT, id, entry.report().account(),
                        entry.report().virtualAccount(), entry.storedAt()));
                writeAtomically(reportFile, true, header, NEWLINE, body, NEWLINE);
            }
            if (entry.pollId() != null || entry.attempts() > 0 || entry.lastError() != null) {
                byte[] line = mapper.writeValueAsBytes(new DeliveryState(entry.pollId(), entry.attempts(), entry.lastError()));
                try (FileChannel channel = FileChannel.open(reportFile, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                    ByteBuffer[] buffers = {ByteBuffer.wrap(line), ByteBuffer.wrap(NEWLINE)};
                    long remaining = line.length + 1L;
                    while (remaining > 0) {
                        remaining -= channel.write(buffers);
                    }
                }
            }
        } catch (IOException e) {
            throw failure("cannot store usage report " + id + " durably in " + pendingDir, e);
        }
    }

    @Override
    public List<PendingReport> pendingReports() {
        List<PendingReport> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(pendingDir, "*" + REPORT)) {
            for (Path file : files) {
                try {
                    out.add(readPending(file));
                } catch (NoSuchFileException removedMeanwhile) {
                    // delivered and removed by another thread since the listing
                } catch (IOException | RuntimeException e) {
                    quarantine(file, e);
                }
            }
        } catch (IOException e) {
            throw failure("cannot list the pending usage reports in " + pendingDir, e);
        }
        out.sort(Comparator.comparing(PendingReport::storedAt).thenComparing(PendingReport::reportId));
        return out;
    }

    private PendingReport readPending(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        int headerEnd = indexOf(all, 0);
        int bodyEnd = headerEnd < 0 ? -1 : indexOf(all, headerEnd + 1);
        if (bodyEnd < 0) {
            throw new IOException("it is incomplete (no header and body lines)");
        }
        ReportHeader header = mapper.readValue(all, 0, headerEnd, ReportHeader.class);
        String expected = file.getFileName().toString();
        expected = expected.substring(0, expected.length() - REPORT.length());
        if (header.format() != FORMAT || !expected.equals(header.reportId())) {
            throw new IOException("its header (format " + header.format() + ", report " + header.reportId()
                    + ") does not match its file name");
        }
        UsageReport report = UsageWireFormat.decode(header.account(), header.virtualAccount(),
                java.util.Arrays.copyOfRange(all, headerEnd + 1, bodyEnd));
        if (!expected.equals(report.reportId())) {
            throw new IOException("its nonce " + report.reportId() + " does not match its file name");
        }
        DeliveryState state = new DeliveryState(null, 0, null);
        for (int start = bodyEnd + 1, end; start < all.length; start = end + 1) {
            end = indexOf(all, start);
            if (end < 0) {
                break;   // a state line torn by a crash: the previous state stands
            }
            try {
                state = mapper.readValue(all, start, end - start, DeliveryState.class);
            } catch (IOException unreadable) {
                LOG.warn("Ignoring an unreadable delivery state line of {}", file);
            }
        }
        return new PendingReport(report, header.storedAt(), state.pollId(), state.attempts(), state.lastError());
    }

    private static int indexOf(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private void quarantine(Path file, Exception why) {
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
            // Not forced to disk: should a crash undo the removal, the acknowledged report is sent again
            // with its nonce and counted once by the server.
            Files.deleteIfExists(pendingDir.resolve(reportId + REPORT));
        } catch (IOException e) {
            throw failure("cannot remove acknowledged usage report " + reportId + " from " + pendingDir, e);
        }
    }

    @Override
    public int pendingCount() {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(pendingDir, "*" + REPORT)) {
            int n = 0;
            for (Path ignored : files) {
                n++;
            }
            return n;
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public List<String> quarantined() {
        return List.copyOf(quarantined);
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
