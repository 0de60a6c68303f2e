package io.github.ssmonprem.spring.boot.internal;


/**
 * Refuses to start on an Apache HttpClient or HttpCore the SDK cannot run on (HttpClient older than
 * 5.4, HttpCore older than 5.3: see sdk-core's check, which this one shares), with a failure analysis
 * naming the fix, rather than a failed first sync. The versions Spring Boot 3.4 and later manage
 * (5.5.1 and 5.5.2 in Boot 3.5 and 4.0) all pass.
 */
public final class HttpClientVersionCheck {

    private HttpClientVersionCheck() {
    }

    /**
     * Checks the HttpClient on the application's class path.
     *
     * @param classLoader the application's class loader
     * @throws MissingSsmPropertyException naming the fix, when HttpClient is too old
     */
    public static void verify(ClassLoader classLoader) {
        io.github.ssmonprem.core.internal.HttpClientVersionCheck.problem(classLoader).ifPresent(problem -> {
            throw new MissingSsmPropertyException("httpclient5.version", problem,
                    "Remove the httpclient5.version and httpcore5.version overrides from your build so that Spring Boot's"
                            + " managed versions apply (Spring Boot 3.4 and later manage versions the SDK runs on), or"
                            + " upgrade Spring Boot; with an older Boot, set <httpclient5.version>5.5.2</httpclient5.version>"
                            + " and <httpcore5.version>5.3.6</httpcore5.version> in your pom.xml properties (Gradle:"
                            + " ext['httpclient5.version'] = '5.5.2', ext['httpcore5.version'] = '5.3.6').");
        });
    }
}
