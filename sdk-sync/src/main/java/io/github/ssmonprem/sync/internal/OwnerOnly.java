package io.github.ssmonprem.sync.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The file store's directories (0700) and lock file (0600) belong to the user that runs the SDK: no
 * other local user lists the report ids or holds the lock. On a file system without POSIX
 * permissions the defaults apply.
 */
public final class OwnerOnly {

    private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private OwnerOnly() {
    }

    private static boolean posix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /**
     * Creates a directory and its missing parents, each created one readable by its owner only, and
     * makes the directory itself owner-only if it existed already.
     *
     * @param dir the directory, one of the store's own
     * @throws IOException when it cannot be created or its permissions set
     */
    public static void directory(Path dir) throws IOException {
        if (!posix(dir)) {
            Files.createDirectories(dir);
            return;
        }
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIRECTORY));
        if (!Files.getPosixFilePermissions(dir).equals(DIRECTORY)) {
            Files.setPosixFilePermissions(dir, DIRECTORY);
        }
    }

    /**
     * Opens a file for writing, created readable and writable by its owner only.
     *
     * @param file the file
     * @return the channel
     * @throws IOException when it cannot be opened
     */
    public static FileChannel openForWriting(Path file) throws IOException {
        Set<StandardOpenOption> options = Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        if (!posix(file)) {
            return FileChannel.open(file, options);
        }
        FileAttribute<Set<PosixFilePermission>> ownerOnly = PosixFilePermissions.asFileAttribute(FILE);
        return FileChannel.open(file, options, ownerOnly);
    }

    /**
     * Makes an existing file of the store owner-only (a file created by an earlier version).
     *
     * @param file the file
     * @throws IOException when its permissions cannot be read or set
     */
    public static void file(Path file) throws IOException {
        if (posix(file) && Files.exists(file) && !Files.getPosixFilePermissions(file).equals(FILE)) {
            Files.setPosixFilePermissions(file, FILE);
        }
    }
}
