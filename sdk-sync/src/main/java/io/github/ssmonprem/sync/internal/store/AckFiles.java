package io.github.ssmonprem.sync.internal.store;

import io.github.ssmonprem.sync.internal.DurableFiles;
import io.github.ssmonprem.sync.usage.Acknowledgement;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The acknowledgements not taken yet, one small file each, {@code acks/REPORT_ID~ACK_ID.ack} (the
 * acknowledgement itself, checksummed): listed and counted without reading any report, taken by
 * deleting one file. Call every method holding the directory's lock.
 *
 * <p>These files are the list of what is not taken; the acknowledgements themselves are durable in
 * their report's delivered file or dead letter, forced before they are published here. So a file is
 * renamed into place without being forced, and only the directory is forced, once per report: a
 * host crash that loses a file's content leaves a damaged file, which is written again from its
 * report's file when it is read. Before a dead letter is deleted (retried or discarded), its files
 * here are forced, being the only copy from then on.
 */
public final class AckFiles {

    private static final String ACK = ".ack";
    private static final char SEPARATOR = '~';   // in no id

    private final Path dir;
    private final FileQuarantine quarantine;
    private final Source source;

    /** Where a report's acknowledgements are kept for good: its delivered file or dead letter. */
    @FunctionalInterface
    public interface Source {
        /**
         * {@return the acknowledgements a report's delivered file or dead letter holds; empty when it has neither}
         *
         * @param reportId the report's id
         * @throws IOException when they cannot be read
         */
        List<Acknowledgement> of(String reportId) throws IOException;
    }

    /**
     * The acknowledgement files of a state directory.
     *
     * @param dir its {@code acks/} directory, which exists
     * @param quarantine where a damaged file goes when its report no longer holds it
     * @param source where a damaged file is written again from
     */
    public AckFiles(Path dir, FileQuarantine quarantine, Source source) {
        this.dir = dir;
        this.quarantine = quarantine;
        this.source = source;
    }

    /**
     * Writes a report's acknowledgements as not taken (replacing files of the same ids), then forces
     * the directory: each is listed from now on, also after a crash.
     *
     * @param reportId the report's id
     * @param acks its acknowledgements
     * @param force whether to force each file too (when no other file holds them)
     * @throws IOException when one cannot be written
     */
    public void publish(String reportId, Collection<Acknowledgement> acks, boolean force) throws IOException {
        for (Acknowledgement a : acks) {
            write(reportId, a, force);
        }
        if (!acks.isEmpty()) {
            DurableFiles.fsyncDirectory(dir);
        }
    }

    /**
     * Forces the files of a report's acknowledgements not taken (writing them again from
     * {@code acks}), before the only other copy, its dead letter, is deleted.
     *
     * @param reportId the report's id
     * @param acks the acknowledgements its dead letter holds
     * @throws IOException when one cannot be written
     */
    public void keepForGood(String reportId, Collection<Acknowledgement> acks) throws IOException {
        List<Acknowledgement> untaken = acks.stream().filter(a -> Files.exists(file(reportId, a.id()))).toList();
        publish(reportId, untaken, true);
    }

    private void write(String reportId, Acknowledgement a, boolean force) throws IOException {
        byte[] json = EntryCodec.write(a);
        DurableFiles.writeSealed(file(reportId, a.id()), force, false, out -> out.write(json));
    }

    /**
     * {@return the acknowledgements not taken, oldest first}
     *
     * @throws IOException when the directory or a file cannot be read
     */
    public List<Acknowledgement> list() throws IOException {
        List<Acknowledgement> out = new ArrayList<>();
        for (String name : names()) {
            Acknowledgement a = read(name);
            if (a != null) {
                out.add(a);
            }
        }
        out.sort(StoreOrder.ACKS_OLDEST_FIRST);
        return out;
    }

    /** An acknowledgement's file; a damaged one is written again from its report's file, or else quarantined. */
    private Acknowledgement read(String name) throws IOException {
        String reportId = name.substring(0, name.indexOf(SEPARATOR));
        String ackId = name.substring(name.indexOf(SEPARATOR) + 1);
        Path file = file(reportId, ackId);
        byte[] content = FileQuarantine.readIfExists(file);
        if (content == null) {
            return null;
        }
        try {
            return EntryCodec.readAcknowledgement(ackId, DurableFiles.unseal(content));
        } catch (IOException | RuntimeException damaged) {
            for (Acknowledgement a : source.of(reportId)) {
                if (a.id().equals(ackId)) {
                    write(reportId, a, true);
                    return a;
                }
            }
            quarantine.quarantine(file, damaged);
            return null;
        }
    }

    /**
     * {@return how many acknowledgements are not taken}
     *
     * @throws IOException when the directory cannot be listed
     */
    public int count() throws IOException {
        return names().size();
    }

    /**
     * {@return whether an acknowledgement of this id is listed (not taken), of whichever report}
     *
     * @param ackId its id
     * @throws IOException when the directory cannot be listed
     */
    public boolean has(String ackId) throws IOException {
        String suffix = SEPARATOR + ackId;
        return names().stream().anyMatch(n -> n.endsWith(suffix));
    }

    /**
     * Marks an acknowledgement as taken, durably: deletes its file and forces the directory.
     *
     * @param ackId its id
     * @return false when it was not there
     * @throws IOException when it cannot be deleted
     */
    public boolean take(String ackId) throws IOException {
        String suffix = SEPARATOR + ackId;
        for (String name : names()) {
            if (name.endsWith(suffix)) {
                return DurableFiles.deleteDurably(dir.resolve(name + ACK));
            }
        }
        return false;
    }

    /**
     * Forgets a report's acknowledgements with it, durably.
     *
     * @param reportId the report's id
     * @param acks its acknowledgements
     * @throws IOException when one cannot be deleted
     */
    public void forget(String reportId, Collection<Acknowledgement> acks) throws IOException {
        boolean deleted = false;
        for (Acknowledgement a : acks) {
            deleted |= Files.deleteIfExists(file(reportId, a.id()));
        }
        if (deleted) {
            DurableFiles.fsyncDirectory(dir);
        }
    }

    /** The names of the files, without {@code .ack}: {@code REPORT_ID~ACK_ID}. */
    private List<String> names() throws IOException {
        return DurableFiles.stems(dir, ACK).stream().filter(n -> n.indexOf(SEPARATOR) > 0).toList();
    }

    private Path file(String reportId, String ackId) {
        return dir.resolve(reportId + SEPARATOR + ackId + ACK);
    }
}
