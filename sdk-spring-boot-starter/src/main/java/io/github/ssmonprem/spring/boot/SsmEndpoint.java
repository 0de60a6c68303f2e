package io.github.ssmonprem.spring.boot;

import io.github.ssmonprem.core.exception.SsmException;
import io.github.ssmonprem.spring.boot.internal.SsmSyncStatus;
import io.github.ssmonprem.sync.SsmSyncClient;
import io.github.ssmonprem.sync.SyncResult;
import io.github.ssmonprem.sync.SyncScheduler;
import io.github.ssmonprem.sync.store.DeadLetter;
import io.github.ssmonprem.sync.usage.Acknowledgement;
import io.github.ssmonprem.sync.usage.ServerMessage;
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
 *       server refused for good) and the acknowledgements not taken yet, and their ids;</li>
 *   <li>{@code POST /actuator/ssm/sync}: runs a sync now and returns its result;</li>
 *   <li>{@code POST /actuator/ssm/usage/{id}/retry}: moves a dead letter back to the pending reports,
 *       for the next sync to submit again (once the cause of the refusal is fixed);</li>
 *   <li>{@code POST /actuator/ssm/usage/{id}/discard}: deletes a dead letter for good;</li>
 *   <li>{@code POST /actuator/ssm/acknowledgement/{id}/take}: marks an acknowledgement taken, once its
 *       device has imported it.</li>
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
    SsmEndpoint(SsmSyncClient client, SsmSyncStatus status, ObjectProvider<SyncScheduler> scheduler) {
        this.client = client;
        this.status = status;
        this.scheduler = scheduler;
    }

    /** {@return the status: health, the last attempt and success, counts, the next scheduled run} */
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
            m.put("deadLetters", client.store().dead().stream().limit(DEAD_LETTERS_SHOWN).map(SsmEndpoint::describe).toList());
            m.put("acknowledgements", client.usage().acknowledgements().stream().limit(DEAD_LETTERS_SHOWN)
                    .map(SsmEndpoint::describe).toList());
        } catch (SsmException e) {
            m.put("deadLetters", "the store cannot be read: " + e.detail());
        }
        return m;
    }

    private static Map<String, Object> describe(DeadLetter letter) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", letter.reportId());
        m.put("account", letter.entry().report().account());
        m.put("virtualAccount", letter.entry().report().virtualAccount());
        m.put("httpStatus", letter.httpStatus());
        ServerMessage server = letter.server();
        if (server.status() != null) {
            m.put("status", server.status());
        }
        if (server.code() != null) {
            m.put("code", server.code());
        }
        if (server.message() != null) {
            m.put("message", server.message());
        }
        if (server.correlationId() != null) {
            m.put("correlationId", server.correlationId());
        }
        m.put("refusedAt", letter.refusedAt().toString());
        return m;
    }

    private static Map<String, Object> describe(Acknowledgement ack) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", ack.id());
        m.put("kind", ack.kind().name().toLowerCase(java.util.Locale.ROOT));
        m.put("device", ack.sudi().toString());
        m.put("reportId", ack.reportId());
        m.put("rumReports", ack.rumReportIds().size());
        m.put("receivedAt", ack.receivedAt().toString());
        return m;
    }

    /**
     * Acts on a dead letter or an acknowledgement: {@code usage/{id}/retry} moves a dead letter back to
     * the pending reports (uploaded again by the next sync); {@code usage/{id}/discard} deletes it, its
     * usage never delivered; {@code acknowledgement/{id}/take} marks an acknowledgement taken once its
     * device has it.
     *
     * @param kind {@code usage} or {@code acknowledgement}
     * @param id the report's or acknowledgement's id, as {@link #status()} lists it
     * @param action {@code retry} or {@code discard} for a report, {@code take} for an acknowledgement
     * @return 200 with what was done, or 404 when there is nothing of that id to act on
     */
    @WriteOperation
    public WebEndpointResponse<Map<String, Object>> usage(@Selector String kind, @Selector String id, @Selector String action) {
        String usage = "Use POST /actuator/ssm/usage/{id}/retry, /actuator/ssm/usage/{id}/discard or "
                + "/actuator/ssm/acknowledgement/{id}/take.";
        boolean done = switch (kind + "/" + action) {
            case "usage/retry" -> client.usage().retry(id);
            case "usage/discard" -> client.usage().discard(id);
            case "acknowledgement/take" -> client.usage().take(id);
            default -> throw new InvalidEndpointRequestException("unknown path '" + kind + "/{id}/" + action + "'", usage);
        };
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        if (!done) {
            boolean ack = kind.equals("acknowledgement");
            m.put("error", ack ? "no acknowledgement waiting to be taken has this id" : "no dead letter has this id");
            m.put("remediation", "List them with GET /actuator/ssm; one already acted on (here or on another instance) is "
                    + "no longer listed.");
            return new WebEndpointResponse<>(m, WebEndpointResponse.STATUS_NOT_FOUND);
        }
        m.put("action", action);
        m.put(action.equals("retry") ? "pending" : action.equals("take") ? "taken" : "discarded", true);
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
