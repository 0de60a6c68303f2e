package io.github.ssmonprem.core.internal;

import io.github.ssmonprem.core.ProxyConfig;
import io.github.ssmonprem.core.exception.AccessDeniedException;
import io.github.ssmonprem.core.exception.ConnectionFailedException;
import io.github.ssmonprem.core.exception.MalformedResponseException;
import io.github.ssmonprem.core.exception.ProxyAuthenticationException;
import io.github.ssmonprem.core.exception.RateLimitedException;
import io.github.ssmonprem.core.exception.RedirectNotFollowedException;
import io.github.ssmonprem.core.exception.RequestTimeoutException;
import io.github.ssmonprem.core.exception.ResourceNotFoundException;
import io.github.ssmonprem.core.exception.ServerUnavailableException;
import io.github.ssmonprem.core.exception.SsmClientException;
import io.github.ssmonprem.core.exception.SsmException;
import io.github.ssmonprem.core.exception.SsmServiceException;
import io.github.ssmonprem.core.exception.TlsException;
import io.github.ssmonprem.core.exception.UnauthorizedException;
import io.github.ssmonprem.core.http.ErrorResponse;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.utils.DateUtils;
import org.apache.hc.core5.http.ConnectionRequestTimeoutException;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.http.ProtocolException;

/**
 * Turns what went wrong on the wire into the SDK's typed exceptions, each with a remediation.
 * Every text that came from outside passes through {@link Redactor}.
 */
public final class ErrorMapper {

    private final ProxyConfig proxy;
    private final Clock clock;
    private final Duration maxRetryAfter;

    /**
     * Creates the error mapper, honouring any {@code Retry-After}.
     *
     * @param proxy the proxy in use, or null
     * @param clock the clock for {@code Retry-After} dates
     */
    public ErrorMapper(ProxyConfig proxy, Clock clock) {
        this(proxy, clock, null);
    }

    /**
     * Creates the error mapper.
     *
     * @param proxy the proxy in use, or null
     * @param clock the clock for {@code Retry-After} dates
     * @param maxRetryAfter the longest {@code Retry-After} the retry policy waits for: a longer one makes
     *     the 429 or 503 not retryable, its message saying when the server takes calls again; null for no cap
     */
    public ErrorMapper(ProxyConfig proxy, Clock clock, Duration maxRetryAfter) {
        this.proxy = proxy;
        this.clock = clock;
        this.maxRetryAfter = maxRetryAfter;
    }

    /** When a plain {@code http://} URL reached a port that speaks TLS, the base URL is at fault. {@return the failure} */
    private static <E extends SsmException> E plainHttp(boolean plainHttp, E failure) {
        if (plainHttp) {
            failure.recordSetting("baseUrl");
        }
        return failure;
    }

    /** What to do when a plain {@code http://} URL reached a port that speaks TLS. */
    static final String HTTP_TO_TLS_PORT = "The base URL says http:// but this port most likely speaks HTTPS (SSM On-Prem"
            + " listens with TLS on 8443): use https:// in baseUrl.";

    /**
     * Maps an I/O failure.
     *
     * @param e the failure
     * @param target the request's method and URL
     * @param host the server's host
     * @param proxied whether the request went through the proxy
     * @return the typed exception
     */
    public SsmClientException fromIoException(IOException e, String target, String host, boolean proxied) {
        String via = proxied ? " via proxy " + proxy.address() : "";
        CapturingTrustManager.RejectedCertificateException rejected = find(e, CapturingTrustManager.RejectedCertificateException.class);
        if (rejected != null) {
            boolean expired = rejected.expired();
            String detail = target + via + ": TLS handshake failed: the server's certificate "
                    + (expired ? "is outside its validity period" : "is not trusted by this client")
                    + " (subject: " + rejected.subject() + "; issuer: " + rejected.issuer()
                    + "; valid until: " + rejected.notAfter() + ").";
            String fix = expired
                    ? "Renew the SSM On-Prem server certificate, and check this machine's clock."
                    : "SSM On-Prem usually presents a self-signed or private-CA certificate. Export the CA that issued it ("
                            + rejected.issuer() + ") as PEM and configure it: TlsConfig.trustPemFile(path) in Java, "
                            + "--ca-cert FILE on the command line.";
            return new TlsException(expired ? TlsException.Reason.EXPIRED_CERTIFICATE : TlsException.Reason.UNTRUSTED_CERTIFICATE,
                    detail, fix, rejected.subject(), rejected.issuer(), rejected.notAfter(), e);
        }
        NamingHostnameVerifier.Mismatch mismatch = find(e, NamingHostnameVerifier.Mismatch.class);
        if (mismatch != null) {
            String names = mismatch.names().isEmpty() ? "no subject alternative names" : "the names " + String.join(", ", mismatch.names());
            return new TlsException(TlsException.Reason.HOSTNAME_MISMATCH,
                    target + via + ": TLS host name verification failed: the server's certificate (subject: "
                            + Redactor.redact(mismatch.subject()) + "; " + Redactor.redact(names) + ") does not name '" + host + "'.",
                    (mismatch.names().isEmpty() ? "Reissue the SSM On-Prem certificate with '" + host + "' in its subject alternative names."
                            : "Connect with a host name the certificate holds (" + Redactor.redact(String.join(", ", mismatch.names()))
                                    + ") in the base URL (--url, SSM_URL), or reissue the SSM On-Prem certificate with '" + host
                                    + "' in its subject alternative names."),
                    mismatch.subject(), null, null, e);
        }
        SSLPeerUnverifiedException unverified = find(e, SSLPeerUnverifiedException.class);
        if (unverified != null) {
            return new TlsException(TlsException.Reason.HOSTNAME_MISMATCH,
                    target + via + ": TLS host name verification failed: " + Redactor.redact(unverified.getMessage()) + ".",
                    "Connect with the host name the server certificate was issued for (see its subject alternative names), "
                            + "or reissue the SSM On-Prem certificate with '" + host + "' in its subject alternative names.",
                    null, null, null, e);
        }
        if (find(e, ConnectionRequestTimeoutException.class) != null) {
            return new RequestTimeoutException(RequestTimeoutException.Phase.CONNECTION_POOL,
                    target + ": no pooled connection became free in time.",
                    "Raise maxConnections or connectionRequestTimeout, or make fewer concurrent calls.", e);
        }
        UnknownHostException unknown = find(e, UnknownHostException.class);
        if (unknown != null) {
            String name = hostName(unknown.getMessage(), host);
            return new ConnectionFailedException(ConnectionFailedException.Reason.DNS_RESOLUTION,
                    target + via + ": the host name '" + name + "' does not resolve.",
                    "Check the host name in the " + (proxied && !name.equals(host) ? "proxy setting" : "server URL")
                            + " and this machine's DNS resolver; an IP address works too when the certificate names it.", e);
        }
        ConnectTimeoutException connectTimeout = find(e, ConnectTimeoutException.class);
        if (connectTimeout != null) {
            return new RequestTimeoutException(RequestTimeoutException.Phase.CONNECT,
                    target + via + ": the TCP connection was not established within connectTimeout.",
                    "Check that the " + (proxied ? "proxy " + proxy.address() : "server") + " is reachable from this machine "
                            + "(routing, firewall) and running; raise connectTimeout on slow links.", e);
        }
        ConnectException refused = find(e, ConnectException.class);
        if (refused != null) {
            String peer = proxied ? "proxy " + proxy.address() : "server " + host;
            return new ConnectionFailedException(ConnectionFailedException.Reason.CONNECTION_REFUSED,
                    target + via + ": the connection to the " + peer + " was refused.",
                    proxied
                            ? "Check that the proxy " + proxy.address() + " is running and listening on port " + proxy.port()
                                    + ", that the proxy setting names the right host and port, and that no firewall rejects the connection."
                            : "Check that the " + peer + " is running and listening on that port (SSM On-Prem: 8443), "
                                    + "and that no firewall rejects the connection.", e);
        }
        SocketTimeoutException readTimeout = find(e, SocketTimeoutException.class);
        if (readTimeout != null) {
            return new RequestTimeoutException(RequestTimeoutException.Phase.RESPONSE,
                    target + via + ": no answer within responseTimeout.",
                    "The server is slow or stuck: check its load and services, or raise responseTimeout.", e);
        }
        boolean plainHttp = target.contains(" http://");
        if (find(e, NoHttpResponseException.class) != null) {
            return plainHttp(plainHttp, new ConnectionFailedException(ConnectionFailedException.Reason.CONNECTION_CLOSED,
                    target + via + ": the server closed the connection without answering.",
                    plainHttp ? HTTP_TO_TLS_PORT
                            : "Usually transient (a restart or an idle-connection reset); if it persists, check the web server's and proxy's logs.", e));
        }
        SSLException ssl = find(e, SSLException.class);
        if (ssl != null && find(e, EOFException.class) == null && find(e, SocketException.class) == null) {
            return new TlsException(TlsException.Reason.HANDSHAKE_FAILED,
                    target + via + ": TLS handshake failed: " + Redactor.redact(ssl.getMessage()) + ".",
                    "Check that the URL's port speaks HTTPS and that client and server share a TLS version (1.2 or 1.3).",
                    null, null, null, e);
        }
        ProtocolException protocol = find(e, ProtocolException.class);
        if (protocol != null) {
            return plainHttp(plainHttp, new MalformedResponseException(target + via + ": the answer is not valid HTTP: "
                    + Redactor.redact(protocol.getMessage()) + ".",
                    plainHttp ? HTTP_TO_TLS_PORT : "Check that the URL points at SSM On-Prem itself (its HTTPS port, 8443 by"
                            + " default), not another service.", 0, ""));
        }
        if (e instanceof ConnectionClosedException || find(e, SocketException.class) != null || find(e, EOFException.class) != null) {
            return plainHttp(plainHttp, new ConnectionFailedException(ConnectionFailedException.Reason.CONNECTION_CLOSED,
                    target + via + ": the connection was closed or reset: " + Redactor.redact(String.valueOf(e.getMessage())) + ".",
                    plainHttp ? HTTP_TO_TLS_PORT
                            : "Usually transient; if it persists, check the server's web server and any proxy or firewall in between.", e));
        }
        return new ConnectionFailedException(ConnectionFailedException.Reason.OTHER,
                target + via + ": the exchange failed: " + Redactor.redact(IoText.reason(e)) + ".",
                "Check the server URL, the network path and any proxy.", e);
    }

    /**
     * Maps an error status by the SDK's rules.
     *
     * @param error the error answer
     * @param proxied whether the request went through the proxy
     * @return the typed exception
     */
    public SsmException fromStatus(ErrorResponse error, boolean proxied) {
        int status = error.statusCode();
        String requestId = error.requestId().map(id -> Redactor.snippet(id, 100)).orElse(null);
        String code = errorCode(error).orElse(null);
        String message = serverMessage(error).orElse(null);
        String target = error.target();
        String said = message != null ? ": " + inSentence(message) : "";
        String idNote = requestId != null ? " (X-Request-Id " + requestId + ")" : "";
        if (status == 407) {
            String address = proxy != null ? proxy.address() : "the proxy";
            boolean hasCredentials = proxy != null && proxy.username().isPresent();
            return new ProxyAuthenticationException(address,
                    target + ": the forward proxy " + address + " answered 407 Proxy Authentication Required"
                            + (hasCredentials ? ": it rejected the configured proxy credentials." : ": it requires credentials and none are configured."),
                    hasCredentials
                            ? "Check the proxy user name and password (ProxyConfig.credentials, --proxy http://user@host:port with SSM_PROXY_PASSWORD)."
                            : "Configure the proxy's user name and password (ProxyConfig.credentials, or user:password@ in HTTPS_PROXY).");
        }
        Duration retryAfter = retryAfter(error);
        String tooLong = beyondCap(retryAfter);
        if (status == 502 || status == 503 || status == 504) {
            boolean html = error.isHtml();
            String detail = target + ": HTTP " + status + (html
                    ? " with an HTML page from the web server in front of SSM On-Prem (nginx): the SSM On-Prem backend behind it is not answering."
                    : " (server unavailable)" + said + ".") + idNote + tooLong;
            return new ServerUnavailableException(detail,
                    tooLong.isEmpty()
                            ? "Check that the SSM On-Prem services are up (on the appliance: the backend/application containers), "
                                    + "wait for a restart to finish, and try again; the SDK already retried with back-off."
                            : "The server is down for longer than the SDK waits between attempts: try again after the time it named.",
                    tooLong.isEmpty(), status, code, message, requestId, retryAfter);
        }
        if (status == 429) {
            return new RateLimitedException(target + ": HTTP 429 Too Many Requests" + said + "." + idNote + tooLong,
                    tooLong.isEmpty() ? "The server is throttling this client: lower the call rate; the SDK honours Retry-After."
                            : "The server is throttling this client for longer than the SDK waits: try again after the time it "
                                    + "named, and lower the call rate.",
                    tooLong.isEmpty(), code, message, requestId, retryAfter);
        }
        if (status >= 300 && status < 400) {
            String location = error.response().header("Location").map(l -> Redactor.snippet(l, 300)).orElse(null);
            return new RedirectNotFollowedException(target + ": HTTP " + status + " redirect "
                    + (location != null ? "to " + location : "without a Location header")
                    + ", not followed: the SDK never follows redirects, so that credentials, tokens and usage reports go to "
                    + "the configured server only." + idNote,
                    "The base URL is probably not the SSM On-Prem API's: use the server's https://HOST:8443 address with no "
                            + "path (baseUrl in Java, --url or SSM_URL on the command line)"
                            + (location != null ? "; if " + location + " is the SSM On-Prem server itself, configure that address" : "")
                            + ". A redirect to a login or portal page means a gateway in between intercepts the requests.",
                    status, location, requestId);
        }
        if (status == 401) {
            return new UnauthorizedException(target + ": HTTP 401 Unauthorized" + said + "." + idNote,
                    "The server rejected the access token even after a new one was obtained: check that the API Toolkit "
                            + "grant is still active and that the user may use the API.",
                    status, code, message, requestId);
        }
        if (status == 403) {
            return new AccessDeniedException(target + ": HTTP 403 Forbidden" + said + "." + idNote,
                    "The authenticated user or grant may not do this: check its role and its access to the smart account "
                            + "and virtual accounts in SSM On-Prem.",
                    status, code, message, requestId);
        }
        if (status == 400 && error.response().bodyAsString().contains("plain HTTP request was sent to HTTPS port")) {
            return plainHttp(true, new SsmServiceException(target + ": HTTP 400 from the web server: the plain HTTP request was sent to its"
                    + " HTTPS port." + idNote, HTTP_TO_TLS_PORT, false, status, code, message, requestId));
        }
        boolean noRoute = message != null && (message.startsWith("No route matches") || message.startsWith("Routing Error"));
        if (status == 404 && (noRoute || error.isHtml() || "Not Found".equalsIgnoreCase(code) || error.response().body().length == 0)) {
            // nginx's HTML page, or Rails's generic {"status":404,"error":"Not Found"}: no such route there,
            // unlike SSM On-Prem's own 404s, which carry its JSON error body. The base URL's path is at fault.
            ResourceNotFoundException noSuchRoute = new ResourceNotFoundException(target + ": HTTP 404 Not Found " + (noRoute ? "(" + message + ")"
                    : error.isHtml() ? "with an HTML page from the web server" : "without an SSM On-Prem error body")
                    + ": no such route on this server, so the base URL's path is probably wrong." + idNote,
                    "Check the base URL: its path is wrong. Give baseUrl as the server's address with no path (https://host:8443), or"
                            + " with the prefix your reverse proxy really serves SSM On-Prem under; the SDK adds the routes"
                            + " (/backend/oauth/token, /backend/api/...) itself.",
                    status, code, message, requestId);
            noSuchRoute.recordSetting("baseUrl");
            return noSuchRoute;
        }
        if (status == 404) {
            return new ResourceNotFoundException(target + ": HTTP 404 Not Found" + said + "." + idNote,
                    "Check the smart account domain and virtual account names (the accounts call lists them), "
                            + "and the server's routes if this deployment uses other paths.",
                    status, code, message, requestId);
        }
        if (status >= 200 && status < 300) {
            throw new IllegalArgumentException("not an error status: " + status);
        }
        String snippet = message == null && !error.json().isPresent()
                ? " Body: " + Redactor.snippet(error.response().bodyAsString(), 200) : "";
        return new SsmServiceException(target + ": HTTP " + status + said + "." + idNote + snippet,
                status >= 500 ? "The server failed to handle the request; check the SSM On-Prem logs for the request id."
                        : "The server refused the request as sent; check the parameters named in its message.",
                false, status, code, message, requestId);
    }

    /**
     * The server's message from the usual fields of an error body.
     *
     * @param error the error answer
     * @return the message, redacted, if the body had one
     */
    public static Optional<String> serverMessage(ErrorResponse error) {
        return error.jsonText("error_message")
                .or(() -> error.jsonText("error_description"))
                .or(() -> error.jsonText("statusMessage"))
                .or(() -> error.jsonText("message"))
                .map(m -> Redactor.snippet(m, 500));
    }

    /**
     * {@return the error code of an error answer: its {@code error} field, else its {@code status}; empty when it has neither}
     *
     * @param error the answer
     */
    public static Optional<String> errorCode(ErrorResponse error) {
        return error.jsonText("error").or(() -> error.jsonText("status")).map(c -> Redactor.snippet(c, 100));
    }

    /**
     * {@return a server's message to quote inside a sentence of the SDK's: without its own final period,
     * so that the sentence does not end in two}
     *
     * @param message the server's message
     */
    public static String inSentence(String message) {
        return message.endsWith(".") && !message.endsWith("..") ? message.substring(0, message.length() - 1) : message;
    }

    /** The sentence added when the server asks to wait longer than the retry policy waits; else "". */
    private String beyondCap(Duration retryAfter) {
        if (retryAfter == null || maxRetryAfter == null || retryAfter.compareTo(maxRetryAfter) <= 0) {
            return "";
        }
        Instant at = clock.instant().plus(retryAfter).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        return " The server asked to retry after " + retryAfter.toSeconds() + " s (at " + at + "), longer than the "
                + maxRetryAfter.toSeconds() + " s the SDK waits (maxRetryAfter): not retried.";
    }

    private Duration retryAfter(ErrorResponse error) {
        Optional<String> header = error.response().header("Retry-After");
        if (header.isEmpty()) {
            return null;
        }
        String value = header.get().trim();
        try {
            long seconds = Long.parseLong(value);
            // Beyond a year is absurd: kept as a year, which no retry policy waits for.
            return seconds < 0 ? null : Duration.ofSeconds(Math.min(seconds, 366L * 24 * 3600));
        } catch (NumberFormatException notSeconds) {
            Instant when = DateUtils.parseStandardDate(value);
            if (when == null) {
                return null;
            }
            Duration wait = Duration.between(clock.instant(), when);
            return wait.isNegative() ? Duration.ZERO : wait;
        }
    }

    /** The host name alone, from the JDK's "name: Name or service not known" style of message. */
    static String hostName(String message, String fallback) {
        if (message == null || message.isBlank()) {
            return fallback;
        }
        int colon = message.indexOf(':');
        String name = (colon > 0 ? message.substring(0, colon) : message).trim();
        return name.isEmpty() || name.contains(" ") ? fallback : Redactor.redact(name);
    }

    private static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return null;
    }
}
