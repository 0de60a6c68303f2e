package io.github.ssmonprem.core.internal;

import io.github.ssmonprem.core.exception.SsmConfigurationException;
import java.net.Socket;
import java.util.Optional;
import javax.net.ssl.SSLSocket;
import org.apache.hc.core5.util.VersionInfo;

/**
 * Refuses, before the first request, an Apache HttpClient 5 or HttpCore 5 the transport cannot run on:
 * HttpClient older than 5.4 (no {@code DefaultClientTlsStrategy}, which carries the per-client trust and
 * the bounded TLS handshake) or an HttpCore older than 5.3 (no binding of a TLS socket over its base
 * socket). Every newer release runs, 5.5.1 and 5.5.2 (Spring Boot 3.5 and 4.0) and 5.6 included. The
 * check looks for what the SDK uses, not only at version numbers, so a repackaged HttpClient that has
 * it passes.
 */
public final class HttpClientVersionCheck {

    /** The oldest HttpClient the SDK runs on. */
    public static final String MINIMUM = "5.4";

    /** The oldest HttpCore the SDK runs on. */
    public static final String MINIMUM_CORE = "5.3";

    static final String TLS_STRATEGY_CLASS = "org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy";
    static final String CORE_CONNECTION_CLASS = "org.apache.hc.core5.http.impl.io.DefaultBHttpClientConnection";

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
     * {@return the exception {@link #verify()} throws for a problem: the problem as its detail, and a remediation about
     * the dependency (not a builder setting to correct)}
     *
     * @param problem what {@link #problem(ClassLoader)} found
     */
    static SsmConfigurationException refusal(String problem) {
        return new SsmConfigurationException("httpclient5.version", problem,
                "Depend on org.apache.httpcomponents.client5:httpclient5 " + MINIMUM + " or newer (with httpcore5 "
                        + MINIMUM_CORE + " or newer; Spring Boot 3.4 and later manage such versions), or import the SDK's"
                        + " sdk-bom, which pins the versions it was tested with; then start the application again.", null);
    }

    /**
     * What is wrong with the HttpClient a class loader sees, if anything.
     *
     * @param classLoader the class loader
     * @return the problem, naming the versions found and the minimums; empty when the SDK can use them
     *     (or when HttpClient is not there at all: loading the transport reports that)
     */
    public static Optional<String> problem(ClassLoader classLoader) {
        try {
            Class.forName("org.apache.hc.client5.http.io.ManagedHttpClientConnection", false, classLoader);
        } catch (ClassNotFoundException | LinkageError e) {
            return Optional.empty();
        }
        return problem(release("org.apache.hc.client5", classLoader), present(classLoader, TLS_STRATEGY_CLASS),
                release("org.apache.hc.core5", classLoader), coreBindsTls(classLoader));
    }

    private static boolean present(ClassLoader classLoader, String name) {
        try {
            Class.forName(name, false, classLoader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private static boolean coreBindsTls(ClassLoader classLoader) {
        try {
            Class.forName(CORE_CONNECTION_CLASS, false, classLoader).getMethod("bind", SSLSocket.class, Socket.class);
            return true;
        } catch (ReflectiveOperationException | LinkageError e) {
            return false;
        }
    }

    /**
     * The release a module's own {@code version.properties} declares ({@code org.apache.hc.client5},
     * {@code org.apache.hc.core5}). Not the jar manifest's version: in a shaded jar (the ssm command
     * line's) that is the application's.
     */
    static String release(String module, ClassLoader classLoader) {
        VersionInfo info = VersionInfo.loadVersionInfo(module, classLoader);
        return info == null || VersionInfo.UNAVAILABLE.equals(info.getRelease()) ? null : info.getRelease();
    }

    /**
     * What is wrong with an HttpClient and HttpCore of these versions, if anything.
     *
     * @param client the HttpClient release, such as {@code 5.5.2}; null when unknown
     * @param clientUsable whether HttpClient has the classes the SDK uses
     * @param core the HttpCore release; null when unknown
     * @param coreUsable whether HttpCore has the methods the SDK uses
     * @return the problem, naming the versions and the minimums; empty when the SDK can use them
     */
    static Optional<String> problem(String client, boolean clientUsable, String core, boolean coreUsable) {
        boolean clientOk = clientUsable && (client == null || atLeast(client, MINIMUM) != Boolean.FALSE);
        boolean coreOk = coreUsable && (core == null || atLeast(core, MINIMUM_CORE) != Boolean.FALSE);
        if (clientOk && coreOk) {
            return Optional.empty();
        }
        String found = clientOk
                ? "Apache HttpCore " + (core == null ? "older than " + MINIMUM_CORE : core)
                : "Apache HttpClient " + (client == null ? "older than " + MINIMUM : client);
        return Optional.of(found + " is on the class path, but the SDK needs HttpClient " + MINIMUM
                + " or newer with HttpCore " + MINIMUM_CORE + " or newer");
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
