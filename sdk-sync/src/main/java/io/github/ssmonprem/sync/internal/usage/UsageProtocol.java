package io.github.ssmonprem.sync.internal.usage;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ssmonprem.core.SsmRoutes;
import io.github.ssmonprem.core.exception.SsmException;
import io.github.ssmonprem.core.exception.SsmServiceException;
import io.github.ssmonprem.core.http.AccessTokenSource;
import io.github.ssmonprem.core.http.ErrorResponse;
import io.github.ssmonprem.core.http.SsmHttpClient;
import io.github.ssmonprem.core.http.SsmRequest;
import io.github.ssmonprem.core.http.SsmResponse;
import io.github.ssmonprem.core.internal.JsonCodec;
import io.github.ssmonprem.core.internal.Redactor;
import io.github.ssmonprem.core.internal.SdkObservations;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.github.ssmonprem.sync.AccountNotFoundException;
import io.github.ssmonprem.sync.usage.InvalidUsageReportException;
import io.github.ssmonprem.sync.usage.RumReport;
import io.github.ssmonprem.sync.usage.ServerMessage;
import io.github.ssmonprem.sync.usage.Sudi;
import io.github.ssmonprem.sync.usage.UsageReport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The usage protocol on the wire (PROTOCOL.md sections 2 to 4): account ids by search (cached), the
 * upload of a report's RUM reports grouped by device, the acknowledgement poll, and the headers both
 * carry. Requests are written exactly as the profile gives them; answers are read tolerantly (200 or
 * 202, {@code poll_id} at the top level or under {@code data}, as a number or digits). A poll id is
 * kept as its exact digits and sent back as the same JSON number. Each upload and each poll is a
 * Micrometer Observation ({@code ssm.usage.upload}, {@code ssm.usage.poll}, key {@code outcome}: the
 * answer's status in lower case, or {@code error}), the HTTP attempts inside it its children.
 */
public final class UsageProtocol {

    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,40}");

    private final SsmHttpClient http;
    private final AccessTokenSource tokens;
    private final SsmRoutes routes;
    private final JsonCodec json;
    private final Clock clock;
    private final String requestingSystem;
    private final Pattern alreadyReceived;
    private final ObservationRegistry registry;
    private final AccountSearch accounts;

    /**
     * Creates the protocol.
     *
     * @param http the transport
     * @param tokens the token source
     * @param requestingSystem the uploading system's identity for {@code X-CSW-REQUESTING-SYSTEM}, or null
     *     for the first device of each upload
     * @param alreadyReceived what a {@code FAILED} answer's message or code matches when the server
     *     refuses a report it already has
     */
    public UsageProtocol(SsmHttpClient http, AccessTokenSource tokens, Sudi requestingSystem, Pattern alreadyReceived) {
        this.http = http;
        this.tokens = tokens;
        this.routes = http.config().routes();
        this.json = new JsonCodec(http.config().baseUrl());
        this.clock = http.config().clock();
        this.requestingSystem = requestingSystem == null ? null : UsageBodies.sudiJson(requestingSystem);
        this.alreadyReceived = alreadyReceived;
        this.registry = http.config().observationRegistry();
        this.accounts = new AccountSearch(http, tokens, json);
    }

    /** The numeric ids the usage routes address an account and virtual account by. */
    public record AccountIds(String accountId, String virtualAccountId) {
    }

    /** What an upload's answer said. */
    public enum UploadStatus {
        /** {@code OK_POLL} with a poll id: poll for the acknowledgements. */
        ACCEPTED,
        /** {@code FAILED} because the server already has the reports. */
        ALREADY_RECEIVED,
        /** {@code FAILED} for another reason: refused for good. */
        REFUSED
    }

    /**
     * An upload's answer.
     *
     * @param status what it said
     * @param pollId the poll id's exact digits when accepted, else null
     * @param nonce the nonce the upload carried (its polls carry it too)
     * @param pollInterval how long the server asks to wait before polling, or null when it did not say
     * @param server its status, message code, message and correlation id
     * @param httpStatus the HTTP status of the answer
     */
    public record Upload(UploadStatus status, String pollId, String nonce, Duration pollInterval, ServerMessage server,
            int httpStatus) {
    }

    /** What a poll's answer said. */
    public enum PollStatus {
        /** {@code OK_POLL}: not ready yet. */
        NOT_READY,
        /** {@code COMPLETE}: the acknowledgements are in. */
        COMPLETE,
        /** The server does not know the poll id (400 or 404 with its JSON error): upload again. */
        UNKNOWN_POLL,
        /** {@code FAILED}: the server refused the reports after accepting the upload. */
        FAILED
    }

    /**
     * One entry of a {@code COMPLETE} answer's acknowledgements.
     *
     * @param sudi the device
     * @param softwareTag its {@code software_tag_identifier}, or null
     * @param smartLicense the acknowledgement ({@code smart_license}), or null when the entry carries none
     * @param error the entry's error status and message when it carries one (a status other than
     *     {@code SUCCESS}, or an error code), else null
     */
    public record AckEntry(Sudi sudi, String softwareTag, String smartLicense, String error) {
    }

    /**
     * A poll's answer.
     *
     * @param status what it said
     * @param acknowledgements the acknowledgement entries of a {@code COMPLETE} answer, else empty
     * @param pollInterval how long the server asks to wait before the next poll, or null
     * @param server its status, message code, message and correlation id
     */
    public record Poll(PollStatus status, List<AckEntry> acknowledgements, Duration pollInterval, ServerMessage server) {
    }

    /**
     * {@return the numeric ids of an account and virtual account, found by {@code v2/accounts/search} once
     * and cached; searched again when a name is not in the cache}
     *
     * @param domain the smart account domain (case-insensitive)
     * @param virtualAccount the virtual account's name
     * @throws AccountNotFoundException when the grant sees no such account or virtual account; it lists what it sees
     */
    public AccountIds ids(String domain, String virtualAccount) {
        return ids(domain, virtualAccount, null);
    }

    /**
     * Does what {@link #ids(String, String)} does, its search bounded by a deadline.
     *
     * @param domain the smart account domain (case-insensitive)
     * @param virtualAccount the virtual account's name
     * @param deadline when the search must be over, or null for none
     * @return the ids
     * @throws AccountNotFoundException when the grant sees no such account or virtual account; it lists what it sees
     */
    public AccountIds ids(String domain, String virtualAccount, Instant deadline) {
        return accounts.ids(domain, virtualAccount, deadline);
    }

    /**
     * Uploads a report's RUM reports, grouped by device, with a new nonce.
     *
     * @param report the report
     * @param ids its account's ids
     * @param deadline when the upload must be over, or null for none
     * @return what the server answered
     * @throws SsmException when no usable answer came (the transport's errors), or the server refused
     *     the request with an error status other than a duplicate's
     */
    public Upload upload(UsageReport report, AccountIds ids, Instant deadline) {
        Observation observation = SdkObservations.start(registry, SdkObservations.USAGE_UPLOAD, "usage upload");
        try (Observation.Scope scope = observation.openScope()) {
            Upload answer = sendUpload(report, ids, deadline);
            SdkObservations.stop(observation, answer.status().name().toLowerCase(Locale.ROOT));
            return answer;
        } catch (RuntimeException e) {
            SdkObservations.fail(observation, e, "error");
            throw e;
        }
    }

    private Upload sendUpload(UsageReport report, AccountIds ids, Instant deadline) {
        String nonce = UUID.randomUUID().toString();
        byte[] body = UsageBodies.uploadBody(report, clock.millis(), nonce);
        SsmRequest request = usageRequest("usage.upload", routes.usageReportPath(), ids, report.devices().get(0)).jsonBody(body)
                .deadline(deadline).build();
        SsmResponse response;
        try {
            response = http.execute(request);
        } catch (SsmServiceException e) {
            if (e.statusCode() >= 400 && e.statusCode() < 500 && matches(e.errorCode(), e.serverMessage())) {
                return new Upload(UploadStatus.ALREADY_RECEIVED, null, nonce, null,
                        new ServerMessage("FAILED", e.errorCode(), e.serverMessage(), null), e.statusCode());
            }
            throw e;
        }
        JsonNode answer = json.decode(request, response, JsonNode.class);
        ServerMessage server = server(answer);
        String echoed = RumJson.text(answer.path("nonce"));
        if (echoed != null && !echoed.equals(nonce)) {
            throw json.malformed(request, response, "answers nonce '" + Redactor.snippet(echoed, 64) + "', not the upload's " + nonce);
        }
        String status = upper(server.status());
        if ("FAILED".equals(status) || "ERROR".equals(status)) {
            return new Upload(matches(server.code(), server.message()) ? UploadStatus.ALREADY_RECEIVED : UploadStatus.REFUSED, null,
                    nonce, null, server, response.statusCode());
        }
        String pollId = pollId(answer);
        if (pollId == null) {
            throw json.malformed(request, response, "has no poll_id (a number) for the upload");
        }
        if (status != null && !"OK_POLL".equals(status) && !"COMPLETE".equals(status)) {
            throw json.malformed(request, response, "has status '" + Redactor.snippet(server.status(), 64) + "', expected OK_POLL or FAILED");
        }
        return new Upload(UploadStatus.ACCEPTED, pollId, nonce, pollInterval(answer), server, response.statusCode());
    }

    /**
     * Polls for the acknowledgements of an accepted upload.
     *
     * @param ids the account's ids
     * @param device a device of the upload (for the requesting system when none is configured)
     * @param pollId the upload's poll id (digits)
     * @param nonce the upload's nonce
     * @param deadline when the poll must be over, or null for none
     * @return what the server answered
     * @throws SsmException when no usable answer came, or the server refused the poll otherwise than as unknown
     */
    public Poll poll(AccountIds ids, Sudi device, String pollId, String nonce, Instant deadline) {
        Observation observation = SdkObservations.start(registry, SdkObservations.USAGE_POLL, "usage poll");
        try (Observation.Scope scope = observation.openScope()) {
            Poll answer = sendPoll(ids, device, pollId, nonce, deadline);
            SdkObservations.stop(observation, answer.status().name().toLowerCase(Locale.ROOT));
            return answer;
        } catch (RuntimeException e) {
            SdkObservations.fail(observation, e, "error");
            throw e;
        }
    }

    private Poll sendPoll(AccountIds ids, Sudi device, String pollId, String nonce, Instant deadline) {
        if (!DIGITS.matcher(pollId).matches()) {
            throw new IllegalArgumentException("a poll id is decimal digits");
        }
        byte[] body = UsageBodies.pollBody(clock.millis(), nonce, pollId);
        SsmRequest request = usageRequest("usage.poll", routes.pollPath(), ids, device).jsonBody(body).deadline(deadline).build();
        SsmResponse response;
        try {
            response = http.execute(request);
        } catch (SsmServiceException e) {
            if (e.statusCode() == 400 || e.statusCode() == 404 && e.serverMessage() != null) {
                return new Poll(PollStatus.UNKNOWN_POLL, List.of(), null,
                        new ServerMessage("HTTP " + e.statusCode(), e.errorCode(), e.serverMessage(), null));
            }
            throw e;
        }
        JsonNode answer = json.decode(request, response, JsonNode.class);
        ServerMessage server = server(answer);
        String status = upper(server.status());
        if ("COMPLETE".equals(status)) {
            JsonNode entries = answer.path("data").path("acknowledgements");
            if (!entries.isArray()) {
                entries = answer.path("acknowledgements");
            }
            if (!entries.isArray()) {
                throw json.malformed(request, response, "is COMPLETE but holds no data.acknowledgements array");
            }
            List<AckEntry> acks = new ArrayList<>();
            for (JsonNode entry : entries) {
                acks.add(ackEntry(entry, request, response));
            }
            return new Poll(PollStatus.COMPLETE, acks, null, server);
        }
        if ("OK_POLL".equals(status)) {
            return new Poll(PollStatus.NOT_READY, List.of(), pollInterval(answer), server);
        }
        if ("FAILED".equals(status) || "ERROR".equals(status)) {
            return new Poll(PollStatus.FAILED, List.of(), null, server);
        }
        throw json.malformed(request, response, "has poll status '" + Redactor.snippet(String.valueOf(server.status()), 64)
                + "', expected OK_POLL or COMPLETE");
    }

    /** {@return whether a FAILED answer's code or message says the server already has the reports} */
    public boolean isAlreadyReceived(ServerMessage server) {
        return matches(server.code(), server.message());
    }

    private boolean matches(String code, String message) {
        return code != null && alreadyReceived.matcher(code).find() || message != null && alreadyReceived.matcher(message).find();
    }

    private AckEntry ackEntry(JsonNode entry, SsmRequest request, SsmResponse response) {
        Sudi sudi;
        try {
            sudi = RumJson.sudi(entry.path("sudi"), "an acknowledgement's sudi");
        } catch (InvalidUsageReportException e) {
            throw json.malformed(request, response, "holds an acknowledgement without a device (" + e.problem() + ")");
        }
        String status = RumJson.text(entry.path("status"));
        String errorCode = RumJson.text(entry.path("error_code"));
        String message = Optional.ofNullable(RumJson.text(entry.path("status_message"))).orElse(RumJson.text(entry.path("message")));
        String smartLicense = RumJson.text(entry.path("smart_license"));
        String error = null;
        if (status != null && !"SUCCESS".equalsIgnoreCase(status) || errorCode != null || smartLicense == null) {
            error = (status == null ? "no acknowledgement" : status) + (errorCode == null ? "" : " " + errorCode)
                    + (message == null ? "" : ": " + Redactor.snippet(message, 300));
        }
        return new AckEntry(sudi, RumJson.text(entry.path("software_tag_identifier")), smartLicense, error);
    }

    private static ServerMessage server(JsonNode answer) {
        return new ServerMessage(RumJson.text(answer.path("status")), RumJson.text(answer.path("message_code")),
                Optional.ofNullable(RumJson.text(answer.path("message"))).map(m -> Redactor.snippet(m, 500)).orElse(null),
                RumJson.text(answer.path("correlation_id")));
    }

    private static String upper(String s) {
        return s == null ? null : s.toUpperCase(Locale.ROOT);
    }

    /** The poll id's exact digits, at the top level or under {@code data}, a number or a string of digits; null when absent. */
    private static String pollId(JsonNode answer) {
        for (JsonNode node : List.of(answer.path("poll_id"), answer.path("data").path("poll_id"))) {
            if (node.isIntegralNumber() && node.bigIntegerValue().signum() >= 0) {
                return node.bigIntegerValue().toString();
            }
            if (node.isTextual() && DIGITS.matcher(node.asText()).matches()) {
                return node.asText();
            }
        }
        return null;
    }

    /** The {@code poll_interval} in seconds (top level or under data), or null when absent or not a number. */
    private static Duration pollInterval(JsonNode answer) {
        for (JsonNode node : List.of(answer.path("poll_interval"), answer.path("data").path("poll_interval"))) {
            if (node.isNumber() || node.isTextual() && DIGITS.matcher(node.asText()).matches()) {
                double seconds = node.asDouble();
                if (Double.isFinite(seconds)) {
                    return Duration.ofMillis((long) Math.max(Long.MIN_VALUE / 2, Math.min(Long.MAX_VALUE / 2, seconds * 1000)));
                }
            }
        }
        return null;
    }

    private SsmRequest.Builder usageRequest(String operation, String path, AccountIds ids, Sudi device) {
        return SsmRequest.post(operation, path)
                .header("X-CSW-SMART-ACCOUNT-ID", ids.accountId())
                .header("X-CSW-VIRTUAL-ACCOUNT-ID", ids.virtualAccountId())
                .header("X-CSW-REQUESTING-SYSTEM", requestingSystem != null ? requestingSystem : UsageBodies.sudiJson(device))
                .idempotent(true)
                .errorDecoder(UsageProtocol::refusal)
                .bearer(tokens);
    }

    /**
     * A usage route's 4xx answer with the server's own JSON ({@code status}, {@code message},
     * {@code message_code}): an exception that keeps the message code; other answers are mapped by
     * the transport's rules.
     */
    private static SsmException refusal(ErrorResponse error) {
        int status = error.statusCode();
        if (status < 400 || status >= 500 || status == 401 || status == 407 || status == 408 || status == 429 || error.json().isEmpty()) {
            return null;
        }
        Optional<String> code = error.jsonText("message_code");
        Optional<String> message = error.jsonText("message").or(() -> error.jsonText("statusMessage"))
                .or(() -> error.jsonText("error_message")).map(m -> Redactor.snippet(m, 500));
        if (code.isEmpty() && message.isEmpty()) {
            return null;
        }
        String said = message.map(m -> ": " + m).orElse("") + code.map(c -> " (message code " + Redactor.snippet(c, 64) + ")").orElse("");
        return new SsmServiceException(error.target() + ": HTTP " + status + said + ".",
                "The server refused the usage request as sent: its message says why (a report it already has, a signature it "
                        + "rejects, an account the grant may not use).",
                false, status, code.map(Redactor::redact).orElse(error.jsonText("status").orElse(null)), message.orElse(null),
                error.requestId().orElse(null));
    }
}
