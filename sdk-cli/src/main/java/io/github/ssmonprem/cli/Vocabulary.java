package io.github.ssmonprem.cli;

import io.github.ssmonprem.core.exception.ConnectionFailedException;
import io.github.ssmonprem.core.exception.MalformedResponseException;
import io.github.ssmonprem.core.exception.ProxyAuthenticationException;
import io.github.ssmonprem.core.exception.RedirectNotFollowedException;
import io.github.ssmonprem.core.exception.RequestTimeoutException;
import io.github.ssmonprem.core.exception.ResourceNotFoundException;
import io.github.ssmonprem.core.exception.SsmConfigurationException;
import io.github.ssmonprem.core.exception.SsmException;
import io.github.ssmonprem.core.exception.SsmServiceException;
import io.github.ssmonprem.core.exception.TlsException;
import io.github.ssmonprem.sync.AccountNotFoundException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the command line says of an SDK error, in its own options and environment variables rather than
 * the SDK's builder calls, so an error tells an operator what to type rather than what to call.
 *
 * <p>It goes by the error's kind (its type, reason or phase) and by the setting the error points at
 * ({@link SsmException#setting()}), never by reading the SDK's message: an error that points at no
 * setting keeps the SDK's own remediation, which then names none; one that does gets the command line's
 * remediation for that kind and setting, and the setting's name in its detail becomes the option.
 */
final class Vocabulary {

    /** The SDK's setting names, as its builders spell them, and the option or variable that sets them. */
    private static final Map<String, String> OPTIONS = Map.ofEntries(
            Map.entry("baseUrl", "--url (SSM_URL)"),
            Map.entry("allowPlainHttp", "--allow-http"),
            Map.entry("tls", "--ca-cert (SSM_CA_CERT)"),
            Map.entry("tls.caPem", "--ca-cert (SSM_CA_CERT)"),
            Map.entry("retry.maxAttempts", "--retries"),
            Map.entry("connectTimeout", "--connect-timeout"),
            Map.entry("responseTimeout", "--timeout"),
            Map.entry("attemptTimeout", "--timeout"),
            Map.entry("connectionRequestTimeout", "--timeout"),
            Map.entry("callTimeout", "--deadline"),
            Map.entry("maxConnections", "the connection pool size"),
            Map.entry("proxy", "--proxy (HTTPS_PROXY)"),
            Map.entry("proxy.host", "--proxy (HTTPS_PROXY)"),
            Map.entry("proxy.port", "--proxy (HTTPS_PROXY)"),
            Map.entry("https.proxyPort", "--proxy (HTTPS_PROXY)"),
            Map.entry("proxy.password", "SSM_PROXY_PASSWORD"),
            Map.entry("clientId", "--client-id (SSM_CLIENT_ID)"),
            Map.entry("username", "--username (SSM_USERNAME)"),
            Map.entry("account", "--account (SSM_ACCOUNT)"),
            Map.entry("virtualAccount", "--virtual-account (SSM_VIRTUAL_ACCOUNT)"));

    private Vocabulary() {
    }

    /** An error as the command line prints it. */
    record Words(String message, String remediation) {
    }

    /**
     * The option or variable for a setting.
     *
     * @param setting the SDK's setting name
     * @return the command line's name for it, or the setting itself when the command line has none
     */
    static String option(String setting) {
        return OPTIONS.getOrDefault(setting, setting);
    }

    /**
     * What the command line says of an SDK error.
     *
     * @param e the error
     * @return its message and remediation in the command line's terms
     */
    static Words of(SsmException e) {
        String setting = e.setting();
        if (e instanceof SsmConfigurationException config) {
            String option = option(setting);
            return new Words("Invalid " + option + ": " + config.problem(), configurationRemedy(setting, option));
        }
        if (setting == null) {
            return new Words(e.detail(), e.remediation());
        }
        String option = option(setting);
        return new Words(named(e.detail(), setting, option), remedy(e, option));
    }

    /**
     * The detail with the setting's name, where it names it ({@code within connectTimeout}), as the option:
     * only a builder's identifier ({@code connectTimeout}, {@code baseUrl}) is a name there, never a plain
     * word such as {@code proxy}, which the detail uses as a word.
     */
    private static String named(String detail, String setting, String option) {
        if (setting.equals(setting.toLowerCase(java.util.Locale.ROOT))) {
            return detail;
        }
        return Pattern.compile("(?<![\\w.])" + Pattern.quote(setting) + "(?![\\w])").matcher(detail)
                .replaceAll(Matcher.quoteReplacement(option));
    }

    private static String configurationRemedy(String setting, String option) {
        if ("baseUrl".equals(setting)) {
            return "Correct " + option + " and run the command again: https://HOST:8443, or plain http:// with --allow-http"
                    + " for a test server on this machine.";
        }
        return "Correct " + option + " and run the command again.";
    }

    /** The command line's remediation for an error of this kind that points at a setting. */
    private static String remedy(SsmException e, String option) {
        if (e instanceof RequestTimeoutException timeout) {
            switch (timeout.phase()) {
                case CONNECT:
                    return "Check that the server (or the proxy) is reachable from this machine (routing, firewall) and running;"
                            + " give a longer " + option + " on slow links.";
                case TLS_HANDSHAKE:
                    return "Check that the URL's port speaks HTTPS and that no middlebox (a proxy doing TLS inspection) holds"
                            + " the connection; give a longer " + option + " only on very slow links.";
                case RESPONSE:
                    return "The server is slow or stuck: check its load and services, or give a longer " + option + ".";
                case ATTEMPT:
                    return "Check the server's load and any proxy or middlebox holding the connection; give a longer " + option
                            + " for a very slow server.";
                case CALL:
                    return "The server is slow, stuck or failing: check its health; give a longer " + option
                            + " only if calls legitimately take longer.";
                default:
                    return "Make fewer commands at once against this server.";
            }
        }
        if (e instanceof TlsException tls) {
            return "SSM On-Prem usually presents a self-signed or private-CA certificate. Export the CA that issued it"
                    + (tls.issuer() != null ? " (" + tls.issuer() + ")" : "") + " as PEM and give it with " + option + ".";
        }
        if (e instanceof ProxyAuthenticationException) {
            return "Check the proxy user name and password: the user in " + option
                    + " as http://USER@HOST:PORT, the password in SSM_PROXY_PASSWORD.";
        }
        if (e instanceof RedirectNotFollowedException redirect) {
            return "The URL is probably not the SSM On-Prem API's: give " + option + " as the server's https://HOST:8443"
                    + " address with no path" + redirect.location().map(l -> "; if " + l + " is the SSM On-Prem server itself,"
                            + " give that address").orElse("")
                    + ". A redirect to a login or portal page means a gateway in between intercepts the requests.";
        }
        if (e instanceof AccountNotFoundException) {
            return "Correct " + option + ": `ssm accounts` lists the smart accounts and virtual accounts this user can see"
                    + " (the names as SSM On-Prem shows them).";
        }
        if (e instanceof ResourceNotFoundException) {
            return "Check the URL: its path is wrong. Give " + option + " as the server's address with no path"
                    + " (https://HOST:8443), or with the prefix your reverse proxy really serves SSM On-Prem under; the"
                    + " command adds the routes (/backend/oauth/token, /backend/api/...) itself.";
        }
        if ("baseUrl".equals(e.setting())
                && (e instanceof ConnectionFailedException || e instanceof MalformedResponseException || e instanceof SsmServiceException)) {
            // a plain http:// URL to a port that speaks TLS
            return "The URL says http:// but this port most likely speaks HTTPS (SSM On-Prem listens with TLS on 8443):"
                    + " use https:// in " + option + ".";
        }
        return "Check " + option + ": " + e.remediation();
    }
}
