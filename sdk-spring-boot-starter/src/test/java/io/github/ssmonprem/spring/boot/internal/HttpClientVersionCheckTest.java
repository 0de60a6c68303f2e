package io.github.ssmonprem.spring.boot.internal;

import static org.assertj.core.api.Assertions.assertThatCode;

import org.junit.jupiter.api.Test;

/** The version comparison itself is tested in sdk-core; here, that the application's HttpClient passes. */
class HttpClientVersionCheckTest {

    @Test
    void theHttpClientOnTheTestClassPathPasses() {
        assertThatCode(() -> HttpClientVersionCheck.verify(getClass().getClassLoader())).doesNotThrowAnyException();
    }
}
