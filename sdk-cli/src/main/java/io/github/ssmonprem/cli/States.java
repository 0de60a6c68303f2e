package io.github.ssmonprem.cli;

import io.github.ssmonprem.core.internal.IoText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** State directories: created when missing, and the demo's temporary one removed afterwards. */
final class States {

    private States() {
    }

    /**
     * Creates the directory and its parents when missing.
     *
     * @param dir the directory
     * @return the directory
     * @throws UsageError when it cannot be created
     */
    static Path create(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UsageError("The state directory " + dir + " cannot be created (" + IoText.reason(e) + ").",
                    "Give --state-dir (or SSM_STATE_DIR) a directory the command may write to.");
        }
    }

    /**
     * Removes a directory and everything in it.
     *
     * @param dir the directory
     */
    static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + dir, e);
        }
    }
}
