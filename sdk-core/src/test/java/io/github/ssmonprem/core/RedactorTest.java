package io.github.ssmonprem.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.ssmonprem.core.internal.Redactor;
import org.junit.jupiter.api.Test;

class RedactorTest {

    @Test
    void formAndQueryParametersAreRedacted() {
        assertEquals("grant_type=password&username=admin&password=****&client_id=abc&client_secret=****",
                Redactor.redact("grant_type=password&username=admin&password=hunter2&client_id=abc&client_secret=s3"));
        assertEquals("refresh_token=**** access_token=****", Redactor.redact("refresh_token=r1 access_token=a1"));
    }

    @Test
    void jsonFieldsAreRedactedEvenWhenCutShort() {
        assertEquals("{\"access_token\":\"****\",\"token_type\":\"Bearer\",\"refresh_token\": \"****\"}",
                Redactor.redact("{\"access_token\":\"abc.def\",\"token_type\":\"Bearer\",\"refresh_token\": \"r\\\"x\"}"));
        assertEquals("{\"access_token\":\"****", Redactor.redact("{\"access_token\":\"abc"));
    }

    @Test
    void authorizationHeadersAndSchemesAreRedacted() {
        assertEquals("Authorization: ****", Redactor.redact("Authorization: Bearer abc.def"));
        assertEquals("Proxy-Authorization: ****", Redactor.redact("Proxy-Authorization: Basic dXNlcjpwYXNz"));
        assertEquals("sent Bearer ****", Redactor.redact("sent Bearer abc.def-ghi"));
    }

    @Test
    void urlUserInfoPasswordsAreRedacted() {
        assertEquals("http://user:****@proxy:3128", Redactor.redact("http://user:pa55@proxy:3128"));
    }

    @Test
    void snippetsAreShortSingleLineAndRedacted() {
        assertEquals("{\"password\":\"****\"} <b>x</b>...",
                Redactor.snippet("{\"password\":\"p\"}\r\n\t<b>x</b> more text that is cut", 28));
    }
}
