package io.github.ssmonprem.spring.boot;

import io.github.ssmonprem.core.exception.SsmException;
import io.github.ssmonprem.spring.boot.internal.SsmSyncStatus;
import io.github.ssmonprem.sync.SsmSyncClient;
import io.github.ssmonprem.sync.SyncResult;
import io.github.ssmonprem.sync.SyncScheduler;
import io.github.ssmonprem.sync.store.DeadLetter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * The {@code ssm} actuator endpoint. Exposed only when the application exposes it
 * ({@code management.endpoints.web.exposure.include=health,ssm}).
 * <ul>
 *   <li>{@code GET /actuator/ssm}: the sync status, with the dead letters (the usage reports the
 *       server refused for good) and their ids;</li>
 *   <li>{@code POST /actuator/ssm/sync}: runs a sync now and returns its result;</li>
 *   <li>{@code POST /actuator/ssm/usage/{id}/retry}: moves a dead letter back to the pending reports,
 *       for the next sync to submit again (once the cause of the refusal is fixed);</li>
 *   <li>{@code POST /actuator/ssm/usage/{id}/discard}: deletes a dead letter for good.</li>
 * </ul>
 * An unknown id answers 404, an unknown action 400.
 */
@Endpoint(id = "ssm")
public class SsmEndpoint {

    private final SsmSyncClient client;
    private final SsmSyncStatus status;
    private final ObjectProvider<SyncScheduler> scheduler;

    /** At most this many dead letters are listed by {@link #status()}; the count has them all. */
    static final int DEAD_LETTERS_SHOWN = 50;

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
        m.put("status", status.level().name());
        m.putAll(status.details());
        SyncScheduler s = scheduler.getIfAvailable();
        m.put("scheduler", s == null ? "disabled" : s.isRunning() ? "syncing" : s.nextRunAt().isPresent() ? "scheduled" : "stopped");
        if (s != null) {
            s.nextRunAt().ifPresent(t -> m.put("nextRun", t.toString()));
        }
        m.put("accounts", client.accounts().stream().map(a -> a.account()).toList());
        try {
            m.put("deadLetters", client.store().deadLetters().stream().limit(DEAD_LETTERS_SHOWN).map(SsmEndpoint::describe).toList());
        } catch (SsmException e) {
            m.put("deadLetters", "the store cannot be read: " + e.detail());
        }
        return m;
    }

    private static Map<String, Object> describe(DeadLetter letter) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", letter.reportId());
        m.put("account", letter.entry().report().account());
        m.put("status", letter.status());
        if (letter.code() != null) {
            m.put("code", letter.code());
        }
        if (letter.message() != null) {
            m.put("message", letter.message());
        }
        m.put("refusedAt", letter.refusedAt().toString());
        return m;
    }

    /**
     * Acts on a dead letter: {@code retry} moves it back to the pending reports (submitted again,
     * with the same nonce, by the next sync); {@code discard} deletes it, its usage never delivered.
     *
     * @param kind must be {@code usage}
     * @param id the report's id, as {@link #status()} lists it
     * @param action {@code retry} or {@code discard}
     * @return 200 with what was done, or 404 when no dead letter has that id
     */
    @WriteOperation
    public WebEndpointResponse<Map<String, Object>> usage(@Selector String kind, @Selector String id, @Selector String action) {
        if (!"usage".equals(kind)) {
            throw new InvalidEndpointRequestException("unknown path '" + kind + "'",
                    "Use POST /actuator/ssm/usage/{id}/retry or /actuator/ssm/usage/{id}/discard.");
        }
        boolean done = switch (action) {
            case "retry" -> client.retryUsage(id);
            case "discard" -> client.discardUsage(id);
            default -> throw new InvalidEndpointRequestException("unknown action '" + action + "'",
                    "Use POST /actuator/ssm/usage/{id}/retry or /actuator/ssm/usage/{id}/discard.");
        };
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        if (!done) {
            m.put("error", "no dead letter has this id");
            m.put("remediation", "List the dead letters with GET /actuator/ssm; a report already retried or discarded"
                    + " (here or on another instance) is no longer one.");
            return new WebEndpointResponse<>(m, WebEndpointResponse.STATUS_NOT_FOUND);
        }
        m.put("action", action);
        m.put(action.equals("retry") ? "pending" : "discarded", true);
        return new WebEndpointResponse<>(m, WebEndpointResponse.STATUS_OK);
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
