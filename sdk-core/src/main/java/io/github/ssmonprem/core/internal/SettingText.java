package io.github.ssmonprem.core.internal;

import io.github.ssmonprem.core.exception.SsmConfigurationException;
import java.util.Locale;

/**
 * Checks the text of settings that travel in headers, URLs or form bodies (client ID, user name,
 * account names, secrets, tokens): a control character there is refused with a clear error instead of
 * being silently turned into a space on the wire, or cutting a header in two.
 */
public final class SettingText {

    private SettingText() {
    }

    /**
     * Returns whether the text holds a control character (U+0000 to U+001F, U+007F to U+009F).
     *
     * @param text the text
     * @return true when it holds one
     */
    public static boolean hasControl(String text) {
        return firstControl(text) >= 0;
    }

    /**
     * Returns the index of the first control character, or -1.
     *
     * @param text the text
     * @return the index, or -1 when there is none
     */
    public static int firstControl(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isISOControl(text.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Refuses a setting's value that holds a control character.
     *
     * @param setting the setting's name
     * @param value the value, may be null
     * @param secret whether the value is secret (then the message shows no part of it)
     * @return the value
     * @throws SsmConfigurationException naming the setting, the character and where it is
     */
    public static String require(String setting, String value, boolean secret) {
        if (value == null) {
            return null;
        }
        int at = firstControl(value);
        if (at >= 0) {
            throw new SsmConfigurationException(setting, "holds a control character (U+"
                    + String.format(Locale.ROOT, "%04X", (int) value.charAt(at)) + ") at position " + (at + 1)
                    + (secret ? "" : " of '" + printable(value) + "'")
                    + "; remove it (a line break copied with the value?)");
        }
        return value;
    }

    /**
     * The text with each control character shown as {@code \}{@code uXXXX}, for messages.
     *
     * @param text the text
     * @return the printable text
     */
    public static String printable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c)) {
                out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
