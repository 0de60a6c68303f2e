package io.github.ssmonprem.sync.store;

import io.github.ssmonprem.testkit.SyncStoreContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file store keeps the {@link SyncStore} contract, reopened on the same directory to check
 * durability; a damaged entry is a report file with a flipped byte.
 */
class FileSyncStoreContractTest extends SyncStoreContract {

    @TempDir
    Path dir;

    private Clock storeClock;

    @Override
    protected SyncStore newStore(Clock clock) {
        storeClock = clock;
        return new FileSyncStore(dir, clock);
    }

    @Override
    protected SyncStore reopen(SyncStore current) {
        current.close();
        return new FileSyncStore(dir, storeClock);
    }

    @Override
    protected boolean damage(String reportId) throws Exception {
        Path file = dir.resolve("pending").resolve(reportId + ".report");
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x20;
        Files.write(file, bytes);
        return true;
    }
}
