package io.github.ssmonprem.core.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes secrets from text the SDK logs or puts in exception messages: form and query parameters,
 * JSON fields, authorization headers and URL user info.
 */
public final class Redactor {

    /** What a redacted value is replaced by. */
    public static final String MASK = "****";

    private static final String KEYS = "client_secret|password|passwd|refresh_token|access_token|id_token|proxy_password";

    /** {@code "password": "value"} and {@code "password":"trunc} (JSON, possibly cut short). */
    private static final Pattern JSON_FIELD = Pattern.compile(
            "(\"(?:" + KEYS + ")\"\\s*:\\s*\")((?:[^\"\\\\]|\\\\.)*)(\"?)", Pattern.CASE_INSENSITIVE);

    /** {@code password=value} in forms, query strings and key=value logs. */
    private static final Pattern FORM_FIELD = Pattern.compile(
            "(?<![\\w\"])((?:" + KEYS + ")=)([^&\\s,;\"]*)", Pattern.CASE_INSENSITIVE);

    /** {@code Bearer xyz}, {@code Basic xyz}. */
    private static final Pattern AUTH_SCHEME = Pattern.compile(
            "\\b(Bearer|Basic)\\s+[A-Za-z0-9._~+/=\\-]+", Pattern.CASE_INSENSITIVE);

    /** {@code Authorization: anything} header lines. */
    private static final Pattern AUTH_HEADER = Pattern.compile(
            "((?:Proxy-)?Authorization\\s*[:=]\\s*)[^\\r\\n,\\]]+", Pattern.CASE_INSENSITIVE);

    /** {@code scheme://user:password@host}. */
    private static final Pattern URL_USERINFO = Pattern.compile("(://[^/@\\s:]*:)[^/@\\s]*@");

    private Redactor() {
    }

    /**
     * Redacts secrets in a text.
     *
     * @param text any text, may be null
     * @return the text with secret values replaced by {@value #MASK}
     */
    public static String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = JSON_FIELD.matcher(text).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + MASK + m.group(3)));
        out = FORM_FIELD.matcher(out).replaceAll("$1" + MASK);
        out = AUTH_HEADER.matcher(out).replaceAll("$1" + MASK);
        out = AUTH_SCHEME.matcher(out).replaceAll("$1 " + MASK);
        out = URL_USERINFO.matcher(out).replaceAll("$1" + MASK + "@");
        return out;
    }

    /**
     * A short, printable, redacted start of a body, for error messages.
     *
     * @param body the body text
     * @param max the most characters to keep
     * @return the snippet
     */
    public static String snippet(String body, int max) {
        if (body == null) {
            return "";
        }
        String oneLine = body.replaceAll("[\\p{Cntrl}&&[^\\t]]+", " ").replaceAll("\\s+", " ").trim();
        String redacted = redact(oneLine);
        return redacted.length() <= max ? redacted : redacted.substring(0, max) + "...";
    }
}
