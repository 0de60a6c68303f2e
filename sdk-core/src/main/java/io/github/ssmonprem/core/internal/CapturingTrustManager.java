package io.github.ssmonprem.core.internal;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Delegates trust decisions and, when it rejects a server, throws a {@link RejectedCertificateException}
 * that remembers the certificate, so the SDK's TLS error can name its subject, issuer and expiry.
 */
public final class CapturingTrustManager extends X509ExtendedTrustManager {

    private final X509TrustManager delegate;

    /**
     * Creates the capturing trust manager.
     *
     * @param delegate the trust manager that decides
     */
    public CapturingTrustManager(X509TrustManager delegate) {
        this.delegate = delegate;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        try {
            if (delegate instanceof X509ExtendedTrustManager) {
                ((X509ExtendedTrustManager) delegate).checkServerTrusted(chain, authType, socket);
            } else {
                delegate.checkServerTrusted(chain, authType);
            }
        } catch (CertificateException e) {
            throw RejectedCertificateException.of(chain, e);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        try {
            if (delegate instanceof X509ExtendedTrustManager) {
                ((X509ExtendedTrustManager) delegate).checkServerTrusted(chain, authType, engine);
            } else {
                delegate.checkServerTrusted(chain, authType);
            }
        } catch (CertificateException e) {
            throw RejectedCertificateException.of(chain, e);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        try {
            delegate.checkServerTrusted(chain, authType);
        } catch (CertificateException e) {
            throw RejectedCertificateException.of(chain, e);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("this client does not accept client connections");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("this client does not accept client connections");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("this client does not accept client connections");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return delegate.getAcceptedIssuers();
    }

    /** A rejected server certificate, with what the SDK's error message needs. */
    public static final class RejectedCertificateException extends CertificateException {

        private static final long serialVersionUID = 1L;

        private final String subject;
        private final String issuer;
        private final Instant notAfter;
        private final boolean expired;

        private RejectedCertificateException(String subject, String issuer, Instant notAfter, boolean expired,
                CertificateException cause) {
            super("server certificate rejected: subject=" + subject + ", issuer=" + issuer, cause);
            this.subject = subject;
            this.issuer = issuer;
            this.notAfter = notAfter;
            this.expired = expired;
        }

        static RejectedCertificateException of(X509Certificate[] chain, CertificateException cause) {
            boolean expired = false;
            for (Throwable t = cause; t != null; t = t.getCause()) {
                if (t instanceof CertificateExpiredException || t instanceof CertificateNotYetValidException) {
                    expired = true;
                }
            }
            if (chain == null || chain.length == 0) {
                return new RejectedCertificateException(null, null, null, expired, cause);
            }
            X509Certificate leaf = chain[0];
            expired |= leaf.getNotAfter().toInstant().isBefore(Instant.now())
                    || leaf.getNotBefore().toInstant().isAfter(Instant.now());
            return new RejectedCertificateException(leaf.getSubjectX500Principal().getName(),
                    leaf.getIssuerX500Principal().getName(), leaf.getNotAfter().toInstant(), expired, cause);
        }

        /** {@return the server certificate's subject} */
        public String subject() {
            return subject;
        }

        /** {@return the server certificate's issuer} */
        public String issuer() {
            return issuer;
        }

        /** {@return the end of the server certificate's validity} */
        public Instant notAfter() {
            return notAfter;
        }

        /** {@return whether the rejection was for validity dates} */
        public boolean expired() {
            return expired;
        }
    }
}
