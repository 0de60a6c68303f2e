package io.github.ssmonprem.sync;

import io.github.ssmonprem.sync.store.FileSyncStore;
import io.github.ssmonprem.sync.store.SyncStore;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.io.TempDir;

/** Two nodes on one shared state directory, each with its own {@link FileSyncStore} on it. */
class FileSharedStoreDeliveryTest extends SharedStoreDeliveryTest {

    @TempDir
    Path sharedDirectory;

    @Override
    protected SyncStore openSharedStore(Clock clock) {
        return new FileSyncStore(sharedDirectory, clock);
    }
}
