package io.github.ssmonprem.core.internal;

import io.github.ssmonprem.core.internal.redact.JsonFieldMasker;
import io.github.ssmonprem.core.internal.redact.SecretValues;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Removes secrets from text the SDK logs or puts in exception messages. Two kinds of rule:
 * <ul>
 *   <li>by value: every live secret value of the JVM (configured client secrets and passwords, proxy
 *       passwords, the current tokens: every {@link io.github.ssmonprem.core.Secret}) wherever it
 *       appears, raw, URL-encoded, JSON- or HTML-escaped ({@link SecretValues}), so a server that echoes
 *       a password in free text does not get it printed;</li>
 *   <li>by shape: form and query parameters and JSON fields with secret names, authorization headers
 *       and schemes, URL user info.</li>
 * </ul>
 * Every rule runs in time linear in the text, with no recursion: a hostile answer of any length
 * cannot exhaust the stack.
 */
public final class Redactor {

    /** What a redacted value is replaced by. */
    public static final String MASK = "****";

    private static final List<String> KEY_NAMES = List.of("client_secret", "password", "passwd", "refresh_token",
            "access_token", "id_token", "proxy_password");
    private static final String KEYS = String.join("|", KEY_NAMES);

    /** {@code "password": "value"} and {@code "password":"trunc} (JSON, possibly cut short). */
    private static final JsonFieldMasker JSON_FIELDS = new JsonFieldMasker(KEY_NAMES);

    /** {@code password=value} in forms, query strings and key=value logs. */
    private static final Pattern FORM_FIELD = Pattern.compile(
            "(?<![\\w\"])((?:" + KEYS + ")=)[^&\\s,;\"]*+", Pattern.CASE_INSENSITIVE);

    /** {@code Bearer xyz}, {@code Basic xyz}. */
    private static final Pattern AUTH_SCHEME = Pattern.compile(
            "\\b(Bearer|Basic)\\s++[A-Za-z0-9._~+/=\\-]++", Pattern.CASE_INSENSITIVE);

    /** {@code Authorization: anything} header lines. */
    private static final Pattern AUTH_HEADER = Pattern.compile(
            "((?:Proxy-)?Authorization\\s*+[:=]\\s*+)[^\\r\\n,\\]]++", Pattern.CASE_INSENSITIVE);

    /** {@code scheme://user:password@host}. */
    private static final Pattern URL_USERINFO = Pattern.compile("(://[^/@\\s:]*+:)[^/@\\s]*+@");

    /** How much of a body, at most, a snippet looks at beyond what it shows (collapsed white space). */
    private static final int SNIPPET_SLACK = 4096;

    private Redactor() {
    }

    /**
     * Redacts secrets in a text: every live secret value, then the secret-shaped fields.
     *
     * @param text any text, may be null
     * @return the text with secret values replaced by {@value #MASK}
     */
    public static String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        return redactShapes(scrubSecrets(text));
    }

    /**
     * Replaces every live secret value in a text (raw, URL-encoded, JSON- or HTML-escaped), and nothing else.
     *
     * @param text any text, may be null
     * @return the text with every live secret value replaced by {@value #MASK}
     */
    public static String scrubSecrets(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        return SecretValues.masker().mask(text, MASK);
    }

    private static String redactShapes(String text) {
        String out = JSON_FIELDS.mask(text, MASK);
        out = FORM_FIELD.matcher(out).replaceAll("$1" + MASK);
        out = AUTH_HEADER.matcher(out).replaceAll("$1" + MASK);
        out = AUTH_SCHEME.matcher(out).replaceAll("$1 " + MASK);
        out = URL_USERINFO.matcher(out).replaceAll("$1" + MASK + "@");
        return out;
    }

    /**
     * A short, printable, redacted start of a body, for error messages. Only the start of a large
     * body is examined beyond the scrubbing of secret values.
     *
     * @param body the body text
     * @param max the most characters to keep
     * @return the snippet
     */
    public static String snippet(String body, int max) {
        if (body == null) {
            return "";
        }
        String scrubbed = scrubSecrets(body);
        int window = (int) Math.min(scrubbed.length(), 4L * max + SNIPPET_SLACK);
        String start = scrubbed.substring(0, window);
        String oneLine = start.replaceAll("[\\p{Cntrl}&&[^\\t]]++", " ").replaceAll("\\s++", " ").trim();
        String redacted = redactShapes(oneLine);
        return redacted.length() <= max && window == scrubbed.length() ? redacted
                : redacted.substring(0, Math.min(max, redacted.length())) + "...";
    }
}
