package io.github.ssmonprem.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.core.exception.SsmConfigurationException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The HttpClient versions the SDK refuses before its first request (only those it cannot run on), and how versions compare. */
class HttpClientVersionCheckTest {

    @Test
    void versionsCompareByTheirNumbers() {
        assertTrue(HttpClientVersionCheck.atLeast("5.4", "5.4"));
        assertTrue(HttpClientVersionCheck.atLeast("5.4.0", "5.4"));
        assertTrue(HttpClientVersionCheck.atLeast("5.5.2", "5.4"));
        assertTrue(HttpClientVersionCheck.atLeast("5.10", "5.4"), "5.10 is after 5.4, not before");
        assertTrue(HttpClientVersionCheck.atLeast("6.0", "5.4"));
        assertTrue(HttpClientVersionCheck.atLeast("5.4-beta1", "5.4"));
        assertTrue(HttpClientVersionCheck.atLeast("5.7-alpha1", "5.4"));
        assertFalse(HttpClientVersionCheck.atLeast("5.3.1", "5.4"));
        assertFalse(HttpClientVersionCheck.atLeast("5", "5.4"));
        assertFalse(HttpClientVersionCheck.atLeast("4.5.14", "5.4"));
        assertNull(HttpClientVersionCheck.atLeast("unknown", "5.4"));
        assertNull(HttpClientVersionCheck.atLeast("", "5.4"));
    }

    @Test
    void theVersionsSpringBootManagesAndTheNewestPass() {
        assertEquals(Optional.empty(), HttpClientVersionCheck.problem("5.5.1", true, "5.3.6", true), "Spring Boot 3.5.7");
        assertEquals(Optional.empty(), HttpClientVersionCheck.problem("5.5.2", true, "5.3.6", true), "Spring Boot 4.0.7");
        assertEquals(Optional.empty(), HttpClientVersionCheck.problem("5.6.1", true, "5.4", true));
        assertEquals(Optional.empty(), HttpClientVersionCheck.problem(null, true, null, true), "a repackaged HttpClient");
    }

    @Test
    void anHttpClientWithoutWhatTheSdkUsesIsRefusedNamingTheVersionFoundAndTheMinimum() {
        Optional<String> problem = HttpClientVersionCheck.problem("5.3.1", false, "5.2.5", false);
        assertEquals(Optional.of("Apache HttpClient 5.3.1 is on the class path, but the SDK needs HttpClient 5.4 or newer"
                + " with HttpCore 5.3 or newer"), problem);
        assertTrue(HttpClientVersionCheck.problem("5.3.1", true, "5.3.6", true).isPresent(), "refused by its number too");
        assertEquals(Optional.of("Apache HttpCore 5.2.5 is on the class path, but the SDK needs HttpClient 5.4 or newer"
                + " with HttpCore 5.3 or newer"), HttpClientVersionCheck.problem("5.5.2", true, "5.2.5", false));
        assertEquals(Optional.of("Apache HttpClient older than 5.4 is on the class path, but the SDK needs HttpClient 5.4 or"
                + " newer with HttpCore 5.3 or newer"), HttpClientVersionCheck.problem(null, false, null, true));
    }

    @Test
    void theRefusalSaysWhichDependencyToChangeNotWhichSettingToCorrect() {
        SsmConfigurationException e = HttpClientVersionCheck.refusal(
                HttpClientVersionCheck.problem("5.3.1", false, "5.2.5", false).orElseThrow());
        assertTrue(e.getMessage().contains("HttpClient 5.3.1 is on the class path"), e.getMessage());
        assertTrue(e.remediation().contains("httpclient5 5.4 or newer") && e.remediation().contains("sdk-bom"), e.remediation());
        assertFalse(e.remediation().contains("Correct the"), e.remediation());
        assertEquals("httpclient5.version", e.setting());
    }

    @Test
    void theHttpClientOnTheTestClassPathPasses() {
        ClassLoader loader = getClass().getClassLoader();
        assertTrue(HttpClientVersionCheck.atLeast(HttpClientVersionCheck.release("org.apache.hc.client5", loader), "5.4"));
        assertEquals(Optional.empty(), HttpClientVersionCheck.problem(loader));
        HttpClientVersionCheck.verify();
    }
}
