package io.github.ssmonprem.sync.internal;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.ssmonprem.core.http.SsmJson;
import io.github.ssmonprem.sync.model.DeviceUsage;
import io.github.ssmonprem.sync.model.UsageRecord;
import io.github.ssmonprem.sync.model.UsageReport;
import io.github.ssmonprem.sync.store.PendingReport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Reads the pending-report slots ({@code pending/NNNNNN.slot}) that earlier versions of the file
 * store wrote, so that opening an old state directory migrates them. Read only: nothing writes this
 * format any more.
 *
 * <p>A slot: a JSON header line (format, state, report id, accounts, stored-at, body length and
 * CRC-32C) padded to 2 KiB, a delivery-state line (poll id, attempts, last error) padded to 2 KiB,
 * and from offset 4096 the body: the request body itself (format 2) or a compact JSON form (format
 * 3) with each tag and period written once and the records as triples of numbers.
 */
public final class LegacySlotFormat {

    private static final ObjectMapper MAPPER = SsmJson.mapper();
    private static final JsonFactory FACTORY = MAPPER.getFactory();
    private static final int LINE_SIZE = 2048;
    private static final int BODY_OFFSET = 2 * LINE_SIZE;

    private LegacySlotFormat() {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record SlotHeader(int format, String state, String reportId, String account, String virtualAccount,
            Instant storedAt, Long bodyLength, Long bodyCrc32c) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record DeliveryState(String pollId, int attempts, String lastError) {
    }

    /**
     * Reads one slot.
     *
     * @param slot the slot file
     * @return its report with its delivery state, or null when the slot is free
     * @throws IOException when it cannot be read, is damaged or torn
     */
    public static PendingReport read(Path slot) throws IOException {
        try (FileChannel channel = FileChannel.open(slot, StandardOpenOption.READ)) {
            SlotHeader header = MAPPER.readValue(trim(readAt(channel, 0, LINE_SIZE)), SlotHeader.class);
            if (header.format() != 2 && header.format() != 3) {
                throw new IOException("it has format " + header.format() + ", expected 2 or 3");
            }
            if ("free".equals(header.state())) {
                return null;
            }
            if (!"pending".equals(header.state()) || header.reportId() == null || header.bodyLength() == null
                    || header.bodyCrc32c() == null || header.storedAt() == null || header.bodyLength() < 0) {
                throw new IOException("its header is incomplete");
            }
            byte[] body = readAt(channel, BODY_OFFSET, header.bodyLength());
            CRC32C crc = new CRC32C();
            crc.update(body);
            if (crc.getValue() != header.bodyCrc32c()) {
                throw new IOException("its body does not match its checksum (a write cut short by a crash, or a damaged disk)");
            }
            UsageReport report = header.format() == 2
                    ? UsageWireFormat.decode(header.account(), header.virtualAccount(), body)
                    : decodeCompact(header.account(), header.virtualAccount(), body);
            if (!header.reportId().equals(report.reportId())) {
                throw new IOException("its nonce " + report.reportId() + " does not match its header's " + header.reportId());
            }
            DeliveryState state = new DeliveryState(null, 0, null);
            try {
                state = MAPPER.readValue(trim(readAt(channel, LINE_SIZE, LINE_SIZE)), DeliveryState.class);
            } catch (IOException torn) {
                // torn by a crash: polling starts over, or the report is resubmitted with its nonce
            }
            return new PendingReport(report, header.storedAt(), state.pollId(), state.attempts(), state.lastError());
        }
    }

    /** A line without its padding (spaces, newlines, NULs). */
    private static byte[] trim(byte[] line) {
        int end = line.length;
        while (end > 0 && (line[end - 1] == ' ' || line[end - 1] == '\n' || line[end - 1] == 0)) {
            end--;
        }
        return java.util.Arrays.copyOf(line, end);
    }

    private static byte[] readAt(FileChannel channel, long position, long length) throws IOException {
        if (length > Integer.MAX_VALUE - 8) {
            throw new IOException("it declares a body of " + length + " bytes");
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) length);
        long at = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, at);
            if (n < 0) {
                throw new IOException("it is shorter than its header says (" + (position + length) + " bytes)");
            }
            at += n;
        }
        return buffer.array();
    }

    /**
     * Reads a compact form back.
     *
     * @throws IOException when it is not a compact form, or refers to a tag or period it lacks
     * @throws io.github.ssmonprem.sync.InvalidUsageReportException when its content is invalid
     */
    private static UsageReport decodeCompact(String account, String virtualAccount, byte[] body) throws IOException {
        Long timestamp = null;
        String nonce = null;
        String productInstance = null;
        List<String> tags = List.of();
        List<Instant> periods = List.of();
        List<DeviceUsage> devices = null;
        try (JsonParser p = FACTORY.createParser(body)) {
            expect(p.nextToken(), JsonToken.START_OBJECT, "the report");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.getCurrentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "timestamp":
                        expect(value, JsonToken.VALUE_NUMBER_INT, field);
                        timestamp = p.getLongValue();
                        break;
                    case "nonce":
                        nonce = text(p, value, field);
                        break;
                    case "product_instance_identifier":
                        productInstance = text(p, value, field);
                        break;
                    case "tags":
                        expect(value, JsonToken.START_ARRAY, field);
                        tags = new ArrayList<>();
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            tags.add(text(p, p.currentToken(), field));
                        }
                        break;
                    case "periods":
                        expect(value, JsonToken.START_ARRAY, field);
                        periods = new ArrayList<>();
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            expect(p.currentToken(), JsonToken.VALUE_NUMBER_INT, field);
                            periods.add(Instant.ofEpochMilli(p.getLongValue()));
                        }
                        if (periods.size() % 2 != 0) {
                            throw new IOException("its periods are not pairs of start and end");
                        }
                        break;
                    case "devices":
                        expect(value, JsonToken.START_ARRAY, field);
                        devices = new ArrayList<>();
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            devices.add(device(p, tags, periods));
                        }
                        break;
                    default:
                        p.skipChildren();
                }
            }
            expect(p.currentToken(), JsonToken.END_OBJECT, "the report");
        }
        if (timestamp == null || nonce == null || productInstance == null || devices == null) {
            throw new IOException("its report lacks the timestamp, nonce, product instance or devices");
        }
        return new UsageReport(nonce, Instant.ofEpochMilli(timestamp), account, virtualAccount, productInstance, devices);
    }

    private static DeviceUsage device(JsonParser p, List<String> tags, List<Instant> periods) throws IOException {
        expect(p.currentToken(), JsonToken.START_ARRAY, "a device");
        String hostname = text(p, p.nextToken(), "a device's hostname");
        String softwareTag = text(p, p.nextToken(), "a device's software tag");
        List<UsageRecord> records = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            int tag = index(p, p.currentToken(), tags.size(), "tag");
            expect(p.nextToken(), JsonToken.VALUE_NUMBER_INT, "a record's count");
            long count = p.getLongValue();
            int period = index(p, p.nextToken(), periods.size() / 2, "period");
            records.add(new UsageRecord(tags.get(tag), count, periods.get(2 * period), periods.get(2 * period + 1)));
        }
        return new DeviceUsage(hostname, softwareTag, records);
    }

    private static int index(JsonParser p, JsonToken token, int size, String what) throws IOException {
        expect(token, JsonToken.VALUE_NUMBER_INT, "a record's " + what);
        long i = p.getLongValue();
        if (i < 0 || i >= size) {
            throw new IOException("a record refers to " + what + " " + i + " of " + size);
        }
        return (int) i;
    }

    private static String text(JsonParser p, JsonToken token, String what) throws IOException {
        expect(token, JsonToken.VALUE_STRING, what);
        return p.getText();
    }

    private static void expect(JsonToken token, JsonToken expected, String what) throws IOException {
        if (token != expected) {
            throw new IOException(what + " is " + token + " where " + expected + " belongs");
        }
    }
}
