package io.github.ssmonprem.sync.usage;

/** RUM reports as devices write them, for tests: payload text with the spacing and escapes a device uses. */
final class Rum {

    static final String TAG = "regid.2018-05.com.cisco.WLC_9500C,1.0_85665885-b865-4e32-8184-5510412fcb54";
    static final String ENTITLEMENT = "regid.2018-05.com.cisco.DNA_NWStack,1.0_e7244e71-3ad5-4608-8bf0-d12f67c80896";

    private Rum() {
    }

    /** A device's payload text: spaces after colons and an escaped slash, as a JSON library would not write them. */
    static String payload(String pid, String serial, long reportId) {
        return "{\"version\": \"2.0\", \"asset_identification\": {\"report_id\": " + reportId + ", \"asset\": {\"name\": \"" + TAG
                + "\"}, \"instance\": {\"sudi\": {\"udi_pid\": \"" + pid + "\", \"udi_serial_number\": \"" + serial + "\"}}}, "
                + "\"meta\": {\"entitlement_tag\": \"" + ENTITLEMENT + "\", \"utility_enabled\": false, \"note\": \"a\\/b\"}, "
                + "\"measurements\": [{\"log_time\": 1671840750, \"metric_name\": \"ENTITLEMENT\", \"start_time\": 1671754350, "
                + "\"end_time\": 1671840750, \"sample_interval\": 86400, \"num_samples\": 1, \"value\": {\"type\": \"COUNT\", \"value\": \"3\"}}]}";
    }

    /** A device's signature object, as JSON text. */
    static String signature(String pid, String serial) {
        return "{\"sudi\": {\"udi_pid\": \"" + pid + "\", \"udi_serial_number\": \"" + serial + "\"}, \"signing_type\": \"builtin\", "
                + "\"key\": \"" + TAG + "\", \"value\": \"Tq2qxHTui7/n675clT/uT0Ih1SjIysZbe5LjQ212nCg=\"}";
    }

    static RumReport report(String pid, String serial, long reportId) {
        return RumReport.of(payload(pid, serial, reportId), signature(pid, serial));
    }

    /** The JSON of a {@code <RUMReport>} element's content: the payload as a JSON string, then the signature object. */
    static String entry(String payload, String signature) {
        return "{\"payload\":\"" + payload.replace("\\", "\\\\").replace("\"", "\\\"") + "\",\"signature\":" + signature + "}";
    }

    static String entry(String pid, String serial, long reportId) {
        return entry(payload(pid, serial, reportId), signature(pid, serial));
    }

    /** A device's usage file: several RUM reports under a root element, each in CDATA. */
    static String xml(String... entries) {
        StringBuilder out = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<smartLicense>\n");
        for (String e : entries) {
            out.append("<RUMReport><![CDATA[").append(e).append("]]></RUMReport>\n");
        }
        return out.append("</smartLicense>\n").toString();
    }
}
