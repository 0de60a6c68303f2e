package io.github.ssmonprem.spring.boot.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.hc.client5.http.impl.io.DefaultManagedHttpClientConnection;
import org.junit.jupiter.api.Test;

class HttpClientVersionCheckTest {

    /** HttpClient 5.5's connection class as the check sees it: final (5.5.2's is final and package-private). */
    private static final class FinalConnection {
    }

    @Test
    void theHttpClientOnTheTestClassPathPasses() {
        assertThat(HttpClientVersionCheck.problem(DefaultManagedHttpClientConnection.class)).isEmpty();
        HttpClientVersionCheck.verify(getClass().getClassLoader());
    }

    @Test
    void aFinalConnectionClassIsRefusedNamingTheVersionsNeeded() {
        assertThat(HttpClientVersionCheck.problem(FinalConnection.class)).hasValueSatisfying(p ->
                assertThat(p).contains("HttpClient 5.6").contains("HttpCore 5.4"));
    }
}
