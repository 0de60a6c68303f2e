package io.github.ssmonprem.core.internal.redact;

import java.util.List;

/**
 * Masks the string values of JSON fields with secret names ({@code "password": "..."}), also when the
 * text is cut short inside the value. A single forward scan: linear time, no regular expression, no
 * recursion, whatever the length of a value or how many escapes it holds.
 */
public final class JsonFieldMasker {

    private final List<String> names;

    /**
     * Creates the masker.
     *
     * @param names the field names, matched case-insensitively
     */
    public JsonFieldMasker(List<String> names) {
        this.names = List.copyOf(names);
    }

    /**
     * Masks the values of the named fields.
     *
     * @param text the text
     * @param mask the replacement of each value
     * @return the masked text; the same instance when nothing was masked
     */
    public String mask(String text, String mask) {
        StringBuilder out = null;
        int copied = 0;
        int n = text.length();
        int i = text.indexOf('"');
        while (i >= 0 && i < n) {
            int valueStart = valueAfterName(text, i);
            if (valueStart < 0) {
                i = text.indexOf('"', i + 1);
                continue;
            }
            int end = valueStart;
            while (end < n && text.charAt(end) != '"') {
                end += text.charAt(end) == '\\' ? 2 : 1;
            }
            end = Math.min(end, n);
            if (out == null) {
                out = new StringBuilder(n);
            }
            out.append(text, copied, valueStart).append(mask);
            copied = end;
            i = end < n ? text.indexOf('"', end + 1) : -1;
        }
        if (out == null) {
            return text;
        }
        return out.append(text, copied, n).toString();
    }

    /** When a secret field's name opens at {@code quote}, where its string value starts; else -1. */
    private int valueAfterName(String text, int quote) {
        for (String name : names) {
            int afterName = quote + 1 + name.length();
            if (afterName < text.length() && text.regionMatches(true, quote + 1, name, 0, name.length())
                    && text.charAt(afterName) == '"') {
                int p = skipSpaces(text, afterName + 1);
                if (p < text.length() && text.charAt(p) == ':') {
                    p = skipSpaces(text, p + 1);
                    if (p < text.length() && text.charAt(p) == '"') {
                        return p + 1;
                    }
                }
                return -1;
            }
        }
        return -1;
    }

    private static int skipSpaces(String text, int from) {
        int p = from;
        while (p < text.length() && Character.isWhitespace(text.charAt(p))) {
            p++;
        }
        return p;
    }
}
