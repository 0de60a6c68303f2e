package io.github.ssmonprem.cli;

import io.github.ssmonprem.auth.AccessToken;
import io.github.ssmonprem.auth.GrantNotFoundException;
import io.github.ssmonprem.auth.InvalidCredentialsException;
import io.github.ssmonprem.auth.OAuthGrant;
import io.github.ssmonprem.core.ProxyConfig;
import io.github.ssmonprem.core.RetrySettings;
import io.github.ssmonprem.core.SsmClientConfig;
import io.github.ssmonprem.core.exception.ServerUnavailableException;
import io.github.ssmonprem.core.exception.SsmException;
import io.github.ssmonprem.core.internal.Redactor;
import io.github.ssmonprem.sync.SsmSyncClient;
import io.github.ssmonprem.sync.model.Account;
import io.github.ssmonprem.testkit.InMemorySyncStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.apache.hc.client5.http.ssl.DefaultHostnameVerifier;
import picocli.CommandLine.Command;

/**
 * {@code ssm doctor}: the runbook for "Failed to authenticate Smart Account credentials" as one
 * command. Checks, in order, the URL, DNS, the TCP connection (to the proxy when one is set), the
 * proxy's CONNECT and authentication, the TLS handshake, the token request, and one authorised API
 * call. Each step reports PASS, FAIL or SKIP with its duration; the first failure prints its
 * remediation and the steps after it are skipped. The exit code is the first failure's class.
 */
@Command(name = "doctor", description = "Diagnose the connection to SSM On-Prem step by step: URL, DNS, TCP, proxy, TLS, "
        + "token, API call")
final class DoctorCommand extends ServerCommand {

    /** A step's verdict. */
    enum Status { PASS, FAIL, SKIP }

    /** One checked step. */
    record Step(String name, Status status, long durationMs, String detail, String remediation) {
    }

    /** A failed step: what to print and the exit code. */
    private static final class StepFailure extends Exception {
        private static final long serialVersionUID = 1L;
        final String detail;
        final String remediation;
        final int exitCode;

        StepFailure(String detail, String remediation, int exitCode) {
            super(detail, null, false, false);
            this.detail = detail;
            this.remediation = remediation;
            this.exitCode = exitCode;
        }

        static StepFailure of(SsmException e) {
            Vocabulary.Words words = Vocabulary.of(e);
            return new StepFailure(words.message(), words.remediation(), ExitCodes.of(e));
        }
    }

    @FunctionalInterface
    private interface Check {
        String run() throws Exception;
    }

    private final List<Step> steps = new ArrayList<>();
    private int exitCode = ExitCodes.OK;

    private SsmClientConfig config;
    private ProxyConfig proxy;
    private URI url;
    private String host;
    private int port;
    private Socket socket;

    @Override
    int execute(Output out) {
        out.line("ssm doctor");
        try {
            step(out, "URL", this::checkUrl);
            step(out, "DNS", this::checkDns);
            step(out, "TCP connect", this::checkTcp);
            step(out, "Proxy CONNECT", this::checkProxy);
            step(out, "TLS handshake", this::checkTls);
            step(out, "Token request", this::checkToken);
            step(out, "API call", this::checkApi);
        } finally {
            closeSocket();
            if (client != null) {
                client.close();
            }
        }
        out.line("Result: " + (exitCode == ExitCodes.OK ? "PASS" : "FAIL (exit " + exitCode + ")"));
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("url", url == null ? null : url.toString());
        doc.put("proxy", proxy == null ? null : proxy.address());
        doc.put("steps", steps);
        doc.put("result", exitCode == ExitCodes.OK ? "PASS" : "FAIL");
        doc.put("exitCode", exitCode);
        out.document(doc);
        return exitCode;
    }

    private void step(Output out, String name, Check check) {
        if (exitCode != ExitCodes.OK) {
            record(out, new Step(name, Status.SKIP, 0, "skipped after the failure above", null));
            return;
        }
        long start = System.nanoTime();
        try {
            String detail = check.run();
            long ms = (System.nanoTime() - start) / 1_000_000;
            record(out, new Step(name, detail == null ? Status.SKIP : Status.PASS, ms, detail == null ? skipReason : detail, null));
        } catch (StepFailure f) {
            long ms = (System.nanoTime() - start) / 1_000_000;
            exitCode = f.exitCode;
            record(out, new Step(name, Status.FAIL, ms, f.detail, f.remediation));
        } catch (SsmException e) {
            long ms = (System.nanoTime() - start) / 1_000_000;
            exitCode = ExitCodes.of(e);
            Vocabulary.Words words = Vocabulary.of(e);
            record(out, new Step(name, Status.FAIL, ms, words.message(), words.remediation()));
        } catch (UsageError e) {
            long ms = (System.nanoTime() - start) / 1_000_000;
            exitCode = ExitCodes.USAGE;
            record(out, new Step(name, Status.FAIL, ms, e.getMessage(), e.remediation()));
        } catch (Exception e) {
            long ms = (System.nanoTime() - start) / 1_000_000;
            exitCode = ExitCodes.OTHER;
            record(out, new Step(name, Status.FAIL, ms, Redactor.redact(String.valueOf(e.getMessage())),
                    "See the message; run with --verbose for details."));
        }
    }

    private String skipReason;

    private String skip(String reason) {
        skipReason = reason;
        return null;
    }

    private void record(Output out, Step step) {
        steps.add(step);
        out.line(String.format("[%s] %-14s %6s  %s", step.status(), step.name(),
                step.status() == Status.SKIP ? "" : step.durationMs() + " ms", step.detail()));
        if (step.remediation() != null) {
            out.line("       what to do: " + step.remediation());
        }
    }

    private String checkUrl() {
        SsmClientConfig.Builder builder = connection.config(env());
        if (connection.attempts == null) {
            builder.retry(RetrySettings.none());   // a diagnosis reports the first answer
        }
        config = builder.build();
        url = config.baseUrl();
        host = url.getHost();
        port = url.getPort() > 0 ? url.getPort() : ("https".equals(url.getScheme()) ? 443 : 80);
        proxy = config.proxy().filter(p -> p.appliesTo(host)).orElse(null);
        return url + (proxy != null ? " via proxy " + proxy.address() : " (direct, no proxy)")
                + ("https".equals(url.getScheme()) ? ", trusting " + trust() : ", plain HTTP");
    }

    /** What the client trusts, in the operator's words: the --ca-cert file or the JVM's trust store. */
    private String trust() {
        return config.tls().isSystemDefault() ? "the JVM's trust store (no --ca-cert)"
                : "the CA file " + connection.caCertPath(env()).map(Object::toString).orElse("given with --ca-cert");
    }

    private String checkDns() throws StepFailure {
        String name = proxy != null ? proxy.host() : host;
        try {
            InetAddress[] addresses = InetAddress.getAllByName(name);
            String list = Arrays.stream(addresses).map(InetAddress::getHostAddress).distinct().collect(Collectors.joining(", "));
            return name + " -> " + list + (proxy != null ? " (the proxy resolves " + host + ")" : "");
        } catch (UnknownHostException e) {
            throw new StepFailure("The host name '" + name + "' does not resolve.",
                    "Check the " + (proxy != null ? "proxy host" : "host name in the URL") + " and this machine's DNS "
                            + "(/etc/resolv.conf, /etc/hosts); an IP address works too when the certificate names it.",
                    ExitCodes.UNAVAILABLE);
        }
    }

    private String checkTcp() throws StepFailure {
        String peerHost = proxy != null ? proxy.host() : host;
        int peerPort = proxy != null ? proxy.port() : port;
        String peer = (proxy != null ? "proxy " : "server ") + peerHost + ":" + peerPort;
        socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(peerHost, peerPort), (int) config.connectTimeout().toMillis());
            socket.setSoTimeout((int) config.responseTimeout().toMillis());
            return "connected to " + peer + " (" + socket.getInetAddress().getHostAddress() + ")";
        } catch (SocketTimeoutException e) {
            throw new StepFailure("No TCP connection to the " + peer + " within " + config.connectTimeout().toSeconds() + " s.",
                    "A firewall drops the traffic or the host is down: check routing and firewalls between this machine and "
                            + peer + ".", ExitCodes.UNAVAILABLE);
        } catch (ConnectException e) {
            throw new StepFailure("The connection to the " + peer + " was refused.",
                    "Nothing listens there: check that " + (proxy != null ? "the proxy runs" : "SSM On-Prem runs and listens on "
                            + "that port (8443 by default)") + " and that no firewall rejects the connection.",
                    ExitCodes.UNAVAILABLE);
        } catch (IOException e) {
            throw new StepFailure("The connection to the " + peer + " failed: " + e.getMessage() + ".",
                    "Check the network path to " + peer + ".", ExitCodes.UNAVAILABLE);
        }
    }

    /**
     * Asks the proxy for a tunnel with one {@code CONNECT} request on the socket just opened, and reads
     * its status line. Done by hand on purpose: the point is to show exactly what the proxy answered
     * to CONNECT, which an HTTP client turns into a generic failure.
     */
    private String checkProxy() throws StepFailure, IOException {
        if (proxy == null) {
            return skip("no proxy configured");
        }
        String authority = host + ":" + port;
        StringBuilder request = new StringBuilder("CONNECT ").append(authority).append(" HTTP/1.1\r\nHost: ")
                .append(authority).append("\r\n");
        if (proxy.username().isPresent()) {
            String pair = proxy.username().get() + ":" + proxy.password().map(s -> s.reveal()).orElse("");
            request.append("Proxy-Authorization: Basic ")
                    .append(Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8))).append("\r\n");
        }
        request.append("\r\n");
        OutputStream os = socket.getOutputStream();
        os.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
        os.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
        String statusLine = in.readLine();
        boolean basicChallenge = false;
        String line;
        while ((line = in.readLine()) != null && !line.isEmpty()) {
            String lower = line.toLowerCase(java.util.Locale.ROOT);
            if ((lower.startsWith("www-authenticate:") || lower.startsWith("proxy-authenticate:")) && lower.contains("basic")) {
                basicChallenge = true;
            }
        }
        int status = parseStatus(statusLine);
        if (status == 200) {
            return "the proxy opened a tunnel to " + authority + (proxy.username().isPresent() ? " (credentials accepted)" : "");
        }
        if (status == 407 || status == 401) {
            // tinyproxy answers a wrong Basic password with "HTTP/1.0 401 Unauthorized" and WWW-Authenticate, not 407:
            // an answer to CONNECT comes from the proxy, never from SSM On-Prem.
            boolean hasCredentials = proxy.username().isPresent();
            throw new StepFailure("The proxy " + proxy.address() + " answered " + Redactor.redact(String.valueOf(statusLine).trim())
                    + " to CONNECT" + (basicChallenge ? " with a Basic challenge" : "")
                    + (hasCredentials ? ": it rejected the credentials of user '" + proxy.username().get() + "'." : ": it needs credentials.")
                    + " The request did not reach SSM On-Prem.",
                    hasCredentials ? "Check the proxy user name and password (--proxy http://USER@host:port with SSM_PROXY_PASSWORD)."
                            : "Give the proxy credentials: --proxy http://USER@host:port and SSM_PROXY_PASSWORD.",
                    ExitCodes.PROXY_AUTH);
        }
        if (status == 403) {
            throw new StepFailure("The proxy " + proxy.address() + " refused the tunnel to " + authority + ": "
                    + Redactor.redact(String.valueOf(statusLine)) + ".",
                    "The proxy does not allow CONNECT to this host and port: ask its administrators to allow " + authority
                            + ", or add the host to NO_PROXY if it is reachable directly.", ExitCodes.UNAVAILABLE);
        }
        throw new StepFailure("The proxy " + proxy.address() + " could not open a tunnel to " + authority + ": "
                + Redactor.redact(String.valueOf(statusLine)) + ". The request did not reach SSM On-Prem.",
                "Check that the proxy can reach " + authority + " (its DNS, routing and firewall) and the proxy's logs.",
                ExitCodes.UNAVAILABLE);
    }

    private static int parseStatus(String statusLine) {
        if (statusLine == null) {
            return -1;
        }
        String[] parts = statusLine.split(" ", 3);
        try {
            return parts.length > 1 ? Integer.parseInt(parts[1]) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private String checkTls() throws Exception {
        if (!"https".equals(url.getScheme())) {
            return skip("plain HTTP: no TLS");
        }
        X509TrustManager configured = config.tls().trustManager();
        X509Certificate[][] seen = new X509Certificate[1][];
        CertificateException[] rejected = new CertificateException[1];
        X509TrustManager recording = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                throw new CertificateException("not a server");
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                seen[0] = chain;
                try {
                    configured.checkServerTrusted(chain, authType);
                } catch (CertificateException e) {
                    rejected[0] = e;
                }
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return configured.getAcceptedIssuers();
            }
        };
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {recording}, null);
        String protocol;
        try (SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket, host, port, true)) {
            socket = null;   // now owned by the TLS socket
            tls.startHandshake();
            protocol = tls.getSession().getProtocol();
        } catch (SSLException e) {
            if (seen[0] == null) {
                throw new StepFailure("The TLS handshake failed before a certificate was seen: "
                        + Redactor.redact(String.valueOf(e.getMessage())) + ".",
                        "Check that the URL's port speaks HTTPS (SSM On-Prem: 8443) and that both sides share TLS 1.2 or 1.3.",
                        ExitCodes.TLS);
            }
            protocol = "handshake failed";
        }
        X509Certificate leaf = seen[0][0];
        String subject = leaf.getSubjectX500Principal().getName();
        String issuer = leaf.getIssuerX500Principal().getName();
        Instant notAfter = leaf.getNotAfter().toInstant();
        String facts = "subject " + subject + "; issuer " + issuer + "; valid until " + notAfter;
        if (notAfter.isBefore(Instant.now()) || leaf.getNotBefore().toInstant().isAfter(Instant.now())) {
            throw new StepFailure("The server certificate is outside its validity period (" + facts + ").",
                    "Renew the SSM On-Prem certificate, and check this machine's clock.", ExitCodes.TLS);
        }
        if (rejected[0] != null) {
            throw new StepFailure("The server certificate is not trusted by " + trust() + " (" + facts + ").",
                    "Export the CA that issued it (" + issuer + ") as PEM and pass it with --ca-cert FILE.", ExitCodes.TLS);
        }
        try {
            new DefaultHostnameVerifier().verify(host, leaf);
        } catch (SSLException e) {
            throw new StepFailure("The server certificate does not name '" + host + "' (" + facts + "): "
                    + Redactor.redact(e.getMessage()) + ".",
                    "Use the host name the certificate was issued for, or reissue the certificate with '" + host
                            + "' in its subject alternative names.", ExitCodes.TLS);
        }
        return protocol + "; " + facts + "; host name matches; trusted";
    }

    private void closeSocket() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing a diagnostic socket
            }
        }
    }

    /** Built by the token step, used by the API step, closed at the end. */
    private SsmSyncClient client;

    private String checkToken() throws StepFailure {
        closeSocket();
        OAuthGrant grant = connection.grant(env());
        client = SsmSyncClient.builder().config(config).grant(grant).store(new InMemorySyncStore()).build();
        try {
            AccessToken token = client.tokens().token();
            return "obtained with the " + grant.grantType() + " grant of client ID " + grant.clientId()
                    + "; expires at " + token.expiresAt();
        } catch (GrantNotFoundException e) {
            throw new StepFailure("Grant not found (invalid_client): " + e.detail(), e.remediation(), ExitCodes.GRANT_NOT_FOUND);
        } catch (InvalidCredentialsException e) {
            throw new StepFailure("Credentials refused (invalid_grant): " + e.detail(), e.remediation(), ExitCodes.INVALID_CREDENTIALS);
        } catch (ServerUnavailableException e) {
            throw new StepFailure("SSM backend down: " + e.detail(), e.remediation(), ExitCodes.UNAVAILABLE);
        } catch (SsmException e) {
            throw StepFailure.of(e);
        }
    }

    private String checkApi() {
        List<Account> accounts = client.listAccounts();
        return accounts.size() + " smart account(s) visible: "
                + accounts.stream().map(Account::accountDomain).collect(Collectors.joining(", "));
    }
}
