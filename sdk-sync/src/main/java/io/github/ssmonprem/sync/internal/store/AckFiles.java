package io.github.ssmonprem.sync.internal.store;

import io.github.ssmonprem.sync.internal.DurableFiles;
import io.github.ssmonprem.sync.store.InMemorySyncStore;
import io.github.ssmonprem.sync.usage.Acknowledgement;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The acknowledgements not taken yet, one small file each, {@code acks/ID.ack} (the acknowledgement
 * itself, checksummed): listed and counted without reading any report, taken by deleting one file.
 * Call every method holding the directory's lock.
 */
public final class AckFiles {

    private static final String ACK = ".ack";

    private final Path dir;
    private final FileQuarantine quarantine;

    /**
     * The acknowledgement files of a state directory.
     *
     * @param dir its {@code acks/} directory, which exists
     * @param quarantine where a damaged one goes
     */
    public AckFiles(Path dir, FileQuarantine quarantine) {
        this.dir = dir;
        this.quarantine = quarantine;
    }

    /**
     * Writes acknowledgements as not taken (replacing a file of the same id), each forced, then
     * forces the directory once: durable when this returns.
     *
     * @param acks the acknowledgements
     * @throws IOException when one cannot be written
     */
    public void publish(Collection<Acknowledgement> acks) throws IOException {
        for (Acknowledgement a : acks) {
            byte[] json = EntryCodec.write(a);
            DurableFiles.writeSealedForcingFileOnly(file(a.id()), out -> out.write(json));
        }
        if (!acks.isEmpty()) {
            DurableFiles.fsyncDirectory(dir);
        }
    }

    /**
     * {@return the acknowledgements not taken, oldest first; a damaged file is quarantined}
     *
     * @throws IOException when the directory or a file cannot be read
     */
    public List<Acknowledgement> list() throws IOException {
        List<Acknowledgement> out = new ArrayList<>();
        for (String id : ids()) {
            Acknowledgement a = quarantine.read(file(id), json -> EntryCodec.readAcknowledgement(id, json));
            if (a != null) {
                out.add(a);
            }
        }
        out.sort(InMemorySyncStore.ACKS_OLDEST_FIRST);
        return out;
    }

    /**
     * {@return how many acknowledgements are not taken}
     *
     * @throws IOException when the directory cannot be read
     */
    public int count() throws IOException {
        return ids().size();
    }

    /**
     * Marks an acknowledgement as taken, durably: deletes its file and forces the directory.
     *
     * @param id its id (a valid file name)
     * @return false when it was not there
     * @throws IOException when it cannot be deleted
     */
    public boolean take(String id) throws IOException {
        return DurableFiles.deleteDurably(file(id));
    }

    /**
     * Forgets acknowledgements with their delivered report, durably.
     *
     * @param acks them
     * @throws IOException when one cannot be deleted
     */
    public void forget(Collection<Acknowledgement> acks) throws IOException {
        boolean deleted = false;
        for (Acknowledgement a : acks) {
            deleted |= Files.deleteIfExists(file(a.id()));
        }
        if (deleted) {
            DurableFiles.fsyncDirectory(dir);
        }
    }

    private List<String> ids() throws IOException {
        return DurableFiles.stems(dir, ACK);
    }

    private Path file(String id) {
        return dir.resolve(id + ACK);
    }
}
