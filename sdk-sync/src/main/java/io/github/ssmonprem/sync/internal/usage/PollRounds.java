package io.github.ssmonprem.sync.internal.usage;

import io.github.ssmonprem.core.Sleeper;
import io.github.ssmonprem.core.exception.SsmException;
import io.github.ssmonprem.core.internal.SdkMdc;
import io.github.ssmonprem.sync.internal.usage.Run.Outcome;
import io.github.ssmonprem.sync.internal.usage.UsageProtocol.AckEntry;
import io.github.ssmonprem.sync.internal.usage.UsageProtocol.Poll;
import io.github.ssmonprem.sync.internal.usage.UsageProtocol.Upload;
import io.github.ssmonprem.sync.store.PendingReport;
import io.github.ssmonprem.sync.usage.Acknowledgement;
import io.github.ssmonprem.sync.usage.AcknowledgementKind;
import io.github.ssmonprem.sync.usage.DeliveryResult;
import io.github.ssmonprem.sync.usage.ReportStatus;
import io.github.ssmonprem.sync.usage.Sudi;
import io.github.ssmonprem.sync.usage.UsageReport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poll step of a delivery: the acknowledgements of every accepted report polled together, round
 * by round, waiting what the server asks between rounds (within bounds), until each is in or the
 * acknowledgement timeout (or the sync's deadline) passes. A {@code COMPLETE} answer gives one
 * acknowledgement per device, matched by SUDI; a poll id the server no longer knows makes the report
 * be uploaded again.
 */
final class PollRounds {

    private static final Logger LOG = LoggerFactory.getLogger(PollRounds.class);
    /** The wait between polls when the server does not say. */
    static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(5);
    /** The shortest wait between polls, whatever the server says. */
    static final Duration MIN_POLL_INTERVAL = Duration.ofSeconds(1);

    private final UsageProtocol protocol;
    private final Clock clock;
    private final Sleeper sleeper;
    private final UsageDelivery.Settings settings;
    private final Outcomes outcomes;

    PollRounds(UsageProtocol protocol, Clock clock, Sleeper sleeper, UsageDelivery.Settings settings, Outcomes outcomes) {
        this.protocol = protocol;
        this.clock = clock;
        this.sleeper = sleeper;
        this.settings = settings;
        this.outcomes = outcomes;
    }

    /** Polls the reports until each is done or the time is up; those left are released, each with why. */
    void poll(List<Polling> waiting, Run run) {
        Instant started = clock.instant();
        Instant deadline = started.plus(settings.ackTimeout());
        boolean syncBound = run.claims.deadline().bounded() && run.claims.deadline().at().isBefore(deadline);
        if (syncBound) {
            deadline = run.claims.deadline().at();
        }
        Duration wait = waiting.stream().map(p -> p.wait).max(Duration::compareTo).orElse(Duration.ZERO);
        while (!waiting.isEmpty()) {
            if (!wait.isZero()) {
                if (Duration.between(clock.instant(), deadline).compareTo(wait) < 0) {
                    String why = "no acknowledgement after " + seconds(Duration.between(started, clock.instant())) + "; the server asks "
                            + "to poll again in " + seconds(wait) + ", after " + (syncBound ? "the sync's time (syncTimeout) runs out"
                            : "the acknowledgement timeout of " + seconds(settings.ackTimeout())) + "; polling resumes at the next delivery";
                    waiting.forEach(p -> Outcomes.leave(p.entry, run, p.noted ? why + "; " + p.entry.lastError() : why));
                    return;
                }
                try {
                    sleeper.sleep(wait);
                } catch (InterruptedException e) {
                    // Release first: on an interrupted thread a file store's lock cannot be taken.
                    waiting.forEach(p -> Outcomes.leave(p.entry, run, "interrupted while waiting for the acknowledgement; "
                            + "polling resumes at the next delivery"));
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            List<Polling> still = new ArrayList<>();
            Duration next = Duration.ZERO;
            for (int i = 0; i < waiting.size(); i++) {
                Polling p = waiting.get(i);
                try {
                    if (pollOnce(p, run)) {
                        still.add(p);
                        next = next.compareTo(p.wait) < 0 ? p.wait : next;
                    }
                } catch (SsmException e) {
                    Outcome outcome = outcomes.failed(p.entry, e, run.claims);
                    run.record(outcome);
                    if (outcome.serverWide()) {
                        String why = "the server failed while polling (" + e.getClass().getSimpleName() + "); polling resumes at the next delivery";
                        waiting.subList(i + 1, waiting.size()).forEach(q -> Outcomes.leave(q.entry, run, why));
                        still.forEach(q -> Outcomes.leave(q.entry, run, why));
                        return;
                    }
                }
            }
            waiting = still;
            wait = next;
        }
    }

    /** Polls one report once; true when it is still to poll (its wait set), false when it is done. */
    private boolean pollOnce(Polling p, Run run) {
        try (SdkMdc.Scope mdc = SdkMdc.put(SdkMdc.REPORT_ID, p.entry.reportId())) {
            return pollOnceInScope(p, run);
        }
    }

    private boolean pollOnceInScope(Polling p, Run run) {
        PendingReport held = run.claims.hold(p.entry);
        if (held == null) {
            return false;                            // another node took it over
        }
        p.entry = held;
        Poll answer = protocol.poll(p.ids, p.device(), held.pollId(), held.nonce(), run.claims.deadline().at());
        switch (answer.status()) {
            case COMPLETE:
                run.put(complete(held, answer, run.claims));
                return false;
            case NOT_READY:
                if (answer.server().hasMessage() && !p.noted) {
                    p.noted = true;
                    LOG.warn("Usage report {}: the server is not done with poll {} and says {}", held.reportId(), held.pollId(),
                            answer.server().describe());
                    p.entry = held.withNote("the server says " + answer.server().describe());
                }
                p.wait = bounded(answer.pollInterval(), DEFAULT_POLL_INTERVAL, settings.maxPollInterval());
                return true;
            case UNKNOWN_POLL:
                return uploadAgain(p, held, answer, run);
            default:
                run.put(protocol.isAlreadyReceived(answer.server())
                        ? outcomes.delivered(held, ReportStatus.ALREADY_RECEIVED, List.of(), answer.server(), held.pollId(),
                                "the server already has these reports (" + answer.server().describe() + ")", run.claims)
                        : outcomes.dead(held, 200, answer.server(), "the server refused the reports after accepting the upload ("
                                + answer.server().describe() + ")", List.of(), run.claims));
                return false;
        }
    }

    /** A poll id the server no longer knows (a restarted server): the report is uploaded again, as the server recognises it. */
    private boolean uploadAgain(Polling p, PendingReport held, Poll answer, Run run) {
        LOG.info("Usage report {}: the server no longer knows poll {} ({}); uploading the report again", held.reportId(), held.pollId(),
                answer.server().describe());
        Upload again = protocol.upload(held.report(), p.ids, run.claims.deadline().at());
        switch (again.status()) {
            case ACCEPTED: {
                PendingReport accepted = held.withUpload(again.pollId(), again.nonce());
                if (!run.claims.write(accepted)) {
                    return false;
                }
                p.entry = accepted;
                p.wait = bounded(again.pollInterval(), DEFAULT_POLL_INTERVAL, settings.maxPollInterval());
                return true;
            }
            case ALREADY_RECEIVED:
                run.put(outcomes.delivered(held, ReportStatus.ALREADY_RECEIVED, List.of(), again.server(), null, "the server has these "
                        + "reports, but no longer knows poll " + held.pollId() + ", so no acknowledgement can be fetched for them", run.claims));
                return false;
            default:
                run.put(outcomes.dead(held, again.httpStatus(), again.server(), "uploaded again after its poll id was unknown, and "
                        + "refused (" + again.server().describe() + ")", List.of(), run.claims));
                return false;
        }
    }

    /** A {@code COMPLETE} answer: one acknowledgement per device, matched by SUDI. */
    private DeliveryResult complete(PendingReport entry, Poll answer, Claims claims) {
        UsageReport report = entry.report();
        List<Sudi> devices = report.devices();
        Instant now = outcomes.now();
        Map<Sudi, Acknowledgement> acks = new LinkedHashMap<>();
        List<String> refused = new ArrayList<>();
        for (AckEntry a : answer.acknowledgements()) {
            int index = devices.indexOf(a.sudi());
            if (index < 0) {
                LOG.warn("Usage report {}: the server acknowledged device {}, which is not in the report; ignored", entry.reportId(), a.sudi());
            } else if (a.error() != null) {
                refused.add(a.sudi() + " (" + a.error() + ")");
            } else {
                acks.putIfAbsent(a.sudi(), new Acknowledgement(report.reportId() + "-" + (index + 1), AcknowledgementKind.USAGE,
                        report.reportId(), report.account(), report.virtualAccount(), a.sudi(), a.softwareTag(),
                        report.reportIdsOf(a.sudi()), a.smartLicense(), answer.server().correlationId(), now));
            }
        }
        List<Acknowledgement> received = List.copyOf(acks.values());
        if (!refused.isEmpty()) {
            return outcomes.dead(entry, 200, answer.server(), "the server refused the reports of " + String.join(", ", refused)
                    + (received.isEmpty() ? "" : "; the acknowledgements of the other devices are kept"), received, claims);
        }
        List<Sudi> missing = devices.stream().filter(d -> !acks.containsKey(d)).toList();
        String detail = null;
        if (!missing.isEmpty()) {
            detail = "the server completed the upload without an acknowledgement for " + missing.size() + " of its devices: "
                    + missing.stream().map(Sudi::toString).collect(Collectors.joining(", "));
            LOG.warn("Usage report {}: {}; those devices get no acknowledgement from it", entry.reportId(), detail);
        }
        return outcomes.delivered(entry, ReportStatus.DELIVERED, received, answer.server(), entry.pollId(), detail, claims);
    }

    /** The wait the server asked for, within [1 s, max]; {@code absent} when it asked for none (or for less than nothing). */
    static Duration bounded(Duration asked, Duration absent, Duration max) {
        if (asked == null || asked.isNegative()) {
            return absent;
        }
        if (asked.compareTo(max) > 0) {
            LOG.debug("The server asks to wait {} between polls; waiting at most {} (maxPollInterval)", asked, max);
            return max;
        }
        return asked.compareTo(MIN_POLL_INTERVAL) < 0 ? MIN_POLL_INTERVAL : asked;
    }

    private static String seconds(Duration d) {
        return d.toSeconds() + " s";
    }
}
