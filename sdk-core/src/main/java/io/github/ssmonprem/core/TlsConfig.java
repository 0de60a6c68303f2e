package io.github.ssmonprem.core;

import io.github.ssmonprem.core.exception.SsmConfigurationException;
import io.github.ssmonprem.core.internal.IoText;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.Objects;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Which certificate authorities one client trusts. SSM On-Prem usually presents a self-signed or
 * private-CA certificate: give the client that CA as a PEM file (or a {@link KeyStore}) and it trusts
 * that CA for this client only, leaving the JVM's default trust untouched. Host names are always
 * verified.
 *
 * <pre>{@code
 * TlsConfig tls = TlsConfig.trustPemFile(Path.of("/etc/ssm/ca.pem"));
 * }</pre>
 */
public final class TlsConfig {

    private static final TlsConfig SYSTEM = new TlsConfig(null, "system trust store");

    private final KeyStore trustStore;
    private final String description;

    private TlsConfig(KeyStore trustStore, String description) {
        this.trustStore = trustStore;
        this.description = description;
    }

    /**
     * Trusts the JVM's default CAs (the {@code cacerts} of the runtime).
     *
     * @return the system trust configuration
     */
    public static TlsConfig systemDefault() {
        return SYSTEM;
    }

    /**
     * Trusts exactly the CA certificates in a PEM file (one or more {@code BEGIN CERTIFICATE} blocks).
     *
     * @param pemFile the PEM bundle
     * @return the trust configuration
     * @throws SsmConfigurationException when the file cannot be read or holds no certificate
     */
    public static TlsConfig trustPemFile(Path pemFile) {
        Objects.requireNonNull(pemFile, "pemFile");
        byte[] pem;
        try {
            pem = Files.readAllBytes(pemFile);
        } catch (IOException e) {
            throw new SsmConfigurationException("tls.caPem",
                    "cannot read the CA file " + pemFile + " (" + IoText.reason(e) + ")", e);
        }
        return new TlsConfig(keyStoreOf(pem, pemFile.toString()), "CA file " + pemFile);
    }

    /**
     * Trusts exactly the CA certificates in PEM text.
     *
     * @param pem one or more {@code BEGIN CERTIFICATE} blocks
     * @return the trust configuration
     * @throws SsmConfigurationException when the text holds no certificate
     */
    public static TlsConfig trustPem(String pem) {
        Objects.requireNonNull(pem, "pem");
        return new TlsConfig(keyStoreOf(pem.getBytes(StandardCharsets.US_ASCII), "PEM text"), "PEM CA certificates");
    }

    /**
     * Trusts exactly the certificates of a key store.
     *
     * @param trustStore a loaded key store of trusted certificates
     * @return the trust configuration
     */
    public static TlsConfig trustStore(KeyStore trustStore) {
        Objects.requireNonNull(trustStore, "trustStore");
        return new TlsConfig(trustStore, "custom trust store");
    }

    private static KeyStore keyStoreOf(byte[] pem, String source) {
        Collection<? extends Certificate> certs;
        try (InputStream in = new ByteArrayInputStream(pem)) {
            certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (GeneralSecurityException | IOException e) {
            throw new SsmConfigurationException("tls.caPem",
                    source + " is not a PEM certificate bundle: no certificate could be read from it", e);
        }
        if (certs.isEmpty()) {
            throw new SsmConfigurationException("tls.caPem", source + " holds no certificate");
        }
        try {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : certs) {
                ks.setCertificateEntry("ca-" + i++, c);
            }
            return ks;
        } catch (GeneralSecurityException | IOException e) {
            throw new SsmConfigurationException("tls.caPem", "cannot build a trust store from " + source, e);
        }
    }

    /**
     * Creates the trust manager this configuration stands for.
     *
     * @return an X.509 trust manager
     * @throws SsmConfigurationException when the platform offers none
     */
    public X509TrustManager trustManager() {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trustStore);
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509TrustManager) {
                    return (X509TrustManager) tm;
                }
            }
        } catch (GeneralSecurityException e) {
            throw new SsmConfigurationException("tls", "cannot initialise the trust manager", e);
        }
        throw new SsmConfigurationException("tls", "the platform offers no X.509 trust manager");
    }

    /**
     * Whether this is the JVM's default trust.
     *
     * @return true for {@link #systemDefault()}
     */
    public boolean isSystemDefault() {
        return trustStore == null;
    }

    @Override
    public String toString() {
        return "TlsConfig{" + description + "}";
    }
}
