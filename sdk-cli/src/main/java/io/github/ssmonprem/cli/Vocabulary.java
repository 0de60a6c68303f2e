package io.github.ssmonprem.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Translates the SDK's setting names (as its builders spell them) into the command line's options and
 * environment variables, so an error tells an operator what to type rather than what to call.
 */
final class Vocabulary {

    /** Builder calls and setting names, longest first, and the option or variable that sets them. */
    private static final Map<String, String> TERMS = new LinkedHashMap<>();

    static {
        TERMS.put("allowPlainHttp(true)", "--allow-http");
        TERMS.put("allowPlainHttp", "--allow-http");
        TERMS.put("tls.caPem", "--ca-cert (SSM_CA_CERT)");
        TERMS.put("retry.maxAttempts", "--retries");
        TERMS.put("responseTimeout", "--timeout");
        TERMS.put("connectTimeout", "--connect-timeout");
        TERMS.put("baseUrl", "--url (SSM_URL)");
        TERMS.put("https.proxyPort", "--proxy (HTTPS_PROXY)");
        TERMS.put("proxy.password", "SSM_PROXY_PASSWORD");
        TERMS.put("proxy.host", "--proxy (HTTPS_PROXY)");
        TERMS.put("proxy.port", "--proxy (HTTPS_PROXY)");
        TERMS.put("proxy", "--proxy (HTTPS_PROXY)");
        TERMS.put("clientId", "--client-id (SSM_CLIENT_ID)");
        TERMS.put("username", "--username (SSM_USERNAME)");
        TERMS.put("tls", "--ca-cert (SSM_CA_CERT)");
        TERMS.put("attemptTimeout", "--timeout");
        TERMS.put("callTimeout", "--deadline");
        TERMS.put("maxConnections", "the connection pool size");
        TERMS.put("connectionRequestTimeout", "--timeout");
    }

    /** A setting's name as a word in a sentence ("raise connectTimeout"), not part of a longer word. */
    private static final Pattern CAMEL_WORD = Pattern.compile("\\b(baseUrl|connectTimeout|responseTimeout|attemptTimeout|callTimeout"
            + "|maxConnections|connectionRequestTimeout|allowPlainHttp)\\b");

    /** SDK phrases that name the Java API beside the command line's own way: dropped, the rest of the sentence says it. */
    private static final java.util.List<String> JAVA_ASIDES = java.util.List.of("TlsConfig.trustPemFile(path) in Java, ",
            "ProxyConfig.credentials, or ", "ProxyConfig.credentials, ");
    private Vocabulary() {
    }

    /**
     * The option or variable for a setting.
     *
     * @param setting the SDK's setting name
     * @return the command line's name for it, or the setting itself when the command line has none
     */
    static String option(String setting) {
        return TERMS.getOrDefault(setting, setting);
    }

    /**
     * Rewrites the SDK's builder calls and quoted setting names in a text into options and variables.
     *
     * @param text an SDK message
     * @return the text in the command line's vocabulary
     */
    static String translate(String text) {
        if (text == null) {
            return null;
        }
        String result = text;
        for (String aside : JAVA_ASIDES) {
            result = result.replace(aside, "");
        }
        for (Map.Entry<String, String> term : TERMS.entrySet()) {
            result = result.replace("call " + term.getKey(), "give " + term.getValue())
                    .replace("'" + term.getKey() + "'", term.getValue());
            if (term.getKey().contains("(") || term.getKey().contains(".")) {
                result = result.replace(term.getKey(), term.getValue());
            }
        }
        return CAMEL_WORD.matcher(result).replaceAll(m -> java.util.regex.Matcher.quoteReplacement(option(m.group(1))));
    }
}
