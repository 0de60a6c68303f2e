package io.github.ssmonprem.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A secret value: a client secret, a password, a token or a proxy password.
 *
 * <p>Its {@link #toString()} never shows the value, so a secret that ends up in a log line, an
 * exception message or a debugger's variable view shows {@code ****} instead. The value is read only
 * through {@link #reveal()}, which the SDK calls at the moment it writes the value on the wire.
 *
 * <pre>{@code
 * Secret secret = Secret.fromEnv("SSM_CLIENT_SECRET");
 * Secret password = Secret.fromFile(Path.of("/run/secrets/ssm-password"));
 * }</pre>
 */
public final class Secret {

    private static final String MASK = "****";

    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    /**
     * Wraps a secret value.
     *
     * @param value the secret; not null, not empty
     * @return the secret
     */
    public static Secret of(String value) {
        Objects.requireNonNull(value, "secret value");
        if (value.isEmpty()) {
            throw new IllegalArgumentException("a secret must not be empty");
        }
        return new Secret(value);
    }

    /**
     * Reads a secret from a file, dropping one trailing line break (as written by {@code echo}).
     *
     * @param file the file, typically readable by the service account only
     * @return the secret
     * @throws UncheckedIOException when the file cannot be read
     */
    public static Secret fromFile(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            if (text.endsWith("\r\n")) {
                text = text.substring(0, text.length() - 2);
            } else if (text.endsWith("\n")) {
                text = text.substring(0, text.length() - 1);
            }
            if (text.isEmpty()) {
                throw new IllegalArgumentException("the secret file " + file + " is empty");
            }
            return new Secret(text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the secret file " + file + ": " + e.getClass().getSimpleName(), e);
        }
    }

    /**
     * Reads a secret from an environment variable.
     *
     * @param variable the variable's name
     * @return the secret
     * @throws io.github.ssmonprem.core.exception.SsmConfigurationException when the variable is unset or
     *     empty; its {@code setting()} is the variable's name
     */
    public static Secret fromEnv(String variable) {
        String text = System.getenv(variable);
        if (text == null || text.isEmpty()) {
            throw new io.github.ssmonprem.core.exception.SsmConfigurationException(variable,
                    "the environment variable " + variable + " is not set; set it to the secret before starting the application");
        }
        return new Secret(text);
    }

    /**
     * Returns the secret value. Call it only to put the value on the wire; never log the result.
     *
     * @return the value
     */
    public String reveal() {
        return value;
    }

    /** Always {@code ****}: the value never leaves through {@code toString()}. */
    @Override
    public String toString() {
        return MASK;
    }

    /** Compares values in constant time. */
    @Override
    public boolean equals(Object other) {
        return other instanceof Secret
                && MessageDigest.isEqual(value.getBytes(StandardCharsets.UTF_8),
                        ((Secret) other).value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return value.length();
    }
}
