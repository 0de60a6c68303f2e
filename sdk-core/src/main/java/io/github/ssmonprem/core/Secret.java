package io.github.ssmonprem.core;

import io.github.ssmonprem.core.internal.IoText;
import io.github.ssmonprem.core.internal.SettingText;
import io.github.ssmonprem.core.internal.redact.SecretValues;
import java.io.IOException;
import java.io.InputStream;
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

    /** The largest secret file {@link #fromFile(Path)} reads; a secret is never this long. */
    public static final int MAX_FILE_BYTES = 64 * 1024;

    private final String value;

    private Secret(String value) {
        this.value = value;
        // Every text the SDK quotes from a server is scrubbed of the values of the live secrets.
        SecretValues.register(this, value);
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
     * Reads a secret from a file, dropping one trailing line break (as written by {@code echo}). At most
     * {@value #MAX_FILE_BYTES} bytes are read: a larger file (or a device such as {@code /dev/zero}) is
     * refused, as is a secret holding control characters.
     *
     * @param file the file, typically readable by the service account only
     * @return the secret
     * @throws UncheckedIOException when the file cannot be read
     * @throws IllegalArgumentException when the file is empty, larger than {@value #MAX_FILE_BYTES}
     *     bytes, or the secret holds control characters; the message names the file, never its content
     */
    public static Secret fromFile(Path file) {
        try {
            byte[] bytes;
            try (InputStream in = Files.newInputStream(file)) {
                bytes = in.readNBytes(MAX_FILE_BYTES + 1);
            }
            if (bytes.length > MAX_FILE_BYTES) {
                throw new IllegalArgumentException("the secret file " + file + " is larger than " + MAX_FILE_BYTES
                        + " bytes: it does not hold a secret (check the path)");
            }
            String text = new String(bytes, StandardCharsets.UTF_8);
            if (text.endsWith("\r\n")) {
                text = text.substring(0, text.length() - 2);
            } else if (text.endsWith("\n")) {
                text = text.substring(0, text.length() - 1);
            }
            if (text.isEmpty()) {
                throw new IllegalArgumentException("the secret file " + file + " is empty");
            }
            if (SettingText.hasControl(text)) {
                throw new IllegalArgumentException("the secret in " + file + " holds control characters (a line break, "
                        + "a NUL...): only one trailing line break is allowed");
            }
            return new Secret(text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the secret file " + file + " (" + IoText.reason(e) + ")", e);
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
