package io.github.ssmonprem.spring.boot.internal;

import io.github.ssmonprem.spring.boot.MissingSsmPropertyException;

/**
 * Refuses to start on Apache HttpClient 5.5 or older, which Spring Boot 3.5 and 4.0 manage (5.5.1,
 * 5.5.2 with HttpCore 5.3.6): the SDK needs 5.6 (see sdk-core's check, which this one shares). A
 * start-up failure analysis naming the versions to set in Boot's dependency management is better
 * than a failed first sync.
 */
public final class HttpClientVersionCheck {

    private HttpClientVersionCheck() {
    }

    /**
     * Checks the HttpClient on the application's class path.
     *
     * @param classLoader the application's class loader
     * @throws MissingSsmPropertyException naming the versions to set, when HttpClient is too old
     */
    public static void verify(ClassLoader classLoader) {
        io.github.ssmonprem.core.internal.HttpClientVersionCheck.problem(classLoader).ifPresent(problem -> {
            throw new MissingSsmPropertyException("httpclient5.version", problem + " (Spring Boot manages 5.5.x)",
                    "Use HttpClient 5.6 or newer with HttpCore 5.4 or newer: with Spring Boot's dependency management, set"
                            + " <httpclient5.version>5.6.1</httpclient5.version> and <httpcore5.version>5.4</httpcore5.version>"
                            + " in your pom.xml properties (Gradle: ext['httpclient5.version'] = '5.6.1' and"
                            + " ext['httpcore5.version'] = '5.4').");
        });
    }
}
