package io.github.ssmonprem.spring.boot.internal;

import io.github.ssmonprem.spring.boot.MissingSsmPropertyException;
import java.lang.reflect.Modifier;
import java.util.Optional;

/**
 * Refuses to start on Apache HttpClient 5.5 or older, which Spring Boot 3.5 and 4.0 manage (5.5.1,
 * 5.5.2 with HttpCore 5.3.6). The SDK is built with HttpClient 5.6 and HttpCore 5.4: it keeps
 * headers and bodies out of HttpClient's wire log with a subclass of
 * {@code DefaultManagedHttpClientConnection}, a class that is {@code final} before 5.6. On 5.5 the
 * first connection fails with an {@link IncompatibleClassChangeError}; a start-up failure analysis
 * naming the versions to set is better than a failed first sync.
 */
public final class HttpClientVersionCheck {

    static final String CONNECTION_CLASS = "org.apache.hc.client5.http.impl.io.DefaultManagedHttpClientConnection";

    private HttpClientVersionCheck() {
    }

    /**
     * Checks the HttpClient on the application's class path.
     *
     * @param classLoader the application's class loader
     * @throws MissingSsmPropertyException naming the versions to set, when HttpClient is too old
     */
    public static void verify(ClassLoader classLoader) {
        Class<?> connection;
        try {
            connection = Class.forName(CONNECTION_CLASS, false, classLoader);
        } catch (ClassNotFoundException e) {
            return;   // not HttpClient 5 at all: the transport's own class loading reports that
        }
        problem(connection).ifPresent(problem -> {
            throw new MissingSsmPropertyException("httpclient5.version", problem,
                    "Use HttpClient 5.6 or newer with HttpCore 5.4 or newer: with Spring Boot's dependency management, set"
                            + " <httpclient5.version>5.6.1</httpclient5.version> and <httpcore5.version>5.4</httpcore5.version>"
                            + " in your pom.xml properties (Gradle: ext['httpclient5.version'] = '5.6.1' and"
                            + " ext['httpcore5.version'] = '5.4').");
        });
    }

    /**
     * What is wrong with HttpClient's connection class, if anything.
     *
     * @param connection the class loaded as {@value #CONNECTION_CLASS}
     * @return the problem, or empty when the SDK can extend it
     */
    static Optional<String> problem(Class<?> connection) {
        int modifiers = connection.getModifiers();
        if (Modifier.isPublic(modifiers) && !Modifier.isFinal(modifiers)) {
            return Optional.empty();
        }
        String version = connection.getPackage() == null ? null : connection.getPackage().getImplementationVersion();
        return Optional.of("is " + (version == null ? "older than 5.6" : version) + " on the class path (Spring Boot manages"
                + " 5.5.x), but the SDK needs HttpClient 5.6 or newer and HttpCore 5.4 or newer");
    }
}
