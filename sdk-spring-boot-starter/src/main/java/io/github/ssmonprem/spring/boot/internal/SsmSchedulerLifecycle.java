package io.github.ssmonprem.spring.boot.internal;

import io.github.ssmonprem.sync.SyncScheduler;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the {@link SyncScheduler} with the application context and stops it gracefully (waiting,
 * bounded, for a running sync) when the context stops, before the beans it uses are destroyed.
 */
public final class SsmSchedulerLifecycle implements SmartLifecycle {

    private final SyncScheduler scheduler;
    private volatile boolean running;

    /**
     * Creates the lifecycle.
     *
     * @param scheduler the scheduler to start and stop
     * @param status receives every sync result
     */
    public SsmSchedulerLifecycle(SyncScheduler scheduler, SsmSyncStatus status) {
        this.scheduler = scheduler;
        scheduler.addListener(status);
    }

    @Override
    public void start() {
        if (!running) {
            scheduler.start();
            running = true;
        }
    }

    @Override
    public void stop() {
        if (running) {
            running = false;
            scheduler.close();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
