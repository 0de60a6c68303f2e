package io.github.ssmonprem.sync.internal.usage;

import com.fasterxml.jackson.core.JsonGenerator;
import io.github.ssmonprem.sync.usage.AuthorizationRequest;
import io.github.ssmonprem.sync.usage.RumReport;
import io.github.ssmonprem.sync.usage.Sudi;
import io.github.ssmonprem.sync.usage.UsageReport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * The bodies the usage protocol writes (PROTOCOL.md sections 3 and 4): an upload's JSON, with each
 * payload as the exact text it was read as and each signature object as written; an authorization
 * request's JSON; a poll's JSON, its
 * poll id the same JSON number the server gave; the sizes the splitter measures a report by; and a
 * SUDI as the {@code X-CSW-REQUESTING-SYSTEM} header's JSON.
 */
public final class UsageBodies {

    private UsageBodies() {
    }

    /**
     * Writes an upload's body: {@code {"data":{"timestamp","nonce","reports":[{"sudi","usage":[{"payload","signature"}]}]}}},
     * each payload as the exact text it was read as and each signature object as written.
     *
     * @param report the report
     * @param timestamp the upload's time, epoch milliseconds
     * @param nonce the upload's nonce
     * @return the body, UTF-8 JSON
     */
    public static byte[] uploadBody(UsageReport report, long timestamp, String nonce) {
        return envelope(timestamp, nonce, "reports", g -> {
            for (Map.Entry<Sudi, List<RumReport>> device : report.byDevice().entrySet()) {
                g.writeStartObject();
                writeSudi(g, device.getKey());
                g.writeArrayFieldStart("usage");
                for (RumReport r : device.getValue()) {
                    writeUsage(g, r);
                }
                g.writeEndArray();
                g.writeEndObject();
            }
        });
    }

    /**
     * Writes an authorization request's body:
     * {@code {"data":{"timestamp","nonce","licenses":[{"sudi","hostname","keys":[{"entitlement","count"}]}]}}}, the
     * count as a decimal string; for a return {@code "keys":[]} and the {@code "remove_code"}.
     *
     * @param authorization what is requested or returned
     * @param timestamp the request's time, epoch milliseconds
     * @param nonce the request's nonce
     * @return the body, UTF-8 JSON
     */
    public static byte[] authorizationBody(AuthorizationRequest authorization, long timestamp, String nonce) {
        return envelope(timestamp, nonce, "licenses", g -> {
            g.writeStartObject();
            writeSudi(g, authorization.device());
            g.writeStringField("hostname", authorization.hostname());
            g.writeArrayFieldStart("keys");
            if (!authorization.isReturn()) {
                g.writeStartObject();
                g.writeStringField("entitlement", authorization.entitlement());
                g.writeStringField("count", Integer.toString(authorization.count()));
                g.writeEndObject();
            }
            g.writeEndArray();
            if (authorization.isReturn()) {
                g.writeStringField("remove_code", authorization.removeCode());
            }
            g.writeEndObject();
        });
    }

    /** {@code {"data":{"timestamp":..,"nonce":..,"ARRAY":[ENTRIES]}}}, as uploads and authorization requests are sent. */
    private static byte[] envelope(long timestamp, String nonce, String array, Body entries) {
        return write(g -> {
            g.writeStartObject();
            g.writeObjectFieldStart("data");
            g.writeNumberField("timestamp", timestamp);
            g.writeStringField("nonce", nonce);
            g.writeArrayFieldStart(array);
            entries.write(g);
            g.writeEndArray();
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    /**
     * {@return a poll's body: {@code {"data":{"timestamp","nonce","poll_id","action"}}}, UTF-8 JSON}
     *
     * @param timestamp the poll's time, epoch milliseconds
     * @param nonce the nonce of the request it polls for
     * @param pollId the poll id's exact digits, written as the JSON number they are
     * @param action what the request is answered with: {@code acknowledgements} or {@code authorizations}
     */
    public static byte[] pollBody(long timestamp, String nonce, String pollId, String action) {
        return write(g -> {
            g.writeStartObject();
            g.writeObjectFieldStart("data");
            g.writeNumberField("timestamp", timestamp);
            g.writeStringField("nonce", nonce);
            g.writeFieldName("poll_id");
            g.writeNumber(pollId);
            g.writeStringField("action", action);
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    /**
     * {@return how many bytes a RUM report takes in an upload body, as one entry of its device's usage}
     *
     * @param report the RUM report
     */
    public static int entrySize(RumReport report) {
        return write(g -> writeUsage(g, report)).length + 1;
    }

    /**
     * {@return how many bytes a device's group takes in an upload body besides its usage entries}
     *
     * @param device the device
     */
    public static int groupSize(Sudi device) {
        return write(g -> {
            g.writeStartObject();
            writeSudi(g, device);
            g.writeArrayFieldStart("usage");
            g.writeEndArray();
            g.writeEndObject();
        }).length + 1;
    }

    /** An upload body's bytes besides its devices' groups: the envelope, timestamp and nonce. */
    public static final int ENVELOPE_SIZE = 120;

    private static void writeUsage(JsonGenerator g, RumReport r) throws IOException {
        g.writeStartObject();
        g.writeStringField("payload", r.payload());
        g.writeFieldName("signature");
        g.writeRawValue(r.signature());
        g.writeEndObject();
    }

    private static void writeSudi(JsonGenerator g, Sudi sudi) throws IOException {
        g.writeObjectFieldStart("sudi");
        g.writeStringField("udi_pid", sudi.pid());
        g.writeStringField("udi_serial_number", sudi.serialNumber());
        g.writeEndObject();
    }

    /** {@return a SUDI as the header's JSON, {@code {"udi_pid":..,"udi_serial_number":..}}} */
    public static String sudiJson(Sudi sudi) {
        return new String(write(g -> {
            g.writeStartObject();
            g.writeStringField("udi_pid", sudi.pid());
            g.writeStringField("udi_serial_number", sudi.serialNumber());
            g.writeEndObject();
        }), java.nio.charset.StandardCharsets.UTF_8);
    }

    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private static byte[] write(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = RumJson.mapper().getFactory().createGenerator((OutputStream) out)) {
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
