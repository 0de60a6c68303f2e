package io.github.ssmonprem.core.internal;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLSocket;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * Bounds the TLS handshake as a whole by {@code connectTimeout}. The handshake's own timeout is a
 * socket read timeout, reset by every byte: a server (or middlebox) that drips the handshake one byte
 * at a time would hold it for as long as it likes. Here a timer closes the socket when the handshake
 * has not completed in time, and the failure becomes a {@link HandshakeTimeout}.
 */
public final class BoundedHandshakeStrategy implements TlsSocketStrategy {

    private final TlsSocketStrategy delegate;
    private final ScheduledExecutorService timers;
    private final long limitNanos;

    /**
     * Creates the strategy.
     *
     * @param delegate the strategy that does the handshake and verifies the server
     * @param timers where the timer runs (the transport's attempt timers)
     * @param limit the longest a handshake may take, as a whole
     */
    public BoundedHandshakeStrategy(TlsSocketStrategy delegate, ScheduledExecutorService timers, Duration limit) {
        this.delegate = delegate;
        this.timers = timers;
        this.limitNanos = limit.toNanos();
    }

    @Override
    public SSLSocket upgrade(Socket socket, String target, int port, Object attachment, HttpContext context) throws IOException {
        AtomicBoolean fired = new AtomicBoolean();
        ScheduledFuture<?> timer = timers.schedule(() -> {
            fired.set(true);
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing is all that is wanted
            }
        }, limitNanos, TimeUnit.NANOSECONDS);
        try {
            return delegate.upgrade(socket, target, port, attachment, context);
        } catch (IOException e) {
            if (fired.get()) {
                HandshakeTimeout timeout = new HandshakeTimeout(Duration.ofNanos(limitNanos));
                timeout.initCause(e);
                throw timeout;
            }
            throw e;
        } finally {
            timer.cancel(false);
        }
    }

    /** The handshake did not complete within its limit. */
    public static final class HandshakeTimeout extends SocketTimeoutException {
        /** How its message starts (HttpClient may quote the message rather than chain the exception). */
        public static final String TEXT = "the TLS handshake did not complete within";
        private static final long serialVersionUID = 1L;

        HandshakeTimeout(Duration limit) {
            super(TEXT + " " + limit.toMillis() + " ms");
        }
    }
}
