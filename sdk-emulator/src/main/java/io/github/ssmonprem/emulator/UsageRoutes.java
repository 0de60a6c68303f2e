package io.github.ssmonprem.emulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;

/**
 * The usage routes of the {@link SsmEmulator}, spoken as PROTOCOL.md sections 2 to 4 give them and
 * strictly: {@code GET v2/accounts/search}, {@code POST v2/devices/reportusage},
 * {@code POST v2/accounts/poll} and {@code POST v2/devices/authrequest}. A request that a real server
 * would not take (a domain name where the numeric id belongs, a {@code poll_id} as a string, a payload
 * that is not JSON text, a report without signature, a device that differs between a report's group,
 * payload and signature) is refused with a 4xx {@code {"status":"FAILED","message","message_code"}}
 * answer; a RUM report the emulator already has is refused with {@code FAILED} "already received".
 *
 * <p>Its state (received RUM reports, uploads and authorization requests by poll id) and counters are
 * guarded by this object's lock; the handlers are short, so concurrent clients do not wait for each
 * other in any way that matters.
 */
final class UsageRoutes {

    static final String ACKNOWLEDGEMENTS = "acknowledgements";
    static final String AUTHORIZATIONS = "authorizations";

    /** The default message of a duplicate upload's {@code FAILED} answer, before the reports it names. */
    static final String DEFAULT_DUPLICATE_MESSAGE = "The usage report has already been received";
    /** The default message code of a duplicate upload's {@code FAILED} answer. */
    static final String DEFAULT_DUPLICATE_CODE = "USAGE_REPORT_RECEIVED";

    private static final long FIRST_POLL_ID = (1L << 53) + 1;
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,19}");
    private static final Pattern CISCO_TAG = Pattern.compile("^regid\\.[^.,]+\\.com\\.cisco\\.([^,]+),");
    private static final String NGINX_413 = "<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n<body>\r\n"
            + "<center><h1>413 Request Entity Too Large</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

    /** Writes a JSON answer with the emulator's usual headers. */
    interface Answers {
        MockResponse json(int status, Object body);
    }

    /** The settings of the usage routes, filled by the emulator's builder. */
    static final class Settings {
        long pollIntervalSeconds = 1;
        int acceptedStatus = 202;
        int duplicateStatus = 200;
        String duplicateMessage;
        String duplicateCode = DEFAULT_DUPLICATE_CODE;
        long maxBodyBytes = 1L << 20;
        int acknowledgeAfterPolls = 1;
        Duration acknowledgeAfter = Duration.ZERO;

        Settings copy() {
            Settings s = new Settings();
            s.pollIntervalSeconds = pollIntervalSeconds;
            s.acceptedStatus = acceptedStatus;
            s.duplicateStatus = duplicateStatus;
            s.duplicateMessage = duplicateMessage;
            s.duplicateCode = duplicateCode;
            s.maxBodyBytes = maxBodyBytes;
            s.acknowledgeAfterPolls = acknowledgeAfterPolls;
            s.acknowledgeAfter = acknowledgeAfter;
            return s;
        }
    }

    /** A request refused as a real server would: the HTTP status and the server's code and message. */
    private static final class Refusal extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;
        final String code;

        Refusal(int status, String code, String message) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
        }
    }

    /** Who calls: the account and virtual account the headers name, and the requesting system. */
    private record Caller(String accountId, String virtualAccountId) {
    }

    /** One RUM report of an upload, checked. */
    private record Rum(String key, DeviceId sudi, String reportId, String payload, String signature, String softwareTag) {
    }

    /** One license entry of an authorization request, checked. */
    private record License(DeviceId sudi, String hostname, List<String> keys, String removeCode) {
    }

    /** An accepted upload or authorization request, known by its poll id until forgotten. */
    private static final class Pending {
        final String pollId;
        final String action;
        final String accountId;
        final String virtualAccountId;
        final Instant receivedAt;
        final List<Rum> reports;
        final List<License> licenses;
        int polls;
        Map<String, Object> complete;

        Pending(String pollId, String action, Caller caller, Instant receivedAt, List<Rum> reports, List<License> licenses) {
            this.pollId = pollId;
            this.action = action;
            this.accountId = caller.accountId();
            this.virtualAccountId = caller.virtualAccountId();
            this.receivedAt = receivedAt;
            this.reports = reports;
            this.licenses = licenses;
        }
    }

    private final ObjectMapper json = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private final Supplier<Collection<SsmEmulator.AccountRecord>> accounts;
    private final UsageFaults faults;
    private final Runnable faultServed;
    private final Answers answers;
    private final Settings settings;
    private volatile int acknowledgeAfterPolls;
    private volatile Duration acknowledgeAfter;

    // State, under this object's lock.
    private final Map<String, Pending> pending = new LinkedHashMap<>();
    private final Map<String, ReceivedRumReport> received = new LinkedHashMap<>();
    private final List<IssuedAcknowledgement> acknowledgements = new ArrayList<>();
    private final List<IssuedAuthorization> authorizations = new ArrayList<>();

    // Counters.
    final AtomicInteger uploads = new AtomicInteger();
    final Map<String, AtomicInteger> uploadsByKey = new ConcurrentHashMap<>();
    final AtomicInteger acceptedUploads = new AtomicInteger();
    final AtomicInteger failedUploads = new AtomicInteger();
    final AtomicInteger duplicatesRefused = new AtomicInteger();
    final AtomicInteger refusedRequests = new AtomicInteger();
    final AtomicInteger polls = new AtomicInteger();
    final AtomicInteger unknownPolls = new AtomicInteger();
    final AtomicInteger accountSearches = new AtomicInteger();
    final AtomicInteger authorizationRequests = new AtomicInteger();
    volatile String lastRequestingSystem;
    volatile String lastUploadBody;
    volatile String lastRefusal;

    UsageRoutes(Clock clock, Supplier<Collection<SsmEmulator.AccountRecord>> accounts, Settings settings, UsageFaults faults,
            Runnable faultServed, Answers answers) {
        this.clock = clock;
        this.accounts = accounts;
        this.settings = settings.copy();
        this.faults = faults;
        this.faultServed = faultServed;
        this.answers = answers;
        this.acknowledgeAfterPolls = settings.acknowledgeAfterPolls;
        this.acknowledgeAfter = settings.acknowledgeAfter;
    }

    void acknowledgeAfter(int polls, Duration delay) {
        this.acknowledgeAfterPolls = polls;
        this.acknowledgeAfter = Objects.requireNonNull(delay, "delay");
    }

    // ------------------------------------------------------------------------------------------
    // Account search
    // ------------------------------------------------------------------------------------------

    MockResponse search(RecordedRequest request) {
        accountSearches.incrementAndGet();
        boolean numbers = faults.numericSearchIds.take();
        if (numbers) {
            faultServed.run();
        }
        List<Map<String, Object>> list = new ArrayList<>();
        for (SsmEmulator.AccountRecord a : accounts.get()) {
            List<Map<String, Object>> vas = new ArrayList<>();
            for (String va : a.virtualAccounts) {
                Map<String, Object> v = new LinkedHashMap<>();
                v.put("name", va);
                String id = a.virtualAccountIds.get(va);
                v.put("virtual_account_id", numbers ? (Object) Long.parseLong(id) : id);
                v.put("default", va.equals(a.virtualAccounts.get(0)));
                vas.add(v);
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("account_id", numbers ? (Object) Long.parseLong(a.accountId) : a.accountId);
            m.put("domain", a.domain);
            m.put("name", a.name);
            m.put("virtual_accounts", vas);
            list.add(m);
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("status", "COMPLETE");
        answer.put("message_code", "");
        answer.put("message", "");
        answer.put("accounts", list);
        return answers.json(200, answer);
    }

    // ------------------------------------------------------------------------------------------
    // Upload
    // ------------------------------------------------------------------------------------------

    /**
     * Counts an upload whatever becomes of it (a fault in its place, a refused token, a refusal), by the
     * keys of the RUM reports it carries as far as they can be read, and keeps its body.
     */
    void countUpload(RecordedRequest request) {
        uploads.incrementAndGet();
        String body = request.getBody() == null ? "" : request.getBody().utf8();
        lastUploadBody = body;
        Set<String> keys = new HashSet<>();
        try {
            for (JsonNode group : json.readTree(body).path("data").path("reports")) {
                for (JsonNode usage : group.path("usage")) {
                    String key = leniently(group, usage);
                    if (key != null) {
                        keys.add(key);
                    }
                }
            }
        } catch (JsonProcessingException | RuntimeException unreadable) {
            // counted as an upload; its reports cannot be told
        }
        keys.forEach(k -> uploadsByKey.computeIfAbsent(k, x -> new AtomicInteger()).incrementAndGet());
    }

    private String leniently(JsonNode group, JsonNode usage) {
        try {
            JsonNode payload = json.readTree(usage.path("payload").asText(""));
            String reportId = reportId(payload);
            if (reportId == null) {
                return null;
            }
            for (JsonNode s : List.of(usage.path("signature").path("sudi"), payload.path("asset_identification").path("instance").path("sudi"),
                    group.path("sudi"))) {
                try {
                    return sudi(s, "") + "#" + reportId;
                } catch (Refusal notOne) {
                    // the next place
                }
            }
        } catch (JsonProcessingException | RuntimeException unreadable) {
            // not a report
        }
        return null;
    }

    MockResponse upload(RecordedRequest request) {
        try {
            Caller caller = caller(request);
            JsonNode data = data(request);
            integralNumber(data.path("timestamp"), "data.timestamp");
            String nonce = text(data.path("nonce"), "data.nonce");
            JsonNode groups = nonEmptyArray(data.path("reports"), "data.reports");
            List<Rum> rums = new ArrayList<>();
            Set<String> keys = new HashSet<>();
            for (int i = 0; i < groups.size(); i++) {
                JsonNode group = groups.get(i);
                String where = "data.reports[" + i + "]";
                if (!group.isObject()) {
                    throw invalid(where + " is not an object {\"sudi\":..,\"usage\":[..]}");
                }
                DeviceId device = sudi(group.path("sudi"), where + ".sudi");
                JsonNode usage = nonEmptyArray(group.path("usage"), where + ".usage");
                for (int j = 0; j < usage.size(); j++) {
                    Rum rum = rum(device, usage.get(j), where + ".usage[" + j + "]");
                    if (!keys.add(rum.key())) {
                        throw invalid(where + ".usage[" + j + "]: RUM report " + rum.key() + " appears twice in the upload");
                    }
                    rums.add(rum);
                }
            }
            synchronized (this) {
                if (faults.failUploads.take()) {
                    faultServed.run();
                    failedUploads.incrementAndGet();
                    UsageFaults.Counted f = faults.failUploads;
                    return failed(f.httpStatus, f.code, f.message, nonce);
                }
                List<String> duplicates = new ArrayList<>();
                for (Rum r : rums) {
                    if (received.containsKey(r.key())) {
                        duplicates.add(r.key());
                    }
                }
                if (!duplicates.isEmpty()) {
                    duplicatesRefused.incrementAndGet();
                    String message = settings.duplicateMessage != null ? settings.duplicateMessage
                            : DEFAULT_DUPLICATE_MESSAGE + ": " + String.join(", ", duplicates.subList(0, Math.min(5, duplicates.size())))
                                    + (duplicates.size() > 5 ? " and " + (duplicates.size() - 5) + " more" : "");
                    return failed(settings.duplicateStatus, settings.duplicateCode, message, nonce);
                }
                Pending p = new Pending(newPollId(), ACKNOWLEDGEMENTS, caller, clock.instant(), List.copyOf(rums), List.of());
                pending.put(p.pollId, p);
                for (Rum r : rums) {
                    received.put(r.key(), new ReceivedRumReport(r.key(), r.sudi(), r.reportId(), r.payload(), r.signature(),
                            caller.accountId(), caller.virtualAccountId(), p.pollId, p.receivedAt));
                }
                acceptedUploads.incrementAndGet();
                return accepted(p, nonce);
            }
        } catch (Refusal r) {
            return refused(r);
        }
    }

    private Rum rum(DeviceId device, JsonNode usage, String where) {
        if (!usage.isObject()) {
            throw invalid(where + " is not an object {\"payload\":..,\"signature\":..}");
        }
        JsonNode payloadNode = usage.path("payload");
        if (payloadNode.isMissingNode() || payloadNode.isNull()) {
            throw new Refusal(400, "INVALID_PAYLOAD", where + " has no payload");
        }
        if (!payloadNode.isTextual()) {
            throw new Refusal(400, "INVALID_PAYLOAD", where + ".payload must be a string holding the RUM report's JSON text, not "
                    + kind(payloadNode));
        }
        String payload = payloadNode.textValue();
        JsonNode body;
        try {
            body = json.readTree(payload);
        } catch (JsonProcessingException e) {
            throw new Refusal(400, "INVALID_PAYLOAD", where + ".payload is not JSON text (" + e.getOriginalMessage() + ")");
        }
        if (body == null || !body.isObject()) {
            throw new Refusal(400, "INVALID_PAYLOAD", where + ".payload is not the JSON text of an object");
        }
        String reportId = reportId(body);
        if (reportId == null) {
            throw new Refusal(400, "INVALID_PAYLOAD", where + ".payload has no asset_identification.report_id");
        }
        JsonNode signature = usage.path("signature");
        if (signature.isMissingNode() || signature.isNull()) {
            throw new Refusal(400, "INVALID_SIGNATURE", where + " (RUM report " + device + "#" + reportId + ") has no signature");
        }
        if (!signature.isObject()) {
            throw new Refusal(400, "INVALID_SIGNATURE", where + ".signature is not an object");
        }
        DeviceId signer = sudi(signature.path("sudi"), where + ".signature.sudi", "INVALID_SIGNATURE");
        for (String field : List.of("signing_type", "key", "value")) {
            JsonNode f = signature.path(field);
            if (!f.isTextual() || f.asText().isBlank()) {
                throw new Refusal(400, "INVALID_SIGNATURE", where + ".signature." + field + " must be a non-empty string");
            }
        }
        if (!signer.equals(device)) {
            throw new Refusal(400, "SUDI_MISMATCH", where + ": the signature's device " + signer + " is not the report group's " + device);
        }
        JsonNode instance = body.path("asset_identification").path("instance").path("sudi");
        if (!instance.isMissingNode()) {
            DeviceId fromPayload = sudi(instance, where + ".payload asset_identification.instance.sudi", "INVALID_PAYLOAD");
            if (!fromPayload.equals(device)) {
                throw new Refusal(400, "SUDI_MISMATCH", where + ": the payload's device " + fromPayload + " is not the report group's "
                        + device);
            }
        }
        String tag = body.path("asset_identification").path("asset").path("name").asText(signature.path("key").asText());
        return new Rum(device + "#" + reportId, device, reportId, payload, signature.toString(), shortTag(tag));
    }

    /** {@return a payload's report id as text: asset_identification.report_id, else meta.report_id; or null} */
    private static String reportId(JsonNode payload) {
        for (JsonNode id : List.of(payload.path("asset_identification").path("report_id"), payload.path("meta").path("report_id"))) {
            if (id.isIntegralNumber()) {
                return id.bigIntegerValue().toString();
            }
            if (id.isTextual() && !id.asText().isBlank()) {
                return id.asText();
            }
        }
        return null;
    }

    /** {@return the product's name out of a Cisco software tag ({@code regid.2019-10.com.cisco.C8000V,1.0_...} gives {@code C8000V})} */
    private static String shortTag(String tag) {
        Matcher m = CISCO_TAG.matcher(tag);
        return m.find() ? m.group(1) : tag;
    }

    // ------------------------------------------------------------------------------------------
    // Authorization codes
    // ------------------------------------------------------------------------------------------

    MockResponse authorize(RecordedRequest request) {
        try {
            Caller caller = caller(request);
            JsonNode data = data(request);
            integralNumber(data.path("timestamp"), "data.timestamp");
            String nonce = text(data.path("nonce"), "data.nonce");
            JsonNode entries = nonEmptyArray(data.path("licenses"), "data.licenses");
            List<License> licenses = new ArrayList<>();
            for (int i = 0; i < entries.size(); i++) {
                JsonNode entry = entries.get(i);
                String where = "data.licenses[" + i + "]";
                if (!entry.isObject()) {
                    throw invalid(where + " is not an object {\"sudi\",\"hostname\",\"keys\"}");
                }
                DeviceId device = sudi(entry.path("sudi"), where + ".sudi");
                String hostname = text(entry.path("hostname"), where + ".hostname");
                JsonNode keys = entry.path("keys");
                if (!keys.isArray()) {
                    throw invalid(where + ".keys must be an array ([] with a remove_code to return a code)");
                }
                List<String> wanted = new ArrayList<>();
                for (int k = 0; k < keys.size(); k++) {
                    String at = where + ".keys[" + k + "]";
                    String entitlement = text(keys.get(k).path("entitlement"), at + ".entitlement");
                    JsonNode count = keys.get(k).path("count");
                    String n = count.isTextual() && DIGITS.matcher(count.asText()).matches() ? count.asText()
                            : count.isIntegralNumber() && count.bigIntegerValue().signum() >= 0 ? count.bigIntegerValue().toString() : null;
                    if (n == null) {
                        throw invalid(at + ".count must be a count such as \"1\", not " + kind(count));
                    }
                    wanted.add(entitlement + "=" + n);
                }
                String removeCode = null;
                if (wanted.isEmpty()) {
                    removeCode = text(entry.path("remove_code"), where + ".remove_code (a return sends \"keys\":[] and the remove_code)");
                }
                licenses.add(new License(device, hostname, List.copyOf(wanted), removeCode));
            }
            synchronized (this) {
                authorizationRequests.incrementAndGet();
                Pending p = new Pending(newPollId(), AUTHORIZATIONS, caller, clock.instant(), List.of(), List.copyOf(licenses));
                pending.put(p.pollId, p);
                return accepted(p, nonce);
            }
        } catch (Refusal r) {
            return refused(r);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Poll
    // ------------------------------------------------------------------------------------------

    MockResponse poll(RecordedRequest request) {
        try {
            Caller caller = caller(request);
            JsonNode data = data(request);
            JsonNode timestamp = data.path("timestamp");
            if (!timestamp.isIntegralNumber() && !(timestamp.isTextual() && DIGITS.matcher(timestamp.asText()).matches())) {
                throw invalid("data.timestamp must be epoch milliseconds, not " + kind(timestamp));
            }
            String nonce = text(data.path("nonce"), "data.nonce");
            JsonNode id = data.path("poll_id");
            if (id.isMissingNode() || id.isNull()) {
                throw invalid("data.poll_id is required");
            }
            if (id.isTextual()) {
                throw invalid("data.poll_id must be the JSON number the upload's answer gave, not a string (\"" + snippet(id.asText()) + "\")");
            }
            if (!id.isIntegralNumber()) {
                throw invalid("data.poll_id must be an integer, not " + snippet(id.toString()) + " (was it read through a double?)");
            }
            String action = data.path("action").asText("");
            if (!ACKNOWLEDGEMENTS.equals(action) && !AUTHORIZATIONS.equals(action)) {
                throw invalid("data.action must be \"acknowledgements\" or \"authorizations\", not " + kind(data.path("action")));
            }
            String pollId = id.bigIntegerValue().toString();
            synchronized (this) {
                Pending p = pending.get(pollId);
                if (p == null || !p.accountId.equals(caller.accountId()) || !p.virtualAccountId.equals(caller.virtualAccountId())) {
                    unknownPolls.incrementAndGet();
                    throw new Refusal(404, "POLL_ID_NOT_FOUND", "No request with poll_id " + pollId + " for this account");
                }
                if (!p.action.equals(action)) {
                    throw invalid("poll_id " + pollId + " is a request for " + p.action + ", not " + action);
                }
                polls.incrementAndGet();
                if (p.complete == null) {
                    if (faults.okPollWithMessage.take()) {
                        faultServed.run();
                        return okPoll(p, nonce, faults.okPollWithMessage.message, faults.okPollWithMessage.code);
                    }
                    p.polls++;
                    boolean ready = p.polls > acknowledgeAfterPolls && !clock.instant().isBefore(p.receivedAt.plus(acknowledgeAfter));
                    if (!ready) {
                        return okPoll(p, nonce, "", "");
                    }
                    p.complete = complete(p);
                }
                Map<String, Object> answer = new LinkedHashMap<>();
                answer.put("status", "COMPLETE");
                answer.put("message_code", "");
                answer.put("message", "");
                answer.put("timestamp", clock.millis());
                answer.put("nonce", nonce);
                answer.putAll(p.complete);
                return answers.json(200, answer);
            }
        } catch (Refusal r) {
            return refused(r);
        }
    }

    /** The fixed part of a COMPLETE answer (type, correlation id, entries), made once per poll id. */
    private Map<String, Object> complete(Pending p) {
        String correlationId = UUID.randomUUID().toString();
        List<Map<String, Object>> entries = new ArrayList<>();
        if (ACKNOWLEDGEMENTS.equals(p.action)) {
            Map<DeviceId, List<Rum>> byDevice = new LinkedHashMap<>();
            p.reports.forEach(r -> byDevice.computeIfAbsent(r.sudi(), d -> new ArrayList<>()).add(r));
            for (Map.Entry<DeviceId, List<Rum>> device : byDevice.entrySet()) {
                DeviceId sudi = device.getKey();
                String tag = device.getValue().get(0).softwareTag();
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("sudi", sudiJson(sudi));
                entry.put("software_tag_identifier", tag);
                UsageFaults.DeviceError error = faults.takeDeviceError(sudi);
                if (error != null) {
                    faultServed.run();
                    entry.put("smart_license", null);
                    entry.put("status", error.status);
                    if (error.errorCode != null) {
                        entry.put("error_code", error.errorCode);
                    }
                    entry.put("status_message", error.statusMessage);
                } else {
                    List<String> ids = device.getValue().stream().map(Rum::reportId).toList();
                    String text = "<smartLicense type=\"ack\"><ack udi_pid=\"" + xml(sudi.pid()) + "\" udi_serial_number=\""
                            + xml(sudi.serialNumber()) + "\" software_tag=\"" + xml(tag) + "\" report_ids=\"" + xml(String.join(",", ids))
                            + "\" poll_id=\"" + p.pollId + "\" account_id=\"" + p.accountId + "\" virtual_account_id=\"" + p.virtualAccountId
                            + "\"/></smartLicense>";
                    String smartLicense = base64(text);
                    entry.put("smart_license", smartLicense);
                    acknowledgements.add(new IssuedAcknowledgement(p.pollId, sudi, tag, ids, smartLicense, correlationId));
                }
                entries.add(entry);
            }
        } else {
            for (License license : p.licenses) {
                Map<String, Object> entry = new LinkedHashMap<>();
                String instance = UUID.nameUUIDFromBytes(license.sudi().toString().getBytes(StandardCharsets.UTF_8)).toString();
                String entryCorrelation = UUID.randomUUID().toString().replace("-", "");
                entry.put("product_instance_identifier", instance);
                entry.put("sudi", sudiJson(license.sudi()));
                UsageFaults.DeviceError error = faults.takeDeviceError(license.sudi());
                if (error != null) {
                    faultServed.run();
                    entry.put("smart_license", null);
                    entry.put("auth_status", List.of());
                    entry.put("error_code", error.errorCode == null ? error.status : error.errorCode);
                    entry.put("status", error.status);
                    entry.put("status_message", error.statusMessage);
                } else {
                    String attributes = "udi_pid=\"" + xml(license.sudi().pid()) + "\" udi_serial_number=\"" + xml(license.sudi().serialNumber())
                            + "\" hostname=\"" + xml(license.hostname()) + "\"";
                    String text = license.removeCode() == null
                            ? "<smartLicense type=\"authorization\"><authorizationCode " + attributes + " entitlements=\""
                                    + xml(String.join(",", license.keys())) + "\" poll_id=\"" + p.pollId + "\"/></smartLicense>"
                            : "<smartLicense type=\"return\"><returnConfirmation " + attributes + " remove_code=\"" + xml(license.removeCode())
                                    + "\" poll_id=\"" + p.pollId + "\"/></smartLicense>";
                    String smartLicense = base64(text);
                    entry.put("smart_license", smartLicense);
                    entry.put("auth_status", List.of());
                    // As recorded from a real server: the absent error and message come as the text "None".
                    entry.put("error_code", "None");
                    entry.put("status", "SUCCESS");
                    entry.put("status_message", "None");
                    authorizations.add(new IssuedAuthorization(p.pollId, license.sudi(), license.hostname(), license.keys(),
                            license.removeCode(), instance, smartLicense, entryCorrelation));
                }
                entry.put("correlation_id", entryCorrelation);
                entries.add(entry);
            }
        }
        Map<String, Object> fixed = new LinkedHashMap<>();
        fixed.put("type", p.action);
        fixed.put("correlation_id", correlationId);
        fixed.put("data", Map.of(p.action, entries));
        return fixed;
    }

    // ------------------------------------------------------------------------------------------
    // Faults that act on the state
    // ------------------------------------------------------------------------------------------

    /**
     * Forgets every poll id, as a server that restarted and lost its pending work: later polls answer
     * 404. The RUM reports of uploads not yet acknowledged are forgotten too unless kept, so uploading
     * them again is accepted (or, kept, refused as duplicates).
     */
    synchronized void forgetPollIds(boolean keepReports) {
        if (!keepReports) {
            for (Pending p : pending.values()) {
                if (p.complete == null) {
                    p.reports.forEach(r -> received.remove(r.key()));
                }
            }
        }
        pending.clear();
    }

    // ------------------------------------------------------------------------------------------
    // What was seen
    // ------------------------------------------------------------------------------------------

    synchronized List<ReceivedRumReport> receivedReports() {
        return List.copyOf(received.values());
    }

    synchronized Optional<ReceivedRumReport> receivedReport(String key) {
        return Optional.ofNullable(received.get(key));
    }

    synchronized int distinctRumReports() {
        return received.size();
    }

    synchronized List<IssuedAcknowledgement> acknowledgements() {
        return List.copyOf(acknowledgements);
    }

    synchronized List<IssuedAuthorization> authorizations() {
        return List.copyOf(authorizations);
    }

    // ------------------------------------------------------------------------------------------
    // Request checks and answers
    // ------------------------------------------------------------------------------------------

    /** Checks the headers every usage route needs: numeric, known account ids and the requesting system. */
    private Caller caller(RecordedRequest request) {
        String system = request.getHeaders().get("X-CSW-REQUESTING-SYSTEM");
        if (system != null) {
            lastRequestingSystem = system;
        }
        String accountId = request.getHeaders().get("X-CSW-SMART-ACCOUNT-ID");
        String vaId = request.getHeaders().get("X-CSW-VIRTUAL-ACCOUNT-ID");
        if (accountId == null || vaId == null) {
            throw new Refusal(400, "INVALID_HEADER", "X-CSW-SMART-ACCOUNT-ID and X-CSW-VIRTUAL-ACCOUNT-ID are required");
        }
        for (String[] h : List.of(new String[] {"X-CSW-SMART-ACCOUNT-ID", accountId, "account_id"},
                new String[] {"X-CSW-VIRTUAL-ACCOUNT-ID", vaId, "virtual_account_id"})) {
            if (!DIGITS.matcher(h[1]).matches()) {
                throw new Refusal(400, "INVALID_HEADER", h[0] + " must be the numeric " + h[2] + " of v2/accounts/search, not '"
                        + snippet(h[1]) + "'");
            }
        }
        if (system == null) {
            throw new Refusal(400, "INVALID_HEADER", "X-CSW-REQUESTING-SYSTEM is required: {\"udi_pid\":..,\"udi_serial_number\":..}");
        }
        JsonNode systemJson;
        try {
            systemJson = json.readTree(system);
        } catch (JsonProcessingException e) {
            throw new Refusal(400, "INVALID_HEADER", "X-CSW-REQUESTING-SYSTEM is not JSON: {\"udi_pid\":..,\"udi_serial_number\":..}");
        }
        sudi(systemJson == null ? json.missingNode() : systemJson, "X-CSW-REQUESTING-SYSTEM", "INVALID_HEADER");
        for (SsmEmulator.AccountRecord a : accounts.get()) {
            if (a.accountId.equals(accountId)) {
                if (!a.virtualAccountIds.containsValue(vaId)) {
                    throw new Refusal(403, "ACCESS_DENIED", "Smart account " + accountId + " has no virtual account " + vaId
                            + " that this user can access");
                }
                return new Caller(accountId, vaId);
            }
        }
        throw new Refusal(403, "ACCESS_DENIED", "No smart account " + accountId + " that this user can access");
    }

    /** Checks the body's size, type and envelope, and returns its {@code data} object. */
    private JsonNode data(RecordedRequest request) {
        if (request.getBodySize() > settings.maxBodyBytes) {
            throw new Refusal(413, null, null);
        }
        String type = request.getHeaders().get("Content-Type");
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new Refusal(415, "UNSUPPORTED_MEDIA_TYPE", "Content-Type must be application/json, not " + type);
        }
        JsonNode body;
        try {
            body = json.readTree(request.getBody() == null ? "" : request.getBody().utf8());
        } catch (JsonProcessingException e) {
            throw invalid("The body is not JSON (" + e.getOriginalMessage() + ")");
        }
        JsonNode data = body == null ? null : body.path("data");
        if (data == null || !data.isObject()) {
            throw invalid("The body must be {\"data\":{..}}");
        }
        return data;
    }

    private DeviceId sudi(JsonNode node, String where) {
        return sudi(node, where, "INVALID_REQUEST");
    }

    private DeviceId sudi(JsonNode node, String where, String code) {
        if (!node.isObject()) {
            throw new Refusal(400, code, where + " must be {\"udi_pid\":..,\"udi_serial_number\":..}, not " + kind(node));
        }
        JsonNode pid = node.path("udi_pid");
        JsonNode serial = node.path("udi_serial_number");
        if (!pid.isTextual() || pid.asText().isBlank() || !serial.isTextual() || serial.asText().isBlank()) {
            throw new Refusal(400, code, where + " needs udi_pid and udi_serial_number, both non-empty strings");
        }
        try {
            return new DeviceId(pid.asText(), serial.asText());
        } catch (RuntimeException e) {
            throw new Refusal(400, code, where + ": " + e.getMessage());
        }
    }

    private static String text(JsonNode node, String where) {
        if (!node.isTextual() || node.asText().isBlank()) {
            throw invalid(where + " must be a non-empty string, not " + kind(node));
        }
        return node.asText();
    }

    private static void integralNumber(JsonNode node, String where) {
        if (!node.isIntegralNumber()) {
            throw invalid(where + " must be a number (epoch milliseconds), not " + kind(node));
        }
    }

    private static JsonNode nonEmptyArray(JsonNode node, String where) {
        if (!node.isArray() || node.isEmpty()) {
            throw invalid(where + " must be a non-empty array, not " + kind(node));
        }
        return node;
    }

    private static String kind(JsonNode node) {
        if (node.isMissingNode()) {
            return "missing";
        }
        return node.getNodeType().name().toLowerCase(Locale.ROOT) + (node.isValueNode() ? " " + snippet(node.toString()) : "");
    }

    private static String snippet(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "...";
    }

    private static Refusal invalid(String message) {
        return new Refusal(400, "INVALID_REQUEST", message);
    }

    private MockResponse refused(Refusal r) {
        refusedRequests.incrementAndGet();
        if (r.status == 413) {
            lastRefusal = "413 Request Entity Too Large";
            return new MockResponse.Builder().code(413).addHeader("Content-Type", "text/html").addHeader("Server", "nginx")
                    .body(NGINX_413).build();
        }
        lastRefusal = r.status + " " + r.code + ": " + r.getMessage();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "FAILED");
        body.put("message_code", r.code);
        body.put("message", r.getMessage());
        return answers.json(r.status, body);
    }

    private MockResponse failed(int status, String code, String message, String nonce) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "FAILED");
        body.put("message_code", code);
        body.put("message", message);
        body.put("timestamp", clock.millis());
        body.put("nonce", nonce);
        body.put("type", null);
        return answers.json(status, body);
    }

    /** The answer to an accepted upload or authorization request, with the faults that change it. */
    private MockResponse accepted(Pending p, String nonce) {
        int status = settings.acceptedStatus;
        if (faults.accepted200.take()) {
            faultServed.run();
            status = 200;
        }
        String echoed = nonce;
        if (faults.otherNonce.take()) {
            faultServed.run();
            echoed = "emulator-" + UUID.randomUUID();
        }
        Map<String, Object> answer = okPollBody(p, echoed, null, null);
        if (faults.pollIdUnderData.take()) {
            faultServed.run();
            Object id = answer.remove("poll_id");
            answer.put("data", Map.of("poll_id", id));
        }
        return answers.json(status, answer);
    }

    private MockResponse okPoll(Pending p, String nonce, String message, String code) {
        return answers.json(200, okPollBody(p, nonce, message, code));
    }

    private Map<String, Object> okPollBody(Pending p, String nonce, String message, String code) {
        long interval = settings.pollIntervalSeconds;
        if (faults.pollInterval.take()) {
            faultServed.run();
            interval = faults.pollInterval.number;
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("status", "OK_POLL");
        answer.put("message_code", code);
        answer.put("message", message);
        answer.put("timestamp", clock.millis());
        answer.put("nonce", nonce);
        answer.put("type", null);
        answer.put("poll_id", Long.parseLong(p.pollId));
        answer.put("poll_interval", interval);
        answer.put("action", p.action);
        return answer;
    }

    /**
     * {@return a new poll id: a 63-bit number above 2^53, and odd, so that no double holds it exactly and
     * a client that reads it through one always sends back another number}
     */
    private String newPollId() {
        String id;
        do {
            id = Long.toString((FIRST_POLL_ID + Math.floorMod(random.nextLong(), Long.MAX_VALUE - FIRST_POLL_ID)) | 1L);
        } while (pending.containsKey(id));
        return id;
    }

    private static Map<String, Object> sudiJson(DeviceId sudi) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("udi_pid", sudi.pid());
        m.put("udi_serial_number", sudi.serialNumber());
        return m;
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
