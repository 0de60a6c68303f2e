package io.github.ssmonprem.sync.internal.store;

import io.github.ssmonprem.core.internal.IoText;
import io.github.ssmonprem.sync.store.SyncStoreException;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.FileLockInterruptionException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Serialises the file store's operations on one state directory: within the process, a lock per
 * directory (by its real path, so two stores on one directory share it); across processes, a lock
 * on its {@code .lock} file. Turns I/O failures into {@link SyncStoreException}s that say what to do.
 */
public final class DirectoryLock {

    private static final ConcurrentHashMap<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

    private final Path root;
    private final Path lockFile;
    private final ReentrantLock processLock;

    /** An operation on the directory's files. */
    @FunctionalInterface
    public interface Action<T> {
        /**
         * Runs the operation.
         *
         * @return its result
         * @throws IOException when it fails
         */
        T run() throws IOException;
    }

    /**
     * The lock of a state directory that exists.
     *
     * @param root the directory
     * @throws IOException when its real path cannot be found
     */
    public DirectoryLock(Path root) throws IOException {
        this.root = root;
        this.lockFile = root.resolve(".lock");
        this.processLock = LOCKS.computeIfAbsent(root.toRealPath(), k -> new ReentrantLock());
    }

    /**
     * Runs an action holding the process lock and the lock file.
     *
     * @param what what it does, for the message of a failure ("store usage report u12 in DIR")
     * @param consequence what a failure leaves, for its remediation ("nothing was sent")
     * @param action the action
     * @param <T> its result
     * @return its result
     * @throws SyncStoreException when it fails with an I/O error
     */
    public <T> T locked(String what, String consequence, Action<T> action) {
        processLock.lock();
        try (FileChannel channel = openLockFile(); FileLock lock = channel.lock()) {
            return action.run();
        } catch (IOException e) {
            throw failure("cannot " + what, consequence, e);
        } finally {
            processLock.unlock();
        }
    }

    private FileChannel openLockFile() throws IOException {
        Set<StandardOpenOption> options = EnumSet.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        return lockFile.getFileSystem().supportedFileAttributeViews().contains("posix")
                ? FileChannel.open(lockFile, options, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                : FileChannel.open(lockFile, options);
    }

    /**
     * {@return a typed failure: what failed, and a remediation in the operator's terms ending with what the
     * failure left}
     *
     * @param what what failed
     * @param consequence what it left
     * @param e the I/O failure
     */
    public SyncStoreException failure(String what, String consequence, IOException e) {
        return failure(root, what, consequence, e);
    }

    /**
     * {@return a typed failure on a state directory that has no lock yet}
     *
     * @param root the state directory
     * @param what what failed
     * @param consequence what it left
     * @param e the I/O failure
     */
    public static SyncStoreException failure(Path root, String what, String consequence, IOException e) {
        String reason = IoText.reason(e);
        String lower = (reason + " " + e.getMessage()).toLowerCase(Locale.ROOT);
        String remediation;
        if ((e instanceof ClosedChannelException || e instanceof FileLockInterruptionException) && Thread.currentThread().isInterrupted()) {
            remediation = "The thread was interrupted (the application is stopping it) while it used " + root + "; "
                    + consequence + ". Call again from a thread that is not interrupted.";
        } else if (lower.contains("no space") || lower.contains("quota")) {
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
}
