package io.github.ssmonprem.sync.internal.usage;

import io.github.ssmonprem.core.Sleeper;
import io.github.ssmonprem.core.exception.SsmException;
import io.github.ssmonprem.sync.AccountNotFoundException;
import io.github.ssmonprem.sync.internal.SyncDeadline;
import io.github.ssmonprem.sync.store.DeadLetter;
import io.github.ssmonprem.sync.store.DeliveredReport;
import io.github.ssmonprem.sync.store.PendingReport;
import io.github.ssmonprem.sync.store.ReportState;
import io.github.ssmonprem.sync.store.SyncStore;
import io.github.ssmonprem.sync.store.SyncStoreException;
import io.github.ssmonprem.sync.usage.Acknowledgement;
import io.github.ssmonprem.sync.usage.DeliveryResult;
import io.github.ssmonprem.sync.usage.ReportStatus;
import io.github.ssmonprem.sync.usage.UsageReport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Delivers usage reports, the one path for a submission and for the pending set: claim, upload, poll
 * rounds, acknowledgement. Reports not uploaded yet are uploaded (the oldest alone first, which checks
 * that the server is up, then the rest with bounded concurrency), each accepted upload's poll id is
 * stored at once, then the acknowledgements of all of them are polled together, round by round,
 * waiting what the server asks between rounds (within bounds), until each is in or the
 * acknowledgement timeout passes. Acknowledgements are stored the moment they arrive, with the
 * report's move to the delivered ones, then handed to the listener.
 *
 * <p>What the server's answers mean: {@code FAILED} for reports it already has makes the report
 * delivered ({@link ReportStatus#ALREADY_RECEIVED}), any other {@code FAILED} or a 4xx refusal a dead
 * letter; a poll id the server no longer knows makes the report be uploaded again; a server that is
 * down or unreachable stops the delivery and leaves the rest pending, each with why.
 *
 * <p>Each report is worked on by one thread of this node at a time (a submission and a delivery of
 * the pending set never take the same report), and by one node at a time through its claim in the
 * store ({@link Claims}). Deliveries of different reports run at the same time.
 */
public final class UsageDelivery {

    /**
     * How deliveries behave.
     *
     * @param node this node's name for its claims, unique among the store's users
     * @param claimLease how long a claim holds unless renewed
     * @param ackTimeout how long one delivery polls for acknowledgements
     * @param concurrency how many uploads run at once
     * @param maxPollInterval the longest wait between polls, whatever the server asks
     * @param maxUploadBytes the largest upload body; larger reports are split
     */
    public record Settings(String node, Duration claimLease, Duration ackTimeout, int concurrency, Duration maxPollInterval,
            int maxUploadBytes) {
    }

    private final UsageProtocol protocol;
    private final SyncStore store;
    private final Clock clock;
    private final Settings settings;
    private final Outcomes outcomes;
    private final Uploads uploads;
    private final PollRounds pollRounds;
    /** The reports a thread of this node is delivering: no other thread of this node takes them meanwhile. */
    private final Set<String> inDelivery = ConcurrentHashMap.newKeySet();

    /**
     * Creates the delivery.
     *
     * @param protocol the wire protocol
     * @param store the store
     * @param clock the client's clock
     * @param sleeper how to wait between polls
     * @param settings the settings
     * @param listener called with each acknowledgement once it is stored
     */
    public UsageDelivery(UsageProtocol protocol, SyncStore store, Clock clock, Sleeper sleeper, Settings settings,
            Consumer<Acknowledgement> listener) {
        this.protocol = protocol;
        this.store = store;
        this.clock = clock;
        this.settings = settings;
        this.outcomes = new Outcomes(store, clock, listener);
        this.uploads = new Uploads(protocol, store, clock, settings, outcomes, inDelivery);
        this.pollRounds = new PollRounds(protocol, clock, sleeper, settings, outcomes);
    }

    /**
     * Stores a report durably, claimed by this node (split into several when its upload would exceed
     * {@link Settings#maxUploadBytes()}), then delivers it. A part whose id is known is not stored
     * again: a delivered or dead one returns its state and is not sent; a pending one this node can
     * claim is delivered now.
     *
     * <p>A part stored by this call whose account or virtual account the API Toolkit grant does not
     * see (found by the account search, before anything of it is sent) is not kept as a dead letter:
     * it is discarded and the error thrown, since the caller named the wrong account.
     *
     * @param report the report
     * @return one result per part, in order
     * @throws AccountNotFoundException when the grant sees no such account or virtual account; nothing was
     *     sent, and the parts this call stored are discarded
     * @throws SyncStoreException when a part cannot be stored; nothing of it was sent (parts stored
     *     before it stay pending)
     */
    public List<DeliveryResult> submit(UsageReport report) {
        List<UsageReport> parts = UploadSplitter.split(report, settings.maxUploadBytes(), clock);
        Claims claims = new Claims(store, clock, settings.node(), settings.claimLease(), SyncDeadline.none(clock));
        Map<String, DeliveryResult> results = new LinkedHashMap<>();
        List<PendingReport> mine = new ArrayList<>();
        Set<String> added = new HashSet<>();
        try {
            for (UsageReport part : parts) {
                results.put(part.reportId(), null);
                if (!inDelivery.add(part.reportId())) {
                    results.put(part.reportId(), Outcomes.pending(part.reportId(), null, "being delivered by another call on this node", null));
                    continue;
                }
                Instant before = clock.instant();
                Optional<ReportState> known;
                try {
                    known = store.add(part, settings.node(), settings.claimLease());
                } catch (RuntimeException e) {
                    inDelivery.remove(part.reportId());
                    throw e;
                }
                if (known.isEmpty()) {
                    added.add(part.reportId());
                }
                PendingReport resumed = known.isEmpty() ? claims.added(PendingReport.of(part, before), before)
                        : known.get().status() == ReportStatus.PENDING ? claims.hold(known.get().pending()) : null;
                if (resumed != null) {
                    mine.add(resumed);
                } else {
                    inDelivery.remove(part.reportId());
                    results.put(part.reportId(), known(known.get()));
                }
            }
            for (DeliveryResult r : deliver(mine, claims)) {
                results.put(r.reportId(), r);
            }
            discardUnknownAccount(results.values(), added);
        } finally {
            mine.forEach(e -> inDelivery.remove(e.reportId()));
        }
        return results.values().stream().filter(Objects::nonNull).toList();
    }

    /**
     * Delivers every pending report that no other node holds and no other thread of this node is
     * delivering.
     *
     * @return one result per report it worked on, oldest first
     */
    public List<DeliveryResult> deliverPending() {
        return deliverPending(SyncDeadline.none(clock));
    }

    /**
     * Does what {@link #deliverPending()} does within a sync's deadline: each request is cut at it, no
     * report is uploaded once it passed (those not started stay pending, their claims released), and
     * the acknowledgements are polled until it at the latest.
     *
     * @param deadline when the delivery must be over
     * @return one result per report it worked on, oldest first
     */
    public List<DeliveryResult> deliverPending(SyncDeadline deadline) {
        Claims claims = new Claims(store, clock, settings.node(), settings.claimLease(), deadline);
        List<PendingReport> mine = new ArrayList<>();
        for (PendingReport entry : claims.takeAll()) {
            if (inDelivery.add(entry.reportId())) {
                mine.add(entry);
            }
        }
        try {
            return deliver(mine, claims);
        } finally {
            mine.forEach(e -> inDelivery.remove(e.reportId()));
        }
    }

    /**
     * Throws the error of a part this call stored whose account the grant does not see, after
     * discarding such parts: they were never sent, and a dead letter would only wait for an operator
     * to discard it. A part that was already stored keeps its dead letter.
     */
    private void discardUnknownAccount(Collection<DeliveryResult> results, Set<String> added) {
        AccountNotFoundException unknown = null;
        for (DeliveryResult r : results) {
            if (r != null && r.status() == ReportStatus.DEAD && r.failure() instanceof AccountNotFoundException e
                    && added.contains(r.reportId())) {
                store.discard(r.reportId());
                unknown = e;
            }
        }
        if (unknown != null) {
            throw unknown;
        }
    }

    /** What a report whose id is known stands at, for a submission that sends nothing. */
    private static DeliveryResult known(ReportState state) {
        switch (state.status()) {
            case DEAD: {
                DeadLetter d = state.deadLetter();
                return new DeliveryResult(state.reportId(), ReportStatus.DEAD, d.entry().pollId(), d.acknowledgements(),
                        "a dead letter: refused by the server (" + d.server().describe() + "); retry or discard it", d.server(), null);
            }
            case PENDING: {
                PendingReport p = state.pending();
                return Outcomes.pending(p.reportId(), p.pollId(), "claimed for delivery by node " + p.claimOwner() + " until "
                        + p.claimedUntil() + ", which delivers it", null);
            }
            default: {
                DeliveredReport d = state.delivered();
                return new DeliveryResult(state.reportId(), d.status(), d.pollId(), d.acknowledgements(),
                        "delivered already, at " + d.deliveredAt() + "; nothing was sent", d.server(), null);
            }
        }
    }

    /** One delivery of claimed reports, the one path: upload those not accepted yet, then poll for all of them. */
    private List<DeliveryResult> deliver(List<PendingReport> entries, Claims claims) {
        if (entries.isEmpty()) {
            return List.of();
        }
        Run run = new Run(claims);
        List<PendingReport> toUpload = new ArrayList<>();
        for (PendingReport entry : entries) {
            if (entry.pollId() == null) {
                toUpload.add(entry);
            } else {
                try {
                    run.polling.add(new Polling(entry, protocol.ids(entry.report().account(), entry.report().virtualAccount(),
                            claims.deadline().at()), Duration.ZERO));
                } catch (SsmException e) {
                    run.record(outcomes.failed(entry, e, claims));
                }
            }
        }
        uploads.uploadAll(toUpload, run);
        SsmException down = run.serverDown.get();
        if (down == null) {
            pollRounds.poll(new ArrayList<>(run.polling), run);
        } else {
            run.polling.forEach(p -> Outcomes.leave(p.entry, run, "the server failed on another report first ("
                    + down.getClass().getSimpleName() + "); polling resumes at the next delivery"));
        }
        List<DeliveryResult> ordered = new ArrayList<>();
        for (PendingReport entry : entries) {
            DeliveryResult r = run.results.get(entry.reportId());
            String notStarted = run.serverDown.get() != null ? "the server failed on another report first ("
                    + run.serverDown.get().detail() + ")" : claims.deadline().passed() ? "the sync's time (syncTimeout) ran out first" : null;
            if (r == null && notStarted != null) {
                claims.release(entry);
                r = Outcomes.pending(entry.reportId(), entry.pollId(), "not attempted: " + notStarted, null);
            }
            if (r != null) {
                ordered.add(r);
            }
        }
        if (!run.split.isEmpty()) {
            try {
                ordered.addAll(run.serverDown.get() == null ? deliver(List.copyOf(run.split), claims) : List.of());
            } finally {
                run.split.forEach(e -> inDelivery.remove(e.reportId()));
            }
        }
        return ordered;
    }
}
