package io.github.ssmonprem.sync.internal.usage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.github.ssmonprem.sync.usage.InvalidUsageReportException;
import io.github.ssmonprem.sync.usage.Sudi;

/**
 * Reads fields out of RUM payloads and signatures, for reading only: the SDK never writes a payload
 * it parsed.
 */
public final class RumJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private RumJson() {
    }

    /** {@return the mapper for reading usage JSON (no trailing tokens allowed)} */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * Parses JSON text that must be one object.
     *
     * @param text the text
     * @param what what it is, for the message
     * @return the object
     * @throws InvalidUsageReportException when it is not one JSON object
     */
    public static JsonNode object(String text, String what) {
        JsonNode node;
        try {
            node = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new InvalidUsageReportException(what + " is not JSON (" + e.getOriginalMessage() + ")");
        }
        if (node == null || !node.isObject()) {
            throw new InvalidUsageReportException(what + " is not a JSON object");
        }
        return node;
    }

    /** {@return an id as text: an integer's exact digits or a non-blank string; null otherwise} */
    public static String id(JsonNode node) {
        if (node.isIntegralNumber()) {
            return node.bigIntegerValue().toString();
        }
        return text(node);
    }

    /** {@return a non-blank string's text, or null} */
    public static String text(JsonNode node) {
        return node.isTextual() && !node.asText().isBlank() ? node.asText() : null;
    }

    /**
     * Reads a SUDI object.
     *
     * @param node {@code {"udi_pid":..,"udi_serial_number":..}}
     * @param path where it is, for the message
     * @return the SUDI
     * @throws InvalidUsageReportException when it is not one
     */
    public static Sudi sudi(JsonNode node, String path) {
        if (!node.isObject()) {
            throw new InvalidUsageReportException(path + " is not a device identity object {\"udi_pid\":..,\"udi_serial_number\":..}");
        }
        String pid = text(node.path("udi_pid"));
        String serial = text(node.path("udi_serial_number"));
        if (pid == null || serial == null) {
            throw new InvalidUsageReportException(path + " needs both udi_pid and udi_serial_number");
        }
        return new Sudi(pid, serial);
    }
}
