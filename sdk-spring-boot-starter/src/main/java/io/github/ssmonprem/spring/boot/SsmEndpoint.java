package io.github.ssmonprem.spring.boot;

import io.github.ssmonprem.spring.boot.internal.SsmSyncStatus;
import io.github.ssmonprem.sync.SsmSyncClient;
import io.github.ssmonprem.sync.SyncResult;
import io.github.ssmonprem.sync.SyncScheduler;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code ssm} actuator endpoint: {@code GET /actuator/ssm} shows the sync status,
 * {@code POST /actuator/ssm/sync} runs a sync now and returns its result. Exposed only when the
 * application exposes it ({@code management.endpoints.web.exposure.include=health,ssm}).
 */
@Endpoint(id = "ssm")
public class SsmEndpoint {

    private final SsmSyncClient client;
    private final SsmSyncStatus status;
    private final ObjectProvider<SyncScheduler> scheduler;

    /**
     * Creates the endpoint.
     *
     * @param client the sync client
     * @param status the sync status
     * @param scheduler the scheduler, when the background sync is on
     */
    public SsmEndpoint(SsmSyncClient client, SsmSyncStatus status, ObjectProvider<SyncScheduler> scheduler) {
        this.client = client;
        this.status = status;
        this.scheduler = scheduler;
    }

    /**
     * The status: health, the last attempt and success, counts, the next scheduled run.
     *
     * @return the status
     */
    @ReadOperation
    public Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", status.isHealthy() ? "UP" : "DOWN");
        m.putAll(status.details());
        SyncScheduler s = scheduler.getIfAvailable();
        m.put("scheduler", s == null ? "disabled" : s.isRunning() ? "syncing" : s.nextRunAt().isPresent() ? "scheduled" : "stopped");
        if (s != null) {
            s.nextRunAt().ifPresent(t -> m.put("nextRun", t.toString()));
        }
        m.put("accounts", client.accounts().stream().map(a -> a.account()).toList());
        return m;
    }

    /**
     * Runs a sync now (joining one already running) and returns its result.
     *
     * @param action must be {@code sync}
     * @return the result: success, counts, and the failure's type and remediation
     */
    @WriteOperation
    public Map<String, Object> run(@Selector String action) {
        if (!"sync".equals(action)) {
            throw new InvalidEndpointRequestException("unknown action '" + action + "'", "Use POST /actuator/ssm/sync.");
        }
        SyncScheduler s = scheduler.getIfAvailable();
        SyncResult result;
        if (s != null) {
            result = s.syncNow().join();
        } else {
            result = client.sync();
            status.onSync(result);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("success", result.isSuccess());
        m.put("startedAt", String.valueOf(result.outcome().startedAt()));
        m.put("finishedAt", String.valueOf(result.outcome().finishedAt()));
        m.put("licensesPulled", result.outcome().licensesPulled());
        m.put("reportsDelivered", result.outcome().reportsDelivered());
        m.put("reportsPending", result.outcome().reportsPending());
        m.put("accountsChanged", result.changes().size());
        result.failure().ifPresent(f -> {
            m.put("errorType", f.getClass().getSimpleName());
            m.put("error", f.detail());
            m.put("remediation", f.remediation());
        });
        return m;
    }
}
