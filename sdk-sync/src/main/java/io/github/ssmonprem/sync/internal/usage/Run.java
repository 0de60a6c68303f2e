package io.github.ssmonprem.sync.internal.usage;

import io.github.ssmonprem.core.exception.SsmException;
import io.github.ssmonprem.sync.store.PendingReport;
import io.github.ssmonprem.sync.usage.DeliveryResult;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One delivery's state, shared by its steps: its claims, the results so far, the reports accepted and
 * to poll for, the parts split off reports the server partly had, and the server-wide failure that
 * stops it.
 */
final class Run {

    final Claims claims;
    final Map<String, DeliveryResult> results = new ConcurrentHashMap<>();
    final List<Polling> polling = Collections.synchronizedList(new ArrayList<>());
    final List<PendingReport> split = Collections.synchronizedList(new ArrayList<>());
    final AtomicReference<SsmException> serverDown = new AtomicReference<>();

    Run(Claims claims) {
        this.claims = claims;
    }

    /** A report's result, and whether its failure concerns the whole server. */
    record Outcome(DeliveryResult result, boolean serverWide) {
    }

    void put(DeliveryResult result) {
        results.put(result.reportId(), result);
    }

    /** Records a result; a server-wide failure stops the rest of the delivery. */
    void record(Outcome outcome) {
        put(outcome.result());
        if (outcome.serverWide() && outcome.result().failure() != null) {
            serverDown.compareAndSet(null, outcome.result().failure());
        }
    }

    /** Whether no more uploads may start: the server failed or the deadline passed. */
    boolean stopped() {
        return serverDown.get() != null || claims.deadline().passed();
    }
}
