package io.github.ssmonprem.sync.internal.usage;

import io.github.ssmonprem.sync.internal.usage.UsageProtocol.AccountIds;
import io.github.ssmonprem.sync.store.PendingReport;
import io.github.ssmonprem.sync.usage.Sudi;
import java.time.Duration;

/** A report accepted by the server and polled for, with what its polls need and how long the server asks to wait. */
final class Polling {

    PendingReport entry;
    final AccountIds ids;
    Duration wait;
    /** Whether the server's message while not ready was surfaced already. */
    boolean noted;

    Polling(PendingReport entry, AccountIds ids, Duration wait) {
        this.entry = entry;
        this.ids = ids;
        this.wait = wait;
    }

    Sudi device() {
        return entry.report().devices().get(0);
    }
}
