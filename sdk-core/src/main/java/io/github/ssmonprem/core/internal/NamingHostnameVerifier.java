package io.github.ssmonprem.core.internal;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.apache.hc.client5.http.ssl.DefaultHostnameVerifier;
import org.apache.hc.client5.http.ssl.HttpClientHostnameVerifier;

/**
 * HttpClient's host name verification, whose failure names the certificate: its subject and the
 * names it holds ({@link Mismatch}), so the error can say which host names would work.
 */
public final class NamingHostnameVerifier implements HttpClientHostnameVerifier {

    private final DefaultHostnameVerifier delegate = new DefaultHostnameVerifier();

    @Override
    public void verify(String host, X509Certificate cert) throws SSLException {
        try {
            delegate.verify(host, cert);
        } catch (SSLPeerUnverifiedException e) {
            Mismatch mismatch = new Mismatch(host, cert.getSubjectX500Principal().getName(), names(cert));
            mismatch.initCause(e);
            throw mismatch;
        }
    }

    @Override
    public boolean verify(String host, SSLSession session) {
        return delegate.verify(host, session);
    }

    private static List<String> names(X509Certificate cert) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> alternatives = cert.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> entry : alternatives) {
                    if (entry.size() >= 2 && entry.get(1) instanceof String) {
                        names.add((String) entry.get(1));
                    }
                }
            }
        } catch (CertificateParsingException unreadable) {
            // the subject alone is named
        }
        return names;
    }

    /** The certificate does not name the host: its subject and names, for the error message. */
    public static final class Mismatch extends SSLPeerUnverifiedException {
        private static final long serialVersionUID = 1L;
        private final String host;
        private final String subject;
        private final List<String> names;

        Mismatch(String host, String subject, List<String> names) {
            super("certificate for <" + host + "> does not match: subject " + subject + ", names " + names);
            this.host = host;
            this.subject = subject;
            this.names = List.copyOf(names);
        }

        /** {@return the host the client connected to} */
        public String host() {
            return host;
        }

        /**
         * Returns the certificate's subject.
         *
         * @return the subject distinguished name
         */
        public String subject() {
            return subject;
        }

        /**
         * Returns the certificate's subject alternative names (DNS names and IP addresses).
         *
         * @return the names, possibly empty
         */
        public List<String> names() {
            return names;
        }
    }
}
