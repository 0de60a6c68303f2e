package io.github.ssmonprem.core.internal;

import io.github.ssmonprem.core.exception.SsmConfigurationException;
import java.lang.reflect.Modifier;
import java.util.Optional;
import org.apache.hc.core5.util.VersionInfo;

/**
 * Refuses Apache HttpClient older than 5.6 before the first request. The SDK keeps headers and bodies
 * out of HttpClient's wire log with a subclass of {@code DefaultManagedHttpClientConnection}
 * ({@link QuietConnectionFactory}), a class that is {@code final} before 5.6: on 5.5 the first
 * connection would fail with an {@link IncompatibleClassChangeError}. Spring Boot 3.5 and 4.0 manage
 * 5.5.x, so an application that lets Boot pick the version meets this.
 */
public final class HttpClientVersionCheck {

    /** The oldest HttpClient the SDK runs on. */
    public static final String MINIMUM = "5.6";

    static final String CONNECTION_CLASS = "org.apache.hc.client5.http.impl.io.DefaultManagedHttpClientConnection";

    private HttpClientVersionCheck() {
    }

    /**
     * Checks the HttpClient the SDK's transport loads.
     *
     * @throws SsmConfigurationException naming the version found and the minimum, when it is too old
     */
    public static void verify() {
        problem(HttpClientVersionCheck.class.getClassLoader()).ifPresent(problem -> {
            throw refusal(problem);
        });
    }

    /**
     * The exception {@link #verify()} throws for a problem: the problem as its detail, and a
     * remediation about the dependency (not a builder setting to correct).
     *
     * @param problem what {@link #problem(ClassLoader)} found
     * @return the exception
     */
    static SsmConfigurationException refusal(String problem) {
        return new SsmConfigurationException("httpclient5.version", problem,
                "Depend on org.apache.httpcomponents.client5:httpclient5 5.6.1 or newer (and httpcore5 5.4 or newer), or"
                        + " import the SDK's sdk-bom, which pins the versions it was tested with; then start the application"
                        + " again.", null);
    }

    /**
     * What is wrong with the HttpClient a class loader sees, if anything.
     *
     * @param classLoader the class loader
     * @return the problem, naming the version found and the minimum; empty when the SDK can use it
     *     (or when HttpClient is not there at all: loading the transport reports that)
     */
    public static Optional<String> problem(ClassLoader classLoader) {
        Class<?> connection;
        try {
            connection = Class.forName(CONNECTION_CLASS, false, classLoader);
        } catch (ClassNotFoundException e) {
            return Optional.empty();
        }
        int modifiers = connection.getModifiers();
        return problem(release(classLoader), Modifier.isPublic(modifiers) && !Modifier.isFinal(modifiers));
    }

    /**
     * The release HttpClient's own {@code version.properties} declares. Not the jar manifest's
     * version: in a shaded jar (the ssm command line's) that is the application's.
     */
    static String release(ClassLoader classLoader) {
        VersionInfo info = VersionInfo.loadVersionInfo("org.apache.hc.client5", classLoader);
        return info == null || VersionInfo.UNAVAILABLE.equals(info.getRelease()) ? null : info.getRelease();
    }

    /**
     * What is wrong with an HttpClient of this version, if anything.
     *
     * @param version the release it declares, such as {@code 5.5.2}; null when unknown
     * @param extendable whether its connection class is public and not final, as the SDK needs
     * @return the problem, naming the version and the minimum; empty when the SDK can use it
     */
    static Optional<String> problem(String version, boolean extendable) {
        if (extendable && (version == null || atLeast(version, MINIMUM) != Boolean.FALSE)) {
            return Optional.empty();
        }
        String found = version == null ? "older than " + MINIMUM : version;
        return Optional.of("Apache HttpClient " + found + " is on the class path, but the SDK needs HttpClient " + MINIMUM
                + " or newer (with HttpCore 5.4 or newer)");
    }

    /**
     * Compares dotted versions by their numbers: {@code 5.10} is after {@code 5.9}, {@code 5.6} equals
     * {@code 5.6.0}, and a qualifier ({@code 5.6-beta1}) counts as its release.
     *
     * @param version the version to check
     * @param minimum the minimum
     * @return whether {@code version} is at least {@code minimum}; null when it does not start with a number
     */
    static Boolean atLeast(String version, String minimum) {
        int[] v = numbers(version);
        int[] m = numbers(minimum);
        if (v == null || m == null) {
            return null;
        }
        for (int i = 0; i < Math.max(v.length, m.length); i++) {
            int a = i < v.length ? v[i] : 0;
            int b = i < m.length ? m[i] : 0;
            if (a != b) {
                return a > b;
            }
        }
        return true;
    }

    /** The leading numbers of a version ({@code 5.6.1-SNAPSHOT}: 5, 6, 1), or null when it has none. */
    private static int[] numbers(String version) {
        String[] parts = version.trim().split("[.\\-+]");
        int n = 0;
        while (n < parts.length && !parts[n].isEmpty() && parts[n].length() <= 9 && parts[n].chars().allMatch(Character::isDigit)) {
            n++;
        }
        if (n == 0) {
            return null;
        }
        int[] numbers = new int[n];
        for (int i = 0; i < n; i++) {
            numbers[i] = Integer.parseInt(parts[i]);
        }
        return numbers;
    }
}
