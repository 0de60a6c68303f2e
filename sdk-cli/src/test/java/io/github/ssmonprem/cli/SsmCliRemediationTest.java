package io.github.ssmonprem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ssmonprem.core.testing.TestSecrets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An SDK exception's message carries its remediation; the command line prints the remediation once,
 * under "what to do" (text) or in the {@code remediation} field ({@code --output json}), never again
 * inside the message.
 */
@ExtendWith(TestSecrets.NoLeaks.class)
class SsmCliRemediationTest {

    @TempDir
    Path dir;

    private CliRunner cli() {
        return new CliRunner().env("SSM_CLIENT_ID", CliRunner.CLIENT).env("SSM_CLIENT_SECRET", TestSecrets.CLIENT_SECRET)
                .env("SSM_USERNAME", CliRunner.USER).env("SSM_PASSWORD", TestSecrets.PASSWORD)
                .env("SSM_STATE_DIR", dir.resolve("state").toString());
    }

    @Test
    void aConfigurationErrorStatesItsRemediationOnce() {
        assertRemediationOnce(2, "accounts", "--url", "ftp://ssm.example.test");
    }

    @Test
    void aConnectionFailureStatesItsRemediationOnce() {
        assertRemediationOnce(6, "accounts", "--url", "https://127.0.0.1:1", "--retries", "1");
    }

    private void assertRemediationOnce(int exitCode, String... args) {
        String[] json = java.util.Arrays.copyOf(args, args.length + 2);
        json[args.length] = "--output";
        json[args.length + 1] = "json";
        CliRunner.Result asJson = cli().run(json);
        assertEquals(exitCode, asJson.exitCode(), asJson.toString());
        JsonNode error = asJson.json().get("error");
        String remediation = error.get("remediation").asText();
        assertFalse(remediation.isBlank(), asJson.toString());
        assertFalse(error.get("message").asText().contains(remediation), asJson.toString());
        assertFalse(error.get("message").asText().contains("Remediation:"), asJson.toString());
        assertEquals(1, occurrences(asJson.out() + asJson.err(), remediation), asJson.toString());

        CliRunner.Result asText = cli().run(args);
        assertEquals(exitCode, asText.exitCode(), asText.toString());
        assertTrue(asText.err().contains("what to do: " + remediation), asText.toString());
        assertFalse(asText.err().contains("Remediation:"), asText.toString());
        assertEquals(1, occurrences(asText.out() + asText.err(), remediation), asText.toString());
    }

    private static int occurrences(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + part.length())) {
            n++;
        }
        return n;
    }
}
