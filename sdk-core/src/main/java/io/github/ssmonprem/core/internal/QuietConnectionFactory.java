package io.github.ssmonprem.core.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import org.apache.hc.client5.http.io.ManagedHttpClientConnection;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.EndpointDetails;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.ProtocolVersion;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.impl.io.DefaultBHttpClientConnection;
import org.apache.hc.core5.http.io.HttpConnectionFactory;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.Identifiable;
import org.apache.hc.core5.util.Timeout;

/**
 * Connections that never write headers or bodies to HttpClient's {@code org.apache.hc.client5.http.headers}
 * and {@code org.apache.hc.client5.http.wire} loggers. Those loggers print {@code Authorization},
 * {@code Proxy-Authorization} and the token call's form body (client secret, password) verbatim when
 * an application turns DEBUG on; the SDK logs its own redacted lines instead ({@link WireLog}).
 *
 * <p>Built by composition, on HttpClient's public connection-factory hook
 * ({@code PoolingHttpClientConnectionManagerBuilder.setConnectionFactory}): each connection wraps
 * HttpCore's public {@link DefaultBHttpClientConnection}, which logs nothing. It extends no HttpClient
 * class (HttpClient's own connection class is final before 5.6 and internal after), so it runs on
 * every HttpClient from 5.4, the versions Spring Boot 3.5 and 4.0 manage included.
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

    /** One connection: HttpCore's connection, plus what HttpClient's pool needs (idle mode, the socket). */
    static final class QuietConnection implements ManagedHttpClientConnection, Identifiable {

        private final String id;
        private final DefaultBHttpClientConnection conn = new DefaultBHttpClientConnection(Http1Config.DEFAULT);
        private final AtomicBoolean closed = new AtomicBoolean();
        private volatile Socket socket;
        private volatile Timeout socketTimeout;

        QuietConnection(String id) {
            this.id = id;
        }

        @Override
        public String getId() {
            return id;
        }

        @Override
        public void bind(Socket socket) throws IOException {
            refuseWhenClosed(socket);
            conn.bind(socket);
            bound(socket);
        }

        @Override
        public void bind(SSLSocket sslSocket, Socket socket) throws IOException {
            refuseWhenClosed(sslSocket);
            conn.bind(sslSocket, socket);
            bound(sslSocket);
        }

        /** A connection closed while it was connecting (pool shut down, request cancelled) takes no socket. */
        private void refuseWhenClosed(Socket socket) throws IOException {
            if (closed.get()) {
                socket.close();
                throw new InterruptedIOException("Connection already shut down");
            }
        }

        private void bound(Socket socket) throws IOException {
            this.socket = socket;
            this.socketTimeout = Timeout.ofMilliseconds(socket.getSoTimeout());
        }

        @Override
        public Socket getSocket() {
            return socket;
        }

        @Override
        public SSLSession getSSLSession() {
            return conn.getSSLSession();
        }

        @Override
        public void passivate() {
            conn.setSocketTimeout(Timeout.ZERO_MILLISECONDS);
        }

        @Override
        public void activate() {
            conn.setSocketTimeout(socketTimeout);
        }

        @Override
        public void setSocketTimeout(Timeout timeout) {
            conn.setSocketTimeout(timeout);
            socketTimeout = timeout;
        }

        @Override
        public Timeout getSocketTimeout() {
            return conn.getSocketTimeout();
        }

        @Override
        public void close() throws IOException {
            if (closed.compareAndSet(false, true)) {
                conn.close();
            }
        }

        @Override
        public void close(CloseMode closeMode) {
            if (closed.compareAndSet(false, true)) {
                conn.close(closeMode);
            }
        }

        @Override
        public boolean isOpen() {
            return !closed.get() && conn.isOpen();
        }

        @Override
        public boolean isConsistent() {
            return conn.isConsistent();
        }

        @Override
        public void sendRequestHeader(ClassicHttpRequest request) throws HttpException, IOException {
            conn.sendRequestHeader(request);
        }

        @Override
        public void terminateRequest(ClassicHttpRequest request) throws HttpException, IOException {
            conn.terminateRequest(request);
        }

        @Override
        public void sendRequestEntity(ClassicHttpRequest request) throws HttpException, IOException {
            conn.sendRequestEntity(request);
        }

        @Override
        public ClassicHttpResponse receiveResponseHeader() throws HttpException, IOException {
            return conn.receiveResponseHeader();
        }

        @Override
        public void receiveResponseEntity(ClassicHttpResponse response) throws HttpException, IOException {
            conn.receiveResponseEntity(response);
        }

        @Override
        public boolean isDataAvailable(Timeout timeout) throws IOException {
            return conn.isDataAvailable(timeout);
        }

        @Override
        public boolean isStale() throws IOException {
            return conn.isStale();
        }

        @Override
        public void flush() throws IOException {
            conn.flush();
        }

        @Override
        public EndpointDetails getEndpointDetails() {
            return conn.getEndpointDetails();
        }

        @Override
        public SocketAddress getLocalAddress() {
            return conn.getLocalAddress();
        }

        @Override
        public SocketAddress getRemoteAddress() {
            return conn.getRemoteAddress();
        }

        @Override
        public ProtocolVersion getProtocolVersion() {
            return conn.getProtocolVersion();
        }

        @Override
        public String toString() {
            return id;
        }
    }
}
