package io.github.ssmonprem.core.internal;

import java.io.IOException;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLSocket;
import org.apache.hc.client5.http.impl.io.DefaultManagedHttpClientConnection;
import org.apache.hc.client5.http.io.ManagedHttpClientConnection;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.impl.io.SocketHolder;
import org.apache.hc.core5.http.io.HttpConnectionFactory;

/**
 * Connections that never write headers or bodies to HttpClient's {@code org.apache.hc.client5.http.headers}
 * and {@code org.apache.hc.client5.http.wire} loggers. Those loggers print {@code Authorization},
 * {@code Proxy-Authorization} and the token call's form body (client secret, password) verbatim when
 * an application turns DEBUG on; the SDK logs its own redacted line per attempt instead.
 */
public final class QuietConnectionFactory implements HttpConnectionFactory<ManagedHttpClientConnection> {

    private static final AtomicLong COUNTER = new AtomicLong();

    @Override
    public ManagedHttpClientConnection createConnection(Socket socket) throws IOException {
        QuietConnection conn = new QuietConnection("ssm-conn-" + COUNTER.getAndIncrement());
        if (socket != null) {
            conn.bind(socket);
        }
        return conn;
    }

    private static final class QuietConnection extends DefaultManagedHttpClientConnection {

        QuietConnection(String id) {
            super(id);
        }

        @Override
        public void bind(Socket socket) throws IOException {
            bind(new SocketHolder(socket));
        }

        @Override
        public void bind(SSLSocket sslSocket, Socket socket) throws IOException {
            bind(new SocketHolder(sslSocket, socket));
        }

        @Override
        protected void onRequestSubmitted(ClassicHttpRequest request) {
            // Deliberately silent: see the class comment.
        }

        @Override
        protected void onResponseReceived(ClassicHttpResponse response) {
            // Deliberately silent: see the class comment.
        }
    }
}
