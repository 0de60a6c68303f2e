package io.github.ssmonprem.sync.internal.usage;

import io.github.ssmonprem.core.Sleeper;
import io.github.ssmonprem.core.exception.SsmException;
import io.github.ssmonprem.core.exception.SsmServiceException;
import io.github.ssmonprem.core.internal.SdkMdc;
import io.github.ssmonprem.sync.AccountNotFoundException;
import io.github.ssmonprem.sync.internal.usage.UsageProtocol.AccountIds;
import io.github.ssmonprem.sync.internal.usage.UsageProtocol.AckEntry;
import io.github.ssmonprem.sync.internal.usage.UsageProtocol.Action;
import io.github.ssmonprem.sync.internal.usage.UsageProtocol.Poll;
import io.github.ssmonprem.sync.internal.usage.UsageProtocol.Upload;
import io.github.ssmonprem.sync.internal.usage.UsageProtocol.UploadStatus;
import io.github.ssmonprem.sync.store.SyncStore;
import io.github.ssmonprem.sync.store.SyncStoreException;
import io.github.ssmonprem.sync.usage.Acknowledgement;
import io.github.ssmonprem.sync.usage.AuthorizationRequest;
import io.github.ssmonprem.sync.usage.DeliveryResult;
import io.github.ssmonprem.sync.usage.InvalidAuthorizationRequestException;
import io.github.ssmonprem.sync.usage.ReportStatus;
import io.github.ssmonprem.sync.usage.ServerMessage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests a device's authorization code (HSEC, SLAC), or returns the code it holds, and waits for the
 * answer: the request, then polls ({@code "action":"authorizations"}), waiting what the server asks
 * between them (within the same bounds as acknowledgement polls), until the code comes or the
 * acknowledgement timeout passes. The code is kept in the store ({@link SyncStore#keep}) before the
 * result returns, then handed to the listener.
 *
 * <p>Nothing is stored before or while the code is requested: unlike a usage report, a request holds
 * nothing the device cannot give again, and one that got no answer is simply made again (a new
 * request, with a new id). Its id is {@code a} and 32 hex digits, derived from the account, virtual
 * account, device, entitlement (or remove code) and the request's nonce.
 */
public final class Authorizations {

    private static final Logger LOG = LoggerFactory.getLogger(Authorizations.class);

    private final UsageProtocol protocol;
    private final SyncStore store;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Duration ackTimeout;
    private final Duration maxPollInterval;
    private final Consumer<Acknowledgement> listener;

    /**
     * Creates the requests' path.
     *
     * @param protocol the wire protocol
     * @param store where codes are kept
     * @param clock the client's clock
     * @param sleeper how to wait between polls
     * @param ackTimeout how long to poll for a code
     * @param maxPollInterval the longest wait between polls, whatever the server asks
     * @param listener told of each code once it is kept
     */
    public Authorizations(UsageProtocol protocol, SyncStore store, Clock clock, Sleeper sleeper, Duration ackTimeout,
            Duration maxPollInterval, Consumer<Acknowledgement> listener) {
        this.protocol = protocol;
        this.store = store;
        this.clock = clock;
        this.sleeper = sleeper;
        this.ackTimeout = ackTimeout;
        this.maxPollInterval = maxPollInterval;
        this.listener = listener;
    }

    /**
     * Requests (or returns) a code and waits for it.
     *
     * @param account the smart account domain
     * @param virtualAccount the virtual account's name
     * @param request what is requested or returned
     * @return {@link ReportStatus#DELIVERED} with the code, {@link ReportStatus#DEAD} when the server
     *     refused, {@link ReportStatus#PENDING} when no code came in time or the server could not be
     *     reached; each but the first with why
     * @throws AccountNotFoundException when the grant sees no such account or virtual account
     * @throws InvalidAuthorizationRequestException when the account or virtual account is not named
     */
    public DeliveryResult request(String account, String virtualAccount, AuthorizationRequest request) {
        Objects.requireNonNull(request, "request");
        String domain = name(account, "smart account");
        String va = name(virtualAccount, "virtual account");
        String nonce = UUID.randomUUID().toString();
        String id = requestId(domain, va, request, nonce);
        try (SdkMdc.Scope mdc = SdkMdc.put(SdkMdc.REPORT_ID, id)) {
            return run(new Requested(id, domain, va, request, nonce));
        }
    }

    /** A request being made: its id, account and nonce. */
    private record Requested(String id, String account, String virtualAccount, AuthorizationRequest request, String nonce) {
    }

    private DeliveryResult run(Requested r) {
        Instant started = clock.instant();
        AccountIds ids;
        Upload sent;
        try {
            ids = protocol.ids(r.account(), r.virtualAccount());
            sent = protocol.authorize(ids, r.request(), r.nonce(), null);
        } catch (AccountNotFoundException e) {
            throw e;
        } catch (SsmException e) {
            return failed(r.id(), null, e);
        }
        if (sent.status() != UploadStatus.ACCEPTED) {
            return dead(r.id(), null, sent.server(), "the server refused the request (" + sent.server().describe() + ")");
        }
        String pollId = sent.pollId();
        Duration wait = PollRounds.bounded(sent.pollInterval(), PollRounds.DEFAULT_POLL_INTERVAL, maxPollInterval);
        ServerMessage last = sent.server();
        String note = "";
        while (true) {
            Duration elapsed = Duration.between(started, clock.instant());
            if (ackTimeout.minus(elapsed).compareTo(wait) < 0) {
                return pending(r.id(), pollId, "no code after " + elapsed.toSeconds() + " s; the server asks to poll again in "
                        + wait.toSeconds() + " s, after the acknowledgement timeout of " + ackTimeout.toSeconds() + " s" + note
                        + "; request it again later", last, null);
            }
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return pending(r.id(), pollId, "interrupted while waiting for the code; request it again", last, null);
            }
            Poll answer;
            try {
                answer = protocol.poll(Action.AUTHORIZATIONS, ids, r.request().device(), pollId, r.nonce(), null);
            } catch (SsmException e) {
                return failed(r.id(), pollId, e);
            }
            switch (answer.status()) {
                case COMPLETE:
                    return complete(r, pollId, answer);
                case NOT_READY:
                    if (answer.server().hasMessage() && note.isEmpty()) {
                        note = " (the server says " + answer.server().describe() + ")";
                        LOG.warn("Authorization request {}: the server is not done with poll {} and says {}", r.id(), pollId,
                                answer.server().describe());
                    }
                    last = answer.server();
                    wait = PollRounds.bounded(answer.pollInterval(), PollRounds.DEFAULT_POLL_INTERVAL, maxPollInterval);
                    break;
                case UNKNOWN_POLL:
                    return pending(r.id(), pollId, "the server no longer knows the request (poll " + pollId + ": "
                            + answer.server().describe() + "); request the code again", answer.server(), null);
                default:
                    return dead(r.id(), pollId, answer.server(), "the server refused the request after accepting it ("
                            + answer.server().describe() + ")");
            }
        }
    }

    /** A {@code COMPLETE} answer: the code for the request's device, or why there is none. */
    private DeliveryResult complete(Requested r, String pollId, Poll answer) {
        AckEntry entry = null;
        for (AckEntry a : answer.acknowledgements()) {
            if (!a.sudi().equals(r.request().device())) {
                LOG.warn("Authorization request {}: the server answered for device {}, which was not asked for; ignored", r.id(), a.sudi());
            } else if (entry == null) {
                entry = a;
            }
        }
        if (entry == null) {
            return dead(r.id(), pollId, answer.server(), "the server completed the request without a code for device "
                    + r.request().device());
        }
        String correlationId = entry.said().correlationId() != null ? entry.said().correlationId() : answer.server().correlationId();
        if (entry.error() != null) {
            ServerMessage said = new ServerMessage(entry.said().status(), entry.said().code(), entry.said().message(), correlationId);
            return dead(r.id(), pollId, said, "the server refused the request for device " + r.request().device() + " ("
                    + entry.error() + ")");
        }
        Acknowledgement code = new Acknowledgement(r.id() + "-1", r.request().kind(), r.id(), r.account(), r.virtualAccount(),
                entry.sudi(), entry.softwareTag(), List.of(), entry.smartLicense(), correlationId,
                clock.instant().truncatedTo(ChronoUnit.MILLIS));
        ServerMessage server = new ServerMessage(answer.server().status(), answer.server().code(), answer.server().message(),
                correlationId);
        try {
            if (store.keep(code)) {
                tell(code);
            }
        } catch (SyncStoreException e) {
            LOG.warn("Authorization request {}: the code for device {} came, but the store could not keep it ({}); it is in the result only",
                    r.id(), code.sudi(), e.getMessage());
            tell(code);
            return new DeliveryResult(r.id(), ReportStatus.DELIVERED, pollId, List.of(code), "the code came, but the store could not "
                    + "keep it (" + e.detail() + "): hand it to the device from this result", server, e);
        }
        LOG.debug("Authorization request {}: {} for device {} kept as {}", r.id(), code.kind(), code.sudi(), code.id());
        return new DeliveryResult(r.id(), ReportStatus.DELIVERED, pollId, List.of(code), null, server, null);
    }

    /** A failed call: refused for good (a 4xx other than 401, 408 and 429) is dead, anything else leaves the request to make again. */
    private static DeliveryResult failed(String id, String pollId, SsmException e) {
        if (e instanceof SsmServiceException refusal && Outcomes.refusedForGood(refusal.statusCode())) {
            ServerMessage server = new ServerMessage("HTTP " + refusal.statusCode(), refusal.errorCode(), refusal.serverMessage(), null);
            return new DeliveryResult(id, ReportStatus.DEAD, pollId, List.of(), e.detail(), server, e);
        }
        String why = e.detail().endsWith(".") ? e.detail().substring(0, e.detail().length() - 1) : e.detail();
        return pending(id, pollId, why + "; request it again once the server answers", null, e);
    }

    private static DeliveryResult dead(String id, String pollId, ServerMessage server, String why) {
        LOG.warn("Authorization request {}: {}", id, why);
        return new DeliveryResult(id, ReportStatus.DEAD, pollId, List.of(), why, server, null);
    }

    private static DeliveryResult pending(String id, String pollId, String why, ServerMessage server, SsmException failure) {
        LOG.debug("Authorization request {}: {}", id, why);
        return new DeliveryResult(id, ReportStatus.PENDING, pollId, List.of(), why, server, failure);
    }

    private void tell(Acknowledgement code) {
        try {
            listener.accept(code);
        } catch (RuntimeException e) {
            LOG.warn("An acknowledgement listener failed on {} ({}); the code stays in the store until taken", code.id(),
                    e.getClass().getSimpleName());
        }
    }

    private static String name(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new InvalidAuthorizationRequestException("it names no " + what);
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw new InvalidAuthorizationRequestException("the " + what + " name holds a control character");
            }
        }
        return value.strip();
    }

    /**
     * {@return a request's id: {@code a} and the first 128 bits of a SHA-256 over the account, virtual
     * account, device, entitlement and count (or remove code) and nonce}
     */
    static String requestId(String account, String virtualAccount, AuthorizationRequest request, String nonce) {
        String what = request.isReturn() ? "return\n" + request.removeCode() : "entitlement\n" + request.entitlement() + "\n" + request.count();
        String text = String.join("\n", account.toLowerCase(Locale.ROOT), virtualAccount, request.device().pid(),
                request.device().serialNumber(), what, nonce);
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return "a" + HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
