package io.github.ssmonprem.sync.usage;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * RUM reports for one smart account and virtual account, stored and uploaded together: what the SDK
 * keeps in its pending store until the server acknowledges it, and what one acknowledgement poll
 * answers for.
 *
 * <p>Its {@link #reportId()} is derived from its content (the account, the virtual account and the
 * devices and report ids of its RUM reports), so submitting the same RUM reports again finds the
 * stored report and sends nothing new.
 *
 * <pre>{@code
 * List<RumReport> rum = UsageFiles.read(Path.of("/var/spool/sdwan/edge-17-usage.xml"));
 * UsageReport report = UsageReport.of("acme.example", "SDWAN", rum);
 * }</pre>
 *
 * @param reportId the local id, {@code u} and 32 hex digits, derived from the content
 * @param account the smart account domain
 * @param virtualAccount the virtual account's name
 * @param createdAt when the report was made
 * @param reports the RUM reports, ordered by device and report id; at least one, none twice
 */
public record UsageReport(String reportId, String account, String virtualAccount, Instant createdAt, List<RumReport> reports) {

    /** The form of a report id: what a file name and a header may hold. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private static final Comparator<RumReport> ORDER = Comparator.comparing(RumReport::sudi)
            .thenComparingInt(r -> r.reportId().length()).thenComparing(RumReport::reportId);

    /**
     * Checks the parts.
     *
     * @param reportId the local id
     * @param account the smart account domain
     * @param virtualAccount the virtual account's name
     * @param createdAt when the report was made
     * @param reports the RUM reports
     * @throws InvalidUsageReportException naming what is wrong
     */
    public UsageReport {
        if (reportId == null || !ID.matcher(reportId).matches()) {
            throw new InvalidUsageReportException("the report id must be 1 to 128 of A-Z a-z 0-9 . _ -, starting with a letter or digit");
        }
        account = name(account, "smart account");
        virtualAccount = name(virtualAccount, "virtual account");
        if (createdAt == null) {
            throw new InvalidUsageReportException("the report has no creation time");
        }
        if (reports == null || reports.isEmpty()) {
            throw new InvalidUsageReportException("the report holds no RUM report");
        }
        reports = List.copyOf(reports);
        Set<String> keys = new HashSet<>();
        for (RumReport r : reports) {
            if (!keys.add(r.key())) {
                throw new InvalidUsageReportException("RUM report " + r.key() + " is in the report twice");
            }
        }
    }

    private static String name(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new InvalidUsageReportException("the report names no " + what);
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw new InvalidUsageReportException("the " + what + " name holds a control character");
            }
        }
        return value.strip();
    }

    /**
     * Makes a report of RUM reports for an account and virtual account, its id derived from them, on
     * the system clock.
     *
     * @param account the smart account domain
     * @param virtualAccount the virtual account's name
     * @param reports the RUM reports; at least one, none twice
     * @return the report
     * @throws InvalidUsageReportException naming what is wrong
     */
    public static UsageReport of(String account, String virtualAccount, Collection<RumReport> reports) {
        return of(account, virtualAccount, reports, Clock.systemUTC());
    }

    /**
     * Makes a report of RUM reports for an account and virtual account, its id derived from them.
     *
     * @param account the smart account domain
     * @param virtualAccount the virtual account's name
     * @param reports the RUM reports; at least one, none twice
     * @param clock the clock for {@link #createdAt()}
     * @return the report
     * @throws InvalidUsageReportException naming what is wrong
     */
    public static UsageReport of(String account, String virtualAccount, Collection<RumReport> reports, Clock clock) {
        if (reports == null || reports.isEmpty()) {
            throw new InvalidUsageReportException("the report holds no RUM report");
        }
        List<RumReport> sorted = new ArrayList<>(reports);
        sorted.sort(ORDER);
        String a = name(account, "smart account");
        String va = name(virtualAccount, "virtual account");
        return new UsageReport(idOf(a, va, sorted), a, va, clock.instant(), sorted);
    }

    /** The id of these reports: {@code u} and the first 128 bits of a SHA-256 over the account, virtual account and report keys. */
    private static String idOf(String account, String virtualAccount, List<RumReport> reports) {
        TreeSet<String> keys = new TreeSet<>();
        reports.forEach(r -> keys.add(r.key()));
        StringBuilder text = new StringBuilder(account.toLowerCase(Locale.ROOT)).append('\n').append(virtualAccount);
        keys.forEach(k -> text.append('\n').append(k));
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return "u" + HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** {@return the devices the report covers, each once, in order} */
    public List<Sudi> devices() {
        return List.copyOf(new TreeSet<>(byDevice().keySet()));
    }

    /** {@return the RUM reports grouped by device, devices in order} */
    public Map<Sudi, List<RumReport>> byDevice() {
        Map<Sudi, List<RumReport>> out = new java.util.TreeMap<>();
        for (RumReport r : reports) {
            out.computeIfAbsent(r.sudi(), k -> new ArrayList<>()).add(r);
        }
        return out;
    }

    /**
     * {@return the report ids of one device's RUM reports in this report}
     *
     * @param device the device
     */
    public List<String> reportIdsOf(Sudi device) {
        return byDevice().getOrDefault(device, List.of()).stream().map(RumReport::reportId).toList();
    }

    @Override
    public String toString() {
        return "UsageReport{" + reportId + ", " + account + "/" + virtualAccount + ", " + reports.size() + " RUM reports}";
    }
}
