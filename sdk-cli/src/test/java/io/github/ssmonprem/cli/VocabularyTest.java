package io.github.ssmonprem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.core.exception.ConnectionFailedException;
import io.github.ssmonprem.core.exception.ProxyAuthenticationException;
import io.github.ssmonprem.core.exception.RedirectNotFollowedException;
import io.github.ssmonprem.core.exception.RequestTimeoutException;
import io.github.ssmonprem.core.exception.ResourceNotFoundException;
import io.github.ssmonprem.core.exception.SsmConfigurationException;
import io.github.ssmonprem.core.exception.SsmException;
import io.github.ssmonprem.core.exception.TlsException;
import org.junit.jupiter.api.Test;

/**
 * The command line words an SDK error by its kind and the setting it points at, never by what its message
 * says: the same text is left alone when the error points at no setting.
 */
class VocabularyTest {

    @Test
    void aConfigurationErrorNamesTheOptionAndItsProblem() {
        Vocabulary.Words words = Vocabulary.of(new SsmConfigurationException("retry.maxAttempts", "must be at least 1, was 0"));
        assertEquals("Invalid --retries: must be at least 1, was 0", words.message());
        assertEquals("Correct --retries and run the command again.", words.remediation());

        Vocabulary.Words url = Vocabulary.of(new SsmConfigurationException("baseUrl", "plain http:// would send tokens and passwords in"
                + " clear", "Use https://, or call allowPlainHttp(true) for loopback tests.", null));
        assertEquals("Invalid --url (SSM_URL): plain http:// would send tokens and passwords in clear", url.message());
        assertTrue(url.remediation().contains("--allow-http"), url.remediation());
        assertFalse(url.remediation().contains("allowPlainHttp"), "the SDK's Java remediation is not shown: " + url.remediation());
    }

    @Test
    void aTimeoutIsWordedByItsPhaseWithTheOptionInItsDetail() {
        Vocabulary.Words connect = Vocabulary.of(new RequestTimeoutException(RequestTimeoutException.Phase.CONNECT,
                "GET https://h/x: the TCP connection was not established within connectTimeout.",
                "Check ...; raise connectTimeout on slow links.", null));
        assertEquals("GET https://h/x: the TCP connection was not established within --connect-timeout.", connect.message());
        assertTrue(connect.remediation().contains("longer --connect-timeout"), connect.remediation());
        Vocabulary.Words call = Vocabulary.of(new RequestTimeoutException(RequestTimeoutException.Phase.CALL,
                "GET https://h/x: the call did not succeed within callTimeout (45 s) after 2 attempts.", "raise callTimeout", null));
        assertEquals("GET https://h/x: the call did not succeed within --deadline (45 s) after 2 attempts.", call.message());
        assertFalse(call.remediation().contains("callTimeout"), call.remediation());
    }

    @Test
    void tlsProxyRedirectAndRouteErrorsGetTheCommandLinesRemedy() {
        Vocabulary.Words tls = Vocabulary.of(new TlsException(TlsException.Reason.UNTRUSTED_CERTIFICATE, "TLS handshake failed (issuer:"
                + " CN=Private CA).", "configure it: TlsConfig.trustPemFile(path) in Java", "CN=ssm", "CN=Private CA", null, null));
        assertEquals("TLS handshake failed (issuer: CN=Private CA).", tls.message(), "a plain word like tls is never replaced");
        assertTrue(tls.remediation().contains("(CN=Private CA)") && tls.remediation().contains("--ca-cert (SSM_CA_CERT)"),
                tls.remediation());
        assertFalse(tls.remediation().contains("TlsConfig"), tls.remediation());

        Vocabulary.Words proxy = Vocabulary.of(new ProxyAuthenticationException("p:3128", "the forward proxy p:3128 answered 407.",
                "Check the proxy user name and password (ProxyConfig.credentials)."));
        assertEquals("the forward proxy p:3128 answered 407.", proxy.message());
        assertTrue(proxy.remediation().contains("SSM_PROXY_PASSWORD"), proxy.remediation());
        assertFalse(proxy.remediation().contains("ProxyConfig"), proxy.remediation());

        Vocabulary.Words redirect = Vocabulary.of(new RedirectNotFollowedException("HTTP 302, not followed.", "baseUrl in Java", 302,
                "https://sso.example/login", null));
        assertTrue(redirect.remediation().contains("--url (SSM_URL)") && redirect.remediation().contains("https://sso.example/login"),
                redirect.remediation());

        ResourceNotFoundException noRoute = new ResourceNotFoundException("HTTP 404: no such route.", "Give baseUrl as ...", 404,
                null, null, null);
        noRoute.recordSetting("baseUrl");
        assertTrue(Vocabulary.of(noRoute).remediation().contains("path is wrong"), Vocabulary.of(noRoute).remediation());

        ConnectionFailedException plainHttp = new ConnectionFailedException(ConnectionFailedException.Reason.CONNECTION_CLOSED,
                "GET http://h:8443/x: the server closed the connection without answering.", "use https:// in baseUrl.", null);
        plainHttp.recordSetting("baseUrl");
        assertTrue(Vocabulary.of(plainHttp).remediation().contains("use https:// in --url (SSM_URL)"), Vocabulary.of(plainHttp).remediation());
    }

    @Test
    void anErrorThatPointsAtNoSettingKeepsTheSdksWordsWhateverTheyMention() {
        SsmException e = new ConnectionFailedException(ConnectionFailedException.Reason.CONNECTION_CLOSED,
                "the connection was reset while connectTimeout ran.", "Check baseUrl and allowPlainHttp(true).", null);
        Vocabulary.Words words = Vocabulary.of(e);
        assertEquals(e.detail(), words.message(), "no text is matched: the error points at no setting");
        assertEquals(e.remediation(), words.remediation());
    }
}
