package io.github.ssmonprem.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.core.exception.SsmConfigurationException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The HttpClient version the SDK refuses before its first request, and how versions compare. */
class HttpClientVersionCheckTest {

    @Test
    void versionsCompareByTheirNumbers() {
        assertTrue(HttpClientVersionCheck.atLeast("5.6", "5.6"));
        assertTrue(HttpClientVersionCheck.atLeast("5.6.0", "5.6"));
        assertTrue(HttpClientVersionCheck.atLeast("5.6.1", "5.6"));
        assertTrue(HttpClientVersionCheck.atLeast("5.10", "5.6"), "5.10 is after 5.6, not before");
        assertTrue(HttpClientVersionCheck.atLeast("6.0", "5.6"));
        assertTrue(HttpClientVersionCheck.atLeast("5.6-beta1", "5.6"));
        assertTrue(HttpClientVersionCheck.atLeast("5.7-SNAPSHOT", "5.6"));
        assertFalse(HttpClientVersionCheck.atLeast("5.5.2", "5.6"));
        assertFalse(HttpClientVersionCheck.atLeast("5.5", "5.6"));
        assertFalse(HttpClientVersionCheck.atLeast("5", "5.6"));
        assertFalse(HttpClientVersionCheck.atLeast("4.5.14", "5.6"));
        assertNull(HttpClientVersionCheck.atLeast("unknown", "5.6"));
        assertNull(HttpClientVersionCheck.atLeast("", "5.6"));
    }

    @Test
    void httpClient55IsRefusedNamingTheVersionFoundAndTheMinimum() {
        Optional<String> problem = HttpClientVersionCheck.problem("5.5.2", false);
        assertTrue(problem.orElseThrow().contains("HttpClient 5.5.2 is on the class path"), problem.get());
        assertTrue(problem.get().contains("needs HttpClient 5.6 or newer"), problem.get());
        assertTrue(HttpClientVersionCheck.problem("5.5.1", true).isPresent(), "a version below 5.6 is refused by its number too");
    }

    @Test
    void theRefusalSaysWhichDependencyToChangeNotWhichSettingToCorrect() {
        SsmConfigurationException e = HttpClientVersionCheck.refusal(HttpClientVersionCheck.problem("5.5.2", false).orElseThrow());
        assertTrue(e.getMessage().contains("HttpClient 5.5.2 is on the class path"), e.getMessage());
        assertTrue(e.remediation().contains("httpclient5 5.6.1 or newer") && e.remediation().contains("sdk-bom"), e.remediation());
        assertFalse(e.remediation().contains("Correct the"), e.remediation());
        assertEquals("httpclient5.version", e.setting());
    }

    @Test
    void aFinalConnectionClassOfUnknownVersionIsRefusedAsOlderThanTheMinimum() {
        assertEquals(Optional.of("Apache HttpClient older than 5.6 is on the class path, but the SDK needs HttpClient 5.6 or newer"
                + " (with HttpCore 5.4 or newer)"), HttpClientVersionCheck.problem(null, false));
    }

    @Test
    void httpClient56OrAnUnreadableVersionWithAnExtendableClassPasses() {
        assertEquals(Optional.empty(), HttpClientVersionCheck.problem("5.6.1", true));
        assertEquals(Optional.empty(), HttpClientVersionCheck.problem(null, true));
        assertEquals(Optional.empty(), HttpClientVersionCheck.problem("repackaged", true));
    }

    @Test
    void theHttpClientOnTheTestClassPathPasses() {
        String release = HttpClientVersionCheck.release(getClass().getClassLoader());
        assertTrue(HttpClientVersionCheck.atLeast(release, "5.6"), "HttpClient's own version.properties: " + release);
        assertEquals(Optional.empty(), HttpClientVersionCheck.problem(getClass().getClassLoader()));
        HttpClientVersionCheck.verify();
    }
}
