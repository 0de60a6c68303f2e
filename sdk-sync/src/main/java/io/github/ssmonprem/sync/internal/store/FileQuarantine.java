package io.github.ssmonprem.sync.internal.store;

import io.github.ssmonprem.core.internal.IoText;
import io.github.ssmonprem.core.internal.Redactor;
import io.github.ssmonprem.sync.internal.DurableFiles;
import io.github.ssmonprem.sync.store.Quarantine;
import io.github.ssmonprem.sync.store.QuarantinedEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file store's checked reads and its {@code quarantine/} directory: a file that fails its
 * checksum or cannot be parsed is moved there as {@code DIR-NAME.MILLIS}, with the reason in
 * {@code DIR-NAME.MILLIS.reason}, and stays until an operator discards it. It is never dropped, and
 * blocks no other entry.
 */
public final class FileQuarantine implements Quarantine {

    private static final Logger LOG = LoggerFactory.getLogger(FileQuarantine.class);
    private static final String REASON = ".reason";
    /** What {@link #quarantine} names a file: DIR-NAME.MILLIS, optionally -N when that name was taken. */
    private static final Pattern NAME = Pattern.compile("[a-z]+-[A-Za-z0-9][A-Za-z0-9._~-]*\\.(\\d{1,19})(-\\d+)?");
    /** A name in the directory (never a path elsewhere). */
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._~-]{0,254}");

    private final Path dir;
    private final DirectoryLock lock;
    private final Clock clock;

    /** Parses a file's checked content. */
    @FunctionalInterface
    public interface Parser<T> {
        /**
         * Parses the content.
         *
         * @param content the content after the checksum line
         * @return what it holds
         * @throws IOException when it cannot be parsed
         */
        T parse(byte[] content) throws IOException;
    }

    /**
     * The quarantine of a state directory.
     *
     * @param dir its {@code quarantine/} directory, which exists
     * @param lock the directory's lock
     * @param clock the store's clock
     */
    public FileQuarantine(Path dir, DirectoryLock lock, Clock clock) {
        this.dir = dir;
        this.lock = lock;
        this.clock = clock;
    }

    /**
     * {@return a file's content checked and parsed (call it holding the lock); null when there is no such
     * file, or when it is damaged, in which case it is now quarantined}
     *
     * @param file a file written sealed
     * @param parser parses its content
     * @param <T> what it holds
     * @throws IOException when it cannot be read or quarantined
     */
    public <T> T read(Path file, Parser<T> parser) throws IOException {
        byte[] content = readIfExists(file);
        if (content == null) {
            return null;
        }
        try {
            return parser.parse(DurableFiles.unseal(content));
        } catch (IOException | RuntimeException e) {
            quarantine(file, e);
            return null;
        }
    }

    /**
     * {@return a file's content, or null when there is no such file. Most files asked for do not exist (a
     * new report's delivered file and dead letter): checking first spares an exception each}
     *
     * @param file the file
     * @throws IOException when it cannot be read
     */
    public static byte[] readIfExists(Path file) throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /**
     * Moves a file to the quarantine, with the reason (call it holding the lock).
     *
     * @param file the file
     * @param why why it could not be read
     * @throws IOException when it cannot be moved
     */
    public void quarantine(Path file, Exception why) throws IOException {
        String reason = Redactor.snippet(why instanceof IOException io ? IoText.reason(io) : String.valueOf(why.getMessage()), 300);
        String base = file.getParent().getFileName() + "-" + file.getFileName() + "." + clock.millis();
        String name = base;
        for (int n = 2; Files.exists(dir.resolve(name)); n++) {
            name = base + "-" + n;
        }
        Files.move(file, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        DurableFiles.writeAtomically(dir.resolve(name + REASON), (reason + System.lineSeparator()).getBytes(StandardCharsets.UTF_8));
        DurableFiles.fsyncDirectory(file.getParent());
        LOG.warn("Quarantined {} as {}: it could not be read ({}). Inspect it, resubmit the usage or hand over the acknowledgement "
                + "it held if it was genuine, then discard it.", file, dir.resolve(name), reason);
    }

    @Override
    public List<QuarantinedEntry> quarantined() {
        return lock.locked("list " + dir, "nothing was changed", () -> {
            List<QuarantinedEntry> out = new ArrayList<>();
            for (Path file : DurableFiles.files(dir, name -> !name.endsWith(REASON))) {
                String name = file.getFileName().toString();
                Path reasonFile = dir.resolve(name + REASON);
                String reason = Files.exists(reasonFile) ? Files.readString(reasonFile).strip() : "unreadable";
                out.add(new QuarantinedEntry(name, "entry " + name + " could not be read (" + reason + ") and was moved to " + file,
                        quarantinedAt(name, reasonFile, file)));
            }
            out.sort(Comparator.comparing(QuarantinedEntry::quarantinedAt).thenComparing(QuarantinedEntry::id));
            return out;
        });
    }

    /** When a file was quarantined: the instant in its name, in the store's clock; else when its reason was written. */
    private static Instant quarantinedAt(String name, Path reasonFile, Path file) throws IOException {
        Matcher m = NAME.matcher(name);
        if (m.matches()) {
            return Instant.ofEpochMilli(Long.parseLong(m.group(1)));
        }
        return Files.getLastModifiedTime(Files.exists(reasonFile) ? reasonFile : file).toInstant();
    }

    @Override
    public boolean discardQuarantined(String id) {
        if (id == null || !FILE_NAME.matcher(id).matches() || id.endsWith(REASON)) {
            return false;
        }
        return lock.locked("delete quarantined entry " + id + " from " + dir, "it stays quarantined", () -> {
            boolean deleted = Files.deleteIfExists(dir.resolve(id));
            Files.deleteIfExists(dir.resolve(id + REASON));
            DurableFiles.fsyncDirectory(dir);
            return deleted;
        });
    }
}
