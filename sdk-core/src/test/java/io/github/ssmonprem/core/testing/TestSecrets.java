package io.github.ssmonprem.core.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The secret values tests configure, and a JUnit extension that fails any test whose run logged one
 * of them anywhere (any logger, DEBUG included, any exception in a log event). Tests that use these
 * values get the check by declaring {@code @ExtendWith(TestSecrets.NoLeaks.class)}.
 */
public final class TestSecrets {

    /** A client secret. */
    public static final String CLIENT_SECRET = "cs-SECRET-4f1a9";
    /** A user's password. */
    public static final String PASSWORD = "pw-SECRET-9c2e7";
    /** An access token. */
    public static final String ACCESS_TOKEN = "at-SECRET-77d03";
    /** A second access token. */
    public static final String ACCESS_TOKEN_2 = "at-SECRET-88e14";
    /** A refresh token. */
    public static final String REFRESH_TOKEN = "rt-SECRET-1b9e5";
    /** A proxy password. */
    public static final String PROXY_PASSWORD = "px-SECRET-3e5d1";

    /** Every secret above. */
    public static final List<String> ALL = List.of(CLIENT_SECRET, PASSWORD, ACCESS_TOKEN, ACCESS_TOKEN_2,
            REFRESH_TOKEN, PROXY_PASSWORD);

    private TestSecrets() {
    }

    /**
     * Fails when the text contains any test secret.
     *
     * @param what what the text is, for the failure message
     * @param text the text
     */
    public static void assertNoSecret(String what, String text) {
        if (text == null) {
            return;
        }
        for (String secret : ALL) {
            if (text.contains(secret)) {
                fail(what + " contains the secret " + secret.substring(0, 3) + "...: " + text);
            }
        }
    }

    /**
     * Fails when an exception's message, its causes' messages or its {@code toString()} contain a secret.
     *
     * @param t the exception
     */
    public static void assertNoSecret(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            assertNoSecret("exception message of " + c.getClass().getSimpleName(), c.getMessage());
            assertNoSecret("toString() of " + c.getClass().getSimpleName(), c.toString());
        }
    }

    /** Clears the log capture before each test and checks it for secrets after. */
    public static final class NoLeaks implements BeforeEachCallback, AfterEachCallback {
        @Override
        public void beforeEach(ExtensionContext context) {
            LogCapture.clear();
        }

        @Override
        public void afterEach(ExtensionContext context) {
            List<String> lines = LogCapture.lines();
            if (lines.isEmpty()) {
                return;
            }
            for (String line : lines) {
                assertNoSecret("log line", line);
            }
        }
    }
}
