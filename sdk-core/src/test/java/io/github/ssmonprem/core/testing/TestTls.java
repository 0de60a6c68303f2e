package io.github.ssmonprem.core.testing;

import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;

/**
 * A private CA generated for the test run, and server certificates it issues.
 */
public final class TestTls {

    private final HeldCertificate ca;

    private TestTls(HeldCertificate ca) {
        this.ca = ca;
    }

    /** @return a new private CA, as SSM On-Prem deployments use */
    public static TestTls newPrivateCa() {
        return new TestTls(new HeldCertificate.Builder()
                .certificateAuthority(0)
                .commonName("SSM Test Private CA")
                .organizationalUnit("sdk-tests")
                .build());
    }

    /** @return the CA certificate as PEM, as an operator would export it */
    public String caPem() {
        return ca.certificatePem();
    }

    /**
     * Server-side TLS material for a certificate naming the given hosts.
     *
     * @param hostNames the subject alternative names
     * @return what a server presents
     */
    public HandshakeCertificates serverFor(String... hostNames) {
        HeldCertificate.Builder builder = new HeldCertificate.Builder()
                .commonName(hostNames[0])
                .signedBy(ca);
        for (String h : hostNames) {
            builder.addSubjectAlternativeName(h);
        }
        HeldCertificate server = builder.build();
        return new HandshakeCertificates.Builder().heldCertificate(server, ca.certificate()).build();
    }
}
