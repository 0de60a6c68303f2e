package io.github.ssmonprem.sync.internal.store;

import io.github.ssmonprem.sync.internal.DurableFiles;
import io.github.ssmonprem.sync.usage.Acknowledgement;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The acknowledgements kept outside a report's delivery (authorization codes), one file each in
 * {@code kept/}: {@code ACK_ID.kept} (the acknowledgement, checksummed) while not taken, renamed
 * {@code ACK_ID.taken} once taken, so its id stays known; the file's time is when it arrived, and it
 * is deleted once the retention passed. Each change is one forced step: the write (file and
 * directory forced), the rename or the deletion (directory forced). Call every method holding the
 * directory's lock.
 */
public final class KeptFiles {

    private static final String KEPT = ".kept";
    private static final String TAKEN = ".taken";

    private final Path dir;
    private final FileQuarantine quarantine;

    /**
     * The kept acknowledgements of a state directory.
     *
     * @param dir its {@code kept/} directory, which exists
     * @param quarantine where a damaged file goes
     */
    public KeptFiles(Path dir, FileQuarantine quarantine) {
        this.dir = dir;
        this.quarantine = quarantine;
    }

    /**
     * {@return whether an acknowledgement of this id is kept, taken or not}
     *
     * @param ackId its id
     */
    public boolean has(String ackId) {
        return Files.exists(file(ackId, KEPT)) || Files.exists(file(ackId, TAKEN));
    }

    /**
     * Keeps an acknowledgement as not taken, durably, dated when it arrived.
     *
     * @param ack the acknowledgement
     * @throws IOException when it cannot be written
     */
    public void keep(Acknowledgement ack) throws IOException {
        byte[] json = EntryCodec.write(ack);
        Path file = file(ack.id(), KEPT);
        DurableFiles.writeSealed(file, true, out -> out.write(json));
        Files.setLastModifiedTime(file, FileTime.from(ack.receivedAt()));   // what the retention reads; a later time if lost
    }

    /**
     * {@return the acknowledgements not taken, oldest first; a damaged file is quarantined}
     *
     * @throws IOException when the directory or a file cannot be read
     */
    public List<Acknowledgement> list() throws IOException {
        List<Acknowledgement> out = new ArrayList<>();
        for (String id : DurableFiles.stems(dir, KEPT)) {
            Acknowledgement a = quarantine.read(file(id, KEPT), json -> EntryCodec.readAcknowledgement(id, json));
            if (a != null) {
                out.add(a);
            }
        }
        out.sort(StoreOrder.ACKS_OLDEST_FIRST);
        return out;
    }

    /**
     * {@return how many are not taken}
     *
     * @throws IOException when the directory cannot be listed
     */
    public int count() throws IOException {
        return DurableFiles.stems(dir, KEPT).size();
    }

    /**
     * Marks an acknowledgement as taken, durably: renames its file and forces the directory.
     *
     * @param ackId its id
     * @return false when it was not kept, or taken already
     * @throws IOException when it cannot be renamed
     */
    public boolean take(String ackId) throws IOException {
        Path kept = file(ackId, KEPT);
        if (!Files.exists(kept)) {
            return false;
        }
        Files.move(kept, file(ackId, TAKEN), StandardCopyOption.ATOMIC_MOVE);
        DurableFiles.fsyncDirectory(dir);
        return true;
    }

    /**
     * Forgets, durably, the acknowledgements that arrived before a time, taken or not.
     *
     * @param horizon the time
     * @throws IOException when one cannot be deleted
     */
    public void forget(Instant horizon) throws IOException {
        boolean deleted = false;
        for (Path f : DurableFiles.files(dir, name -> name.endsWith(KEPT) || name.endsWith(TAKEN))) {
            if (Files.getLastModifiedTime(f).toInstant().isBefore(horizon)) {
                deleted |= Files.deleteIfExists(f);
            }
        }
        if (deleted) {
            DurableFiles.fsyncDirectory(dir);
        }
    }

    private Path file(String ackId, String suffix) {
        return dir.resolve(ackId + suffix);
    }
}
