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
import io.github.ssmonprem.sync.usage.AuthorizationRequest;
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
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The usage protocol on the wire (PROTOCOL.md sections 2 to 4): account ids by search (cached), the
 * upload of a report's RUM reports grouped by device, the request (or return) of a device's
 * authorization code, the poll for the acknowledgements or authorization codes either is answered
 * with, and the headers all carry. Requests are written exactly as the profile gives them; answers are
 * read tolerantly (200 or 202, {@code poll_id} at the top level or under {@code data}, as a number or
 * digits; an entry's {@code "None"} error code and message mean none). A poll id is kept as its exact
 * digits and sent back as the same JSON number. Each upload, authorization request and poll is a
 * Micrometer Observation ({@code ssm.usage.upload}, {@code ssm.usage.authorization},
 * {@code ssm.usage.poll}, key {@code outcome}: the answer's status in lower case, or {@code error}),
 * the HTTP attempts inside it its children.
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

    /** What a poll asks for ({@code "action"}): the answer to an upload or to an authorization request. */
    public enum Action {
        /** The acknowledgements of an upload's RUM reports ({@code data.acknowledgements}). */
        ACKNOWLEDGEMENTS("acknowledgements"),
        /** The authorization codes (or return confirmations) of an authorization request ({@code data.authorizations}). */
        AUTHORIZATIONS("authorizations");

        private final String wire;

        Action(String wire) {
            this.wire = wire;
        }

        /** {@return the action as the wire spells it} */
        public String wire() {
            return wire;
        }
    }

    /** What an upload's (or an authorization request's) answer said. */
    public enum UploadStatus {
        /** {@code OK_POLL} with a poll id: poll for the acknowledgements (or the authorization codes). */
        ACCEPTED,
        /** {@code FAILED} because the server already has the reports (never for an authorization request). */
        ALREADY_RECEIVED,
        /** {@code FAILED} for another reason: refused for good. */
        REFUSED
    }

    /**
     * An upload's (or an authorization request's) answer.
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
        /** {@code COMPLETE}: the acknowledgements (or authorization codes) are in. */
        COMPLETE,
        /** The server does not know the poll id (400 or 404 with its JSON error): upload again. */
        UNKNOWN_POLL,
        /** {@code FAILED}: the server refused the reports after accepting the upload. */
        FAILED
    }

    /**
     * One entry of a {@code COMPLETE} answer's acknowledgements (or authorizations).
     *
     * @param sudi the device
     * @param softwareTag its {@code software_tag_identifier}, or null
     * @param smartLicense the acknowledgement or code ({@code smart_license}), or null when the entry carries none
     * @param error the entry's error status and message when it carries one (a status other than
     *     {@code SUCCESS}, or an error code other than {@code "None"}), else null
     * @param said the entry's own {@code status}, {@code error_code}, {@code status_message} and
     *     {@code correlation_id} ({@code "None"} read as absent)
     */
    public record AckEntry(Sudi sudi, String softwareTag, String smartLicense, String error, ServerMessage said) {
    }

    /**
     * A poll's answer.
     *
     * @param status what it said
     * @param acknowledgements the entries of a {@code COMPLETE} answer (acknowledgements or authorizations), else empty
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
        return observed(SdkObservations.USAGE_UPLOAD, "usage upload", () -> {
            String nonce = UUID.randomUUID().toString();
            byte[] body = UsageBodies.uploadBody(report, clock.millis(), nonce);
            SsmRequest request = usageRequest("usage.upload", routes.usageReportPath(), ids, system(report.devices().get(0)))
                    .jsonBody(body).deadline(deadline).build();
            return send(request, nonce, true);
        }, answer -> answer.status().name());
    }

    /**
     * Requests an authorization code for a device, or returns the code it holds, in the device's name
     * (its SUDI is the requesting system). Answered as an upload is: accepted with a poll id (polled
     * with {@link Action#AUTHORIZATIONS}), or refused.
     *
     * @param ids the account's ids
     * @param authorization what is requested or returned
     * @param nonce the request's nonce, new for each request
     * @param deadline when the request must be over, or null for none
     * @return what the server answered ({@link UploadStatus#ACCEPTED} or {@link UploadStatus#REFUSED})
     * @throws SsmException when no usable answer came (the transport's errors), or the server refused
     *     the request with an error status
     */
    public Upload authorize(AccountIds ids, AuthorizationRequest authorization, String nonce, Instant deadline) {
        return observed(SdkObservations.USAGE_AUTHORIZATION, "usage authorization", () -> {
            byte[] body = UsageBodies.authorizationBody(authorization, clock.millis(), nonce);
            SsmRequest request = usageRequest("usage.authorization", routes.authorizationRequestPath(), ids,
                    UsageBodies.sudiJson(authorization.device())).jsonBody(body).deadline(deadline).build();
            return send(request, nonce, false);
        }, answer -> answer.status().name());
    }

    /** Runs a call as an Observation whose outcome is its answer's status in lower case, or {@code error}. */
    private <T> T observed(String name, String contextualName, Supplier<T> call, java.util.function.Function<T, String> outcome) {
        Observation observation = SdkObservations.start(registry, name, contextualName);
        try (Observation.Scope scope = observation.openScope()) {
            T answer = call.get();
            SdkObservations.stop(observation, outcome.apply(answer).toLowerCase(Locale.ROOT));
            return answer;
        } catch (RuntimeException e) {
            SdkObservations.fail(observation, e, "error");
            throw e;
        }
    }

    /**
     * Sends an upload or authorization request and reads its answer: accepted with a poll id, or
     * refused ({@code FAILED}); with {@code duplicates}, a refusal for reports the server already has
     * is told apart.
     */
    private Upload send(SsmRequest request, String nonce, boolean duplicates) {
        SsmResponse response;
        try {
            response = http.execute(request);
        } catch (SsmServiceException e) {
            if (duplicates && e.statusCode() >= 400 && e.statusCode() < 500 && matches(e.errorCode(), e.serverMessage())) {
                return new Upload(UploadStatus.ALREADY_RECEIVED, null, nonce, null,
                        new ServerMessage("FAILED", e.errorCode(), e.serverMessage(), null), e.statusCode());
            }
            throw e;
        }
        JsonNode answer = json.decode(request, response, JsonNode.class);
        ServerMessage server = server(answer);
        String echoed = RumJson.text(answer.path("nonce"));
        if (echoed != null && !echoed.equals(nonce)) {
            throw json.malformed(request, response, "answers nonce '" + Redactor.snippet(echoed, 64) + "', not the request's " + nonce);
        }
        String status = upper(server.status());
        if ("FAILED".equals(status) || "ERROR".equals(status)) {
            return new Upload(duplicates && matches(server.code(), server.message()) ? UploadStatus.ALREADY_RECEIVED : UploadStatus.REFUSED,
                    null, nonce, null, server, response.statusCode());
        }
        String pollId = pollId(answer);
        if (pollId == null) {
            throw json.malformed(request, response, "has no poll_id (a number) for the request");
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
        return poll(Action.ACKNOWLEDGEMENTS, ids, device, pollId, nonce, deadline);
    }

    /**
     * Polls for the answer to an accepted upload (its acknowledgements) or authorization request (its
     * codes). An authorization's poll is made in the device's name, as its request was.
     *
     * @param action what the request was answered with
     * @param ids the account's ids
     * @param device a device of the upload (for the requesting system when none is configured), or the
     *     device of the authorization request
     * @param pollId the request's poll id (digits)
     * @param nonce the request's nonce
     * @param deadline when the poll must be over, or null for none
     * @return what the server answered
     * @throws SsmException when no usable answer came, or the server refused the poll otherwise than as unknown
     */
    public Poll poll(Action action, AccountIds ids, Sudi device, String pollId, String nonce, Instant deadline) {
        return observed(SdkObservations.USAGE_POLL, "usage poll", () -> sendPoll(action, ids, device, pollId, nonce, deadline),
                answer -> answer.status().name());
    }

    private Poll sendPoll(Action action, AccountIds ids, Sudi device, String pollId, String nonce, Instant deadline) {
        if (!DIGITS.matcher(pollId).matches()) {
            throw new IllegalArgumentException("a poll id is decimal digits");
        }
        byte[] body = UsageBodies.pollBody(clock.millis(), nonce, pollId, action.wire());
        String system = action == Action.AUTHORIZATIONS ? UsageBodies.sudiJson(device) : system(device);
        SsmRequest request = usageRequest("usage.poll", routes.pollPath(), ids, system).jsonBody(body).deadline(deadline).build();
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
            JsonNode entries = answer.path("data").path(action.wire());
            if (!entries.isArray()) {
                entries = answer.path(action.wire());
            }
            if (!entries.isArray()) {
                throw json.malformed(request, response, "is COMPLETE but holds no data." + action.wire() + " array");
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
            sudi = RumJson.sudi(entry.path("sudi"), "an entry's sudi");
        } catch (InvalidUsageReportException e) {
            throw json.malformed(request, response, "holds an entry without a device (" + e.problem() + ")");
        }
        String status = RumJson.text(entry.path("status"));
        String errorCode = given(RumJson.text(entry.path("error_code")));
        String message = given(Optional.ofNullable(RumJson.text(entry.path("status_message"))).orElse(RumJson.text(entry.path("message"))));
        String smartLicense = RumJson.text(entry.path("smart_license"));
        String error = null;
        if (status != null && !"SUCCESS".equalsIgnoreCase(status) || errorCode != null || smartLicense == null) {
            error = (status == null ? "no acknowledgement" : status) + (errorCode == null ? "" : " " + errorCode)
                    + (message == null ? "" : ": " + Redactor.snippet(message, 300));
        }
        ServerMessage said = new ServerMessage(status, errorCode, message == null ? null : Redactor.snippet(message, 500),
                RumJson.text(entry.path("correlation_id")));
        return new AckEntry(sudi, RumJson.text(entry.path("software_tag_identifier")), smartLicense, error, said);
    }

    /** An entry's error code or message, or null when it says there is none: absent, blank, or {@code "None"} as real servers send. */
    private static String given(String value) {
        return value == null || value.isBlank() || "None".equalsIgnoreCase(value.strip()) ? null : value;
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

    /** The requesting system of an upload or its polls: the configured one, else the device's. */
    private String system(Sudi device) {
        return requestingSystem != null ? requestingSystem : UsageBodies.sudiJson(device);
    }

    private SsmRequest.Builder usageRequest(String operation, String path, AccountIds ids, String requestingSystemJson) {
        return SsmRequest.post(operation, path)
                .header("X-CSW-SMART-ACCOUNT-ID", ids.accountId())
                .header("X-CSW-VIRTUAL-ACCOUNT-ID", ids.virtualAccountId())
                .header("X-CSW-REQUESTING-SYSTEM", requestingSystemJson)
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
