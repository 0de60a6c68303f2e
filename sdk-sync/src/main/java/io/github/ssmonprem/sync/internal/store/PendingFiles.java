package io.github.ssmonprem.sync.internal.store;

import io.github.ssmonprem.sync.internal.DurableFiles;
import io.github.ssmonprem.sync.internal.store.EntryCodec.Claim;
import io.github.ssmonprem.sync.internal.store.EntryCodec.State;
import io.github.ssmonprem.sync.store.PendingReport;
import io.github.ssmonprem.sync.usage.UsageReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * The files of the pending reports, in {@code pending/}: {@code ID.report} (the report and when it
 * was stored; written once, forced), {@code ID.state} (its delivery state, forced) and
 * {@code ID.claim} (its claim, not forced). Call every method holding the directory's lock.
 */
public final class PendingFiles {

    /** The suffix of a report file. */
    public static final String REPORT = ".report";
    private static final String STATE = ".state";
    private static final String CLAIM = ".claim";

    private final Path dir;
    private final FileQuarantine quarantine;

    /**
     * The pending files of a state directory.
     *
     * @param dir its {@code pending/} directory, which exists
     * @param quarantine where a damaged report or state file goes
     */
    public PendingFiles(Path dir, FileQuarantine quarantine) {
        this.dir = dir;
        this.quarantine = quarantine;
    }

    /** {@return the directory} */
    public Path dir() {
        return dir;
    }

    /**
     * {@return the report file of an id}
     *
     * @param id the report id
     */
    public Path reportFile(String id) {
        return dir.resolve(id + REPORT);
    }

    /**
     * {@return whether an id has a report file}
     *
     * @param id the report id
     */
    public boolean has(String id) {
        return Files.exists(reportFile(id));
    }

    /**
     * {@return the ids of the report files, sorted}
     *
     * @throws IOException when the directory cannot be listed
     */
    public List<String> ids() throws IOException {
        return DurableFiles.stems(dir, REPORT);
    }

    /**
     * Writes a report's file, forced: the report is stored when this returns.
     *
     * @param report the report
     * @param storedAt when it is stored
     * @throws IOException when it cannot be written (then there is no file)
     */
    public void writeReport(UsageReport report, Instant storedAt) throws IOException {
        DurableFiles.writeSealed(reportFile(report.reportId()), true, out -> EntryCodec.writeReport(report, storedAt, out));
    }

    /**
     * {@return a pending report with its delivery state and claim; null when it has no report file, or when
     * that was damaged (then it is quarantined and the report's other files deleted)}
     *
     * @param id the report id
     * @throws IOException when the files cannot be read
     */
    public PendingReport read(String id) throws IOException {
        if (!has(id)) {
            return null;
        }
        PendingReport entry = quarantine.read(reportFile(id), json -> EntryCodec.readReport(id, json));
        if (entry == null) {
            delete(id);   // no report left to deliver
            return null;
        }
        Claim claim = readClaim(id);
        entry = readState(id).applyTo(entry);
        return claim == null ? entry : entry.withClaim(claim.owner(), claim.until());
    }

    /**
     * {@return a report's delivery state; none when it has no state file, or when that was damaged
     * (then it is quarantined)}
     *
     * @param id the report id
     * @throws IOException when it cannot be read
     */
    public State readState(String id) throws IOException {
        State state = quarantine.read(dir.resolve(id + STATE), EntryCodec::readState);
        return state == null ? State.NONE : state;
    }

    /**
     * Replaces a report's delivery state, forced.
     *
     * @param id the report id
     * @param state the state
     * @throws IOException when it cannot be written (then the previous one is kept)
     */
    public void writeState(String id, State state) throws IOException {
        if (state.equals(State.NONE)) {
            DurableFiles.deleteDurably(dir.resolve(id + STATE));
        } else {
            byte[] json = EntryCodec.write(state);
            DurableFiles.writeSealed(dir.resolve(id + STATE), true, out -> out.write(json));
        }
    }

    /**
     * {@return a report's claim, or null when it has none. A damaged claim file is deleted, not quarantined:
     * it holds no usage and no delivery state, and the crash that tore it ended its holder's lease}
     *
     * @param id the report id
     * @throws IOException when it cannot be read
     */
    public Claim readClaim(String id) throws IOException {
        Path file = dir.resolve(id + CLAIM);
        try {
            byte[] content = FileQuarantine.readIfExists(file);
            return content == null ? null : EntryCodec.readClaim(DurableFiles.unseal(content));
        } catch (IOException | RuntimeException damaged) {
            Files.deleteIfExists(file);
            return null;
        }
    }

    /**
     * Replaces a report's claim atomically, not forced: every process sees it at once, and only a
     * crash of the host, which ends every holder, can lose it.
     *
     * @param id the report id
     * @param claim the claim; one without owner is none
     * @throws IOException when it cannot be written (then the previous one is kept)
     */
    public void writeClaim(String id, Claim claim) throws IOException {
        byte[] json = EntryCodec.write(claim.owner() == null ? new Claim(null, null) : claim);
        DurableFiles.writeSealed(dir.resolve(id + CLAIM), false, out -> out.write(json));
    }

    /**
     * Deletes a report's claim and state files, not forced.
     *
     * @param id the report id
     * @throws IOException when one cannot be deleted
     */
    public void deleteClaimAndState(String id) throws IOException {
        Files.deleteIfExists(dir.resolve(id + CLAIM));
        Files.deleteIfExists(dir.resolve(id + STATE));
    }

    /**
     * Deletes a report's files, its report last, not forced (the callers force the directory when it matters).
     *
     * @param id the report id
     * @throws IOException when one cannot be deleted
     */
    public void delete(String id) throws IOException {
        deleteClaimAndState(id);
        Files.deleteIfExists(reportFile(id));
    }

    /**
     * Deletes the state and claim files without a report (a crash or a deletion by hand left them).
     *
     * @throws IOException when the directory cannot be listed or a file deleted
     */
    public void deleteOrphans() throws IOException {
        for (String suffix : List.of(STATE, CLAIM)) {
            for (String id : DurableFiles.stems(dir, suffix)) {
                if (!has(id)) {
                    Files.deleteIfExists(dir.resolve(id + suffix));
                }
            }
        }
    }
}
