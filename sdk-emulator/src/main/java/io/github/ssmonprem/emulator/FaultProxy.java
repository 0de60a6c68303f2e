package io.github.ssmonprem.emulator;

import io.github.ssmonprem.core.internal.DaemonThreads;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback-only TCP proxy that injects transport faults between a client and a server, to test how
 * an integration behaves when the network misbehaves: connections reset, a TLS handshake that never
 * completes or is dripped one byte at a time, an answer withheld after some bytes, an answer dripped
 * one byte at a time, or cut after some bytes. Point the SDK's base URL at {@link #port()} instead of the server's port.
 *
 * <pre>{@code
 * try (FaultProxy cut = FaultProxy.to(server.getPort()).cutAnswerAfter(200).start()) {
 *     SsmClientConfig config = SsmClientConfig.builder().baseUrl("http://127.0.0.1:" + cut.port())
 *         .allowPlainHttp(true).noProxy().build();
 *     ...
 * }
 * }</pre>
 *
 * <p>Faults apply to the answer (server to client); the request is always forwarded as sent. With
 * {@link #onlyEvery(int)}, only some connections are faulted and the others pass, for tests of retries.
 * Each connection uses two daemon threads; the proxy is for tests, not for production traffic.
 */
public final class FaultProxy implements AutoCloseable {

    /** What the proxy does to a faulted connection. */
    public enum Mode {
        /** Forward both ways unchanged. */
        PASS,
        /** Reset the connection (TCP RST) as soon as it is accepted. */
        RESET,
        /** Accept the connection and read the request, never answer: a TLS handshake that does not complete. */
        STALL,
        /** Forward the first {@code bytes} of the answer, then hold the connection open sending nothing. */
        WITHHOLD_AFTER,
        /** Forward the answer one byte per {@code interval}; on a TLS server that includes the handshake. */
        DRIP,
        /** Forward the first {@code bytes} of the answer (the server's TLS handshake) one byte per {@code interval}, then the rest as is. */
        DRIP_HANDSHAKE,
        /** Forward the first {@code bytes} of the answer, then close the connection. */
        CUT_AFTER
    }

    private final int targetPort;
    private Mode mode = Mode.PASS;
    private long bytes;
    private Duration interval = Duration.ofMillis(50);
    private int every = 1;
    private ServerSocket server;
    private final AtomicInteger connections = new AtomicInteger();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    private FaultProxy(int targetPort) {
        this.targetPort = targetPort;
    }

    /**
     * Creates a proxy to a server on the loopback address; configure a fault, then {@link #start()} it.
     *
     * @param targetPort the server's port on 127.0.0.1
     * @return the proxy, not started, forwarding unchanged
     */
    public static FaultProxy to(int targetPort) {
        return new FaultProxy(targetPort);
    }

    /**
     * Resets each faulted connection as soon as it is accepted.
     *
     * @return this proxy
     */
    public FaultProxy reset() {
        this.mode = Mode.RESET;
        return this;
    }

    /**
     * Accepts each faulted connection and never answers, so a TLS handshake never completes.
     *
     * @return this proxy
     */
    public FaultProxy stallBeforeTls() {
        this.mode = Mode.STALL;
        return this;
    }

    /**
     * Forwards the first bytes of each faulted answer, then sends nothing more while keeping the connection open.
     *
     * @param n how many bytes of the answer get through
     * @return this proxy
     */
    public FaultProxy withholdAnswerAfter(long n) {
        this.mode = Mode.WITHHOLD_AFTER;
        this.bytes = n;
        return this;
    }

    /**
     * Forwards each faulted answer one byte at a time.
     *
     * @param perByte the pause before each byte
     * @return this proxy
     */
    public FaultProxy drip(Duration perByte) {
        this.mode = Mode.DRIP;
        this.interval = perByte;
        return this;
    }

    /**
     * Drips the server's side of a TLS handshake: the first 8 KiB of each faulted answer (certificates
     * and all) one byte at a time, then the rest unchanged. Each byte resets a socket read timeout, so a
     * client bounded only by its socket timeout is held for minutes; the SDK ends the handshake at
     * {@code connectTimeout}.
     *
     * @param perByte the pause before each byte of the handshake
     * @return this proxy
     */
    public FaultProxy dripHandshake(Duration perByte) {
        this.mode = Mode.DRIP_HANDSHAKE;
        this.interval = perByte;
        this.bytes = 8192;
        return this;
    }

    /**
     * Forwards the first bytes of each faulted answer, then closes the connection.
     *
     * @param n how many bytes of the answer get through (0 cuts before the first byte)
     * @return this proxy
     */
    public FaultProxy cutAnswerAfter(long n) {
        this.mode = Mode.CUT_AFTER;
        this.bytes = n;
        return this;
    }

    /**
     * Faults only the first connection and every k-th one after it (1, 1+k, 1+2k, ...); the others pass.
     *
     * @param k the period, at least 1 (1 faults every connection, the default)
     * @return this proxy
     */
    public FaultProxy onlyEvery(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, was " + k);
        }
        this.every = k;
        return this;
    }

    /**
     * Starts listening on an ephemeral port of the loopback address.
     *
     * @return this proxy
     * @throws IOException when the port cannot be opened
     */
    public FaultProxy start() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        DaemonThreads.start("fault-proxy-accept", this::acceptLoop);
        return this;
    }

    /**
     * The port to point the client at.
     *
     * @return the listening port on 127.0.0.1
     */
    public int port() {
        return server.getLocalPort();
    }

    /**
     * How many connections were accepted so far.
     *
     * @return the count
     */
    public int connections() {
        return connections.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException closed) {
                return;
            }
            int n = connections.incrementAndGet();
            Mode applied = (n - 1) % every == 0 ? mode : Mode.PASS;
            open.add(client);
            DaemonThreads.start("fault-proxy-" + n, () -> serve(client, applied));
        }
    }

    private void serve(Socket client, Mode applied) {
        try {
            if (applied == Mode.RESET) {
                client.setSoLinger(true, 0);
                client.close();
                return;
            }
            if (applied == Mode.STALL) {
                drain(client.getInputStream());
                return;
            }
            Socket target = new Socket();
            open.add(target);
            target.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5_000);
            Thread up = DaemonThreads.start("fault-proxy-request", () -> pipe(client, target));
            answer(target.getInputStream(), client.getOutputStream(), applied);
            if (applied == Mode.WITHHOLD_AFTER) {
                up.join();   // hold the connection until the client gives up
            }
            close(client);
            close(target);
        } catch (IOException | InterruptedException e) {
            close(client);
        }
    }

    private void answer(InputStream in, OutputStream out, Mode applied) throws IOException, InterruptedException {
        long sent = 0;
        byte[] buffer = new byte[8192];
        while (true) {
            int max = buffer.length;
            boolean dripping = applied == Mode.DRIP || applied == Mode.DRIP_HANDSHAKE && sent < bytes;
            if (dripping) {
                max = 1;
            } else if (applied == Mode.CUT_AFTER || applied == Mode.WITHHOLD_AFTER) {
                if (sent >= bytes) {
                    return;
                }
                max = (int) Math.min(buffer.length, bytes - sent);
            }
            int n = in.read(buffer, 0, max);
            if (n < 0) {
                return;
            }
            if (dripping) {
                Thread.sleep(interval.toMillis());
            }
            out.write(buffer, 0, n);
            out.flush();
            sent += n;
        }
    }

    private void pipe(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
        } catch (IOException e) {
            // either side went away
        }
        close(to);
    }

    private static void drain(InputStream in) throws IOException {
        byte[] sink = new byte[4096];
        while (in.read(sink) >= 0) {
            // discard until the client gives up
        }
    }

    private void close(Socket s) {
        open.remove(s);
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    /** Stops listening and closes every connection. */
    @Override
    public void close() throws IOException {
        if (server != null) {
            server.close();
        }
        for (Socket s : open) {
            close(s);
        }
    }

    @Override
    public String toString() {
        return "FaultProxy{" + mode + (every > 1 ? " every " + every : "") + " -> 127.0.0.1:" + targetPort + "}";
    }
}
