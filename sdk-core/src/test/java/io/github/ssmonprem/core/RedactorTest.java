package io.github.ssmonprem.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.core.exception.SsmServiceException;
import io.github.ssmonprem.core.internal.Redactor;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
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

    @Test
    void aHugeSecretFieldIsMaskedWithoutExhaustingTheStack() {
        // The former pattern recursed once per character: about 2,000 characters overflowed the stack.
        String jwt = "eyJ" + "a".repeat(200_000);
        assertEquals("{\"access_token\":\"****\",\"x\":1}", Redactor.redact("{\"access_token\":\"" + jwt + "\",\"x\":1}"));
        String escapes = "\\\"".repeat(100_000);
        assertEquals("{\"password\":\"****\"}", Redactor.redact("{\"password\":\"" + escapes + "\"}"));
        assertTrue(Redactor.snippet("{\"refresh_token\":\"" + jwt, 80).startsWith("{\"refresh_token\":\"****"));
    }

    @Test
    void secretValuesEchoedInFreeTextAreMaskedInEveryForm() {
        Secret password = Secret.of("Pw0rd with space&=%!q");
        Secret clientSecret = Secret.of("CS3cr3t+/=&%xyz");
        String echoed = "invalid_grant: Invalid password Pw0rd with space&=%!q for secret CS3cr3t+/=&%xyz.";
        assertEquals("invalid_grant: Invalid password **** for secret ****.", Redactor.redact(echoed));
        String form = "client_id=c&x=" + URLEncoder.encode(clientSecret.reveal(), StandardCharsets.UTF_8)
                + " user pass " + URLEncoder.encode(password.reveal(), StandardCharsets.UTF_8).replace("+", "%20").replace("%3D", "%3d");
        assertEquals("client_id=c&x=**** user pass ****", Redactor.redact(form));
        assertEquals("{\"detail\":\"bad ****\"}", Redactor.redact("{\"detail\":\"bad CS3cr3t+\\/=&%xyz\"}"));
        assertEquals("<p>****</p>", Redactor.redact("<p>Pw0rd with space&amp;=%!q</p>"));
        // Every exception message is scrubbed when it is created, whatever its origin.
        SsmServiceException e = new SsmServiceException("server said " + echoed, "retry", false, 400, null, null, null);
        assertFalse(e.getMessage().contains(password.reveal()) || e.getMessage().contains(clientSecret.reveal()), e.getMessage());
    }

    @Test
    void shortSecretsAreNotMaskedByValue() {
        Secret tiny = Secret.of("abc");
        assertEquals("abc is not a secret by itself", Redactor.redact(tiny.reveal() + " is not a secret by itself"));
    }
}
