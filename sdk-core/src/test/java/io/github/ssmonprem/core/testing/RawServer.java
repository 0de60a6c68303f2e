package io.github.ssmonprem.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A loopback TCP server that reads a request head and answers every connection with the same raw
 * bytes, then closes it: for answers no HTTP server library would send (a body cut short, a non-HTTP
 * reply).
 */
public final class RawServer implements AutoCloseable {

    private final ServerSocket socket;
    private final Thread thread;

    /**
     * @param answer the bytes written to each connection before closing it
     * @throws IOException when the port cannot be opened
     */
    public RawServer(String answer) throws IOException {
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        byte[] bytes = answer.getBytes(StandardCharsets.ISO_8859_1);
        this.thread = new Thread(() -> {
            while (!socket.isClosed()) {
                try (Socket s = socket.accept()) {
                    readHead(s.getInputStream());
                    OutputStream out = s.getOutputStream();
                    out.write(bytes);
                    out.flush();
                } catch (IOException e) {
                    // closed, or the client went away: serve the next one
                }
            }
        }, "raw-server");
        thread.setDaemon(true);
        thread.start();
    }

    private static void readHead(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        int b;
        while ((b = in.read()) != -1) {
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == 4) {
                return;
            }
        }
    }

    /** @return the port on 127.0.0.1 */
    public int port() {
        return socket.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
