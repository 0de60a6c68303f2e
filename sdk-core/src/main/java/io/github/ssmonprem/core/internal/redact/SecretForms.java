package io.github.ssmonprem.core.internal.redact;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The forms a secret value takes when a server quotes it back: as is, URL-encoded (form style with
 * {@code +}, or {@code %20}; upper- or lower-case hex), JSON-escaped (with or without {@code \/}, with
 * non-ASCII characters as is or as {@code \}{@code uXXXX}) and HTML-escaped.
 */
public final class SecretForms {

    private SecretForms() {
    }

    /**
     * Returns every form of a value, the value first.
     *
     * @param value the secret value
     * @return its distinct forms
     */
    public static Set<String> of(String value) {
        Set<String> forms = new LinkedHashSet<>();
        forms.add(value);
        String form = URLEncoder.encode(value, StandardCharsets.UTF_8);
        addWithLowerHex(forms, form);
        addWithLowerHex(forms, form.replace("+", "%20"));
        addWithLowerHex(forms, rfc3986(value));
        String json = json(value, false);
        forms.add(json);
        forms.add(json.replace("/", "\\/"));
        String asciiJson = json(value, true);
        forms.add(asciiJson);
        forms.add(upperHexEscapes(asciiJson));
        forms.add(html(value, "&#39;"));
        forms.add(html(value, "&#x27;"));
        return forms;
    }

    private static void addWithLowerHex(Set<String> forms, String encoded) {
        forms.add(encoded);
        StringBuilder lower = new StringBuilder(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            lower.append(c);
            if (c == '%' && i + 2 < encoded.length()) {
                lower.append(Character.toLowerCase(encoded.charAt(i + 1))).append(Character.toLowerCase(encoded.charAt(i + 2)));
                i += 2;
            }
        }
        forms.add(lower.toString());
    }

    /** Percent-encodes every byte but the unreserved characters of RFC 3986, upper-case hex. */
    private static String rfc3986(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    /** The value as the inside of a JSON string: quotes, backslashes and control characters escaped. */
    private static String json(String value, boolean asciiOnly) {
        StringBuilder out = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"':
                    out.append("\\\"");
                    break;
                case '\\':
                    out.append("\\\\");
                    break;
                case '\n':
                    out.append("\\n");
                    break;
                case '\r':
                    out.append("\\r");
                    break;
                case '\t':
                    out.append("\\t");
                    break;
                case '\b':
                    out.append("\\b");
                    break;
                case '\f':
                    out.append("\\f");
                    break;
                default:
                    if (c < 0x20 || asciiOnly && c > 0x7e) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
            }
        }
        return out.toString();
    }

    private static String upperHexEscapes(String json) {
        StringBuilder out = new StringBuilder(json.length());
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            out.append(c);
            if (c == '\\' && i + 5 < json.length() && json.charAt(i + 1) == 'u') {
                out.append('u').append(json.substring(i + 2, i + 6).toUpperCase(Locale.ROOT));
                i += 5;
            } else if (c == '\\' && i + 1 < json.length()) {
                out.append(json.charAt(i + 1));
                i++;
            }
        }
        return out.toString();
    }

    private static String html(String value, String apostrophe) {
        StringBuilder out = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '&':
                    out.append("&amp;");
                    break;
                case '<':
                    out.append("&lt;");
                    break;
                case '>':
                    out.append("&gt;");
                    break;
                case '"':
                    out.append("&quot;");
                    break;
                case '\'':
                    out.append(apostrophe);
                    break;
                default:
                    out.append(c);
            }
        }
        return out.toString();
    }
}
