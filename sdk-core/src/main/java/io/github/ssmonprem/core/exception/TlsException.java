package io.github.ssmonprem.core.exception;

import java.time.Instant;

/**
 * The TLS handshake failed: the server's certificate is not trusted, has expired, or does not match
 * the host name. Not retryable; the message names the certificate and the fix.
 */
public class TlsException extends SsmClientException {

    private static final long serialVersionUID = 1L;

    /** What the handshake objected to. */
    public enum Reason {
        /** No configured or system CA vouches for the server's certificate. */
        UNTRUSTED_CERTIFICATE,
        /** The certificate is outside its validity period. */
        EXPIRED_CERTIFICATE,
        /** The certificate does not name the host the client connected to. */
        HOSTNAME_MISMATCH,
        /** Any other handshake failure (protocol or cipher mismatch). */
        HANDSHAKE_FAILED
    }

    /** Why the handshake failed. */
    private final Reason reason;
    /** The server certificate's subject, or null. */
    private final String subject;
    /** The server certificate's issuer, or null. */
    private final String issuer;
    /** The server certificate's expiry, or null. */
    private final Instant notAfter;

    /**
     * Creates the exception.
     *
     * @param reason what the handshake objected to
     * @param detail what went wrong
     * @param remediation what to do about it
     * @param subject the server certificate's subject, or null when unknown
     * @param issuer the server certificate's issuer, or null when unknown
     * @param notAfter the end of the certificate's validity, or null when unknown
     * @param cause the underlying cause
     */
    public TlsException(Reason reason, String detail, String remediation, String subject, String issuer,
            Instant notAfter, Throwable cause) {
        super(detail, remediation, false, cause);
        this.reason = reason;
        if (reason == Reason.UNTRUSTED_CERTIFICATE) {
            recordSetting("tls");      // trust the server's CA
        }
        this.subject = subject;
        this.issuer = issuer;
        this.notAfter = notAfter;
    }

    /**
     * What the handshake objected to.
     *
     * @return the reason
     */
    public Reason reason() {
        return reason;
    }

    /**
     * The server certificate's subject distinguished name.
     *
     * @return the subject, or null when the handshake failed before the certificate was seen
     */
    public String subject() {
        return subject;
    }

    /**
     * The server certificate's issuer distinguished name.
     *
     * @return the issuer, or null when unknown
     */
    public String issuer() {
        return issuer;
    }

    /**
     * The end of the server certificate's validity.
     *
     * @return the instant, or null when unknown
     */
    public Instant notAfter() {
        return notAfter;
    }

    /**
     * Returns {@link FailureKind#TLS_ERROR}.
     *
     * @return the kind
     */
    @Override
    public FailureKind kind() {
        return FailureKind.TLS_ERROR;
    }
}
