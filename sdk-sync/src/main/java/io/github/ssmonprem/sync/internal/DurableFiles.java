package io.github.ssmonprem.sync.internal;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/**
 * How the file store writes a file so that a crash leaves the old content or the new, and how it
 * tells a damaged file: a checksum line before the content.
 */
public final class DurableFiles {

    private static final String CHECKSUM_PREFIX = "ssm-entry crc32c=";
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY_DIRECTORY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
    /** The temporary names {@link #writeAtomically} writes: a dot, the target's name, a dot, hex digits, {@code .tmp}. */
    private static final Pattern TEMPORARY = Pattern.compile("\\..+\\.[0-9a-f]{1,16}\\.tmp");

    private DurableFiles() {
    }

    /** Writes a file's content to a stream, which it does not close. */
    @FunctionalInterface
    public interface Content {
        /**
         * Writes the content.
         *
         * @param out where to
         * @throws IOException when it fails
         */
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Writes to a temporary file beside the target, forces it, renames it over the target and forces
     * the directory: readers see the old or the new content, never a mix, and the new one survives a
     * crash once this returns.
     *
     * @param target the file
     * @param content its content
     * @throws IOException when any step fails; then the target is as it was and no temporary file is left
     */
    public static void writeAtomically(Path target, byte[] content) throws IOException {
        writeAtomically(target, false, true, out -> out.write(content));
    }

    /**
     * Like {@link #writeAtomically(Path, byte[])}, with the checksum line
     * {@code ssm-entry crc32c=XXXXXXXX} (the CRC-32C of the content in hexadecimal) in front of a
     * content streamed as it is generated: the line's place is written first and filled in once the
     * content is complete.
     *
     * @param target the file
     * @param force whether to force the file and its directory to disk; without, the new content is
     *     visible to every process at once, atomically, but a crash of the host may lose or tear it
     * @param content writes its content (JSON)
     * @throws IOException when any step fails; then the target is as it was and no temporary file is left
     */
    public static void writeSealed(Path target, boolean force, Content content) throws IOException {
        writeAtomically(target, true, force, force, content);
    }

    /**
     * Like {@link #writeSealed(Path, boolean, Content)}, forcing the file and the directory or not
     * each: for several files written in a row into one directory, which the caller then forces
     * once with {@link #fsyncDirectory(Path)}.
     *
     * @param target the file
     * @param forceFile whether to force the file's content to disk before the rename
     * @param forceDirectory whether to force the directory after the rename
     * @param content writes its content (JSON)
     * @throws IOException when any step fails; then the target is as it was and no temporary file is left
     */
    public static void writeSealed(Path target, boolean forceFile, boolean forceDirectory, Content content) throws IOException {
        writeAtomically(target, true, forceFile, forceDirectory, content);
    }

    private static void writeAtomically(Path target, boolean sealed, boolean force, Content content) throws IOException {
        writeAtomically(target, sealed, force, force, content);
    }

    private static void writeAtomically(Path target, boolean sealed, boolean forceFile, boolean forceDirectory, Content content)
            throws IOException {
        Path dir = target.getParent();
        // A hidden name of its own (CREATE_NEW refuses a clash), readable by this user only, as Files.createTempFile makes it.
        Path temp = dir.resolve("." + target.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        boolean moved = false;
        CRC32C crc = new CRC32C();
        try {
            try (FileChannel channel = open(temp)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
                if (sealed) {
                    out.write(checksumLine(crc));
                    out = new CheckedOutputStream(out, crc);
                }
                content.writeTo(out);
                out.flush();
                if (sealed) {
                    write(channel, checksumLine(crc), 0);
                }
                if (forceFile) {
                    channel.force(false);
                }
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
            if (forceDirectory) {
                fsyncDirectory(dir);
            }
        } finally {
            if (!moved) {
                Files.deleteIfExists(temp);
            }
        }
    }

    /**
     * {@return whether a file name is one of the temporary names this class writes before a rename
     * ({@code .NAME.HEX.tmp}): what a crash leaves behind. No other name matches, since the files it renames
     * them to never start with a dot}
     *
     * @param name a file name
     */
    public static boolean isTemporary(String name) {
        return TEMPORARY.matcher(name).matches();
    }

    /**
     * Creates a directory and its missing parents, readable by this user only where the file system
     * has POSIX permissions (existing directories are left as they are).
     *
     * @param dir the directory
     * @throws IOException when it cannot be created
     */
    public static void createPrivateDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null) {
            createPrivateDirectories(parent);
        }
        try {
            if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.createDirectory(dir, OWNER_ONLY_DIRECTORY);
            } else {
                Files.createDirectory(dir);
            }
        } catch (java.nio.file.FileAlreadyExistsException raced) {
            if (!Files.isDirectory(dir)) {
                throw raced;
            }
        }
    }

    /**
     * Moves a file to another directory of the same file system atomically, then forces both
     * directories: the move survives a crash once this returns, and a crash before leaves the file
     * in one of the two places.
     *
     * @param from the file
     * @param to its new path
     * @throws IOException when it cannot be moved or the directories forced
     */
    public static void moveDurably(Path from, Path to) throws IOException {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        fsyncDirectory(to.getParent());
        fsyncDirectory(from.getParent());
    }

    private static FileChannel open(Path temp) throws IOException {
        Set<StandardOpenOption> options = EnumSet.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW);
        return temp.getFileSystem().supportedFileAttributeViews().contains("posix")
                ? FileChannel.open(temp, options, OWNER_ONLY) : FileChannel.open(temp, options);
    }

    private static byte[] checksumLine(CRC32C crc) {
        return String.format(Locale.ROOT, "%s%08x\n", CHECKSUM_PREFIX, crc.getValue()).getBytes(StandardCharsets.US_ASCII);
    }

    private static void write(FileChannel channel, byte[] bytes, long position) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer, position + buffer.position());
        }
    }

    /**
     * Forces a directory's entries (a rename, a new or deleted file) to disk.
     *
     * @param dir the directory
     * @throws IOException when it cannot be forced
     */
    public static void fsyncDirectory(Path dir) throws IOException {
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
     * Deletes a file and forces its directory.
     *
     * @param file the file
     * @return whether there was such a file
     * @throws IOException when it cannot be deleted or the directory forced
     */
    public static boolean deleteDurably(Path file) throws IOException {
        boolean deleted = Files.deleteIfExists(file);
        if (deleted) {
            fsyncDirectory(file.getParent());
        }
        return deleted;
    }

    /**
     * {@return the files of a directory whose names match, sorted by name, leaving out hidden (temporary)
     * ones}
     *
     * @param dir the directory
     * @param name which names
     * @throws IOException when the directory cannot be listed
     */
    public static List<Path> files(Path dir, Predicate<String> name) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> !f.getFileName().toString().startsWith(".") && name.test(f.getFileName().toString()))
                    .sorted().toList();
        }
    }

    /**
     * {@return the names of the files of a directory that end with a suffix, without it, sorted, leaving
     * out hidden (temporary) ones: the ids of a store's entries of one kind}
     *
     * @param dir the directory
     * @param suffix such as {@code .report}
     * @throws IOException when the directory cannot be listed
     */
    public static List<String> stems(Path dir, String suffix) throws IOException {
        return files(dir, name -> name.endsWith(suffix)).stream().map(f -> {
            String name = f.getFileName().toString();
            return name.substring(0, name.length() - suffix.length());
        }).toList();
    }

    /**
     * {@return the content after a file's checksum line, checked against it}
     *
     * @param file what {@link #writeSealed} wrote
     * @throws IOException when there is no checksum line or the content does not match it
     */
    public static byte[] unseal(byte[] file) throws IOException {
        int newline = 0;
        while (newline < file.length && file[newline] != '\n') {
            newline++;
        }
        String head = new String(file, 0, newline, StandardCharsets.US_ASCII).strip();
        if (newline == file.length || !head.startsWith(CHECKSUM_PREFIX)) {
            throw new IOException("it has no checksum line");
        }
        byte[] content = Arrays.copyOfRange(file, newline + 1, file.length);
        CRC32C crc = new CRC32C();
        crc.update(content);
        try {
            if (crc.getValue() == Long.parseLong(head.substring(CHECKSUM_PREFIX.length()), 16)) {
                return content;
            }
        } catch (NumberFormatException e) {
            throw new IOException("its checksum line is damaged");
        }
        throw new IOException("its content does not match its checksum (a damaged disk)");
    }
}
