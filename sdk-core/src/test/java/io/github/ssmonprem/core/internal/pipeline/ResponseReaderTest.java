package io.github.ssmonprem.core.internal.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.InputStreamEntity;
import org.apache.hc.core5.http.message.BasicClassicHttpResponse;
import org.junit.jupiter.api.Test;

class ResponseReaderTest {

    private static BasicClassicHttpResponse response(int status, InputStream body, long length) {
        BasicClassicHttpResponse response = new BasicClassicHttpResponse(status);
        response.addHeader("X-Request-Id", "r-1");
        response.setEntity(new InputStreamEntity(body, length, ContentType.APPLICATION_JSON));
        return response;
    }

    private static InputStream resetAfter(String prefix) {
        InputStream reset = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new SocketException("Connection reset");
            }
        };
        return new SequenceInputStream(new ByteArrayInputStream(prefix.getBytes(StandardCharsets.UTF_8)), reset);
    }

    @Test
    void readsTheWholeBodyAndTheHeaders() throws IOException {
        byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
        var read = new ResponseReader(1024).handleResponse(response(200, new ByteArrayInputStream(body), body.length));
        assertEquals(200, read.statusCode());
        assertArrayEquals(body, read.body());
        assertEquals("r-1", read.header("x-request-id").orElseThrow());
    }

    @Test
    void aConnectionResetMidBodyIsCutShortWithTheStatus() {
        ResponseReader.CutShort e = assertThrows(ResponseReader.CutShort.class,
                () -> new ResponseReader(1024).handleResponse(response(200, resetAfter("{\"licen"), -1)));
        assertEquals(200, e.status);
        assertEquals(SocketException.class, e.getCause().getClass());
    }

    @Test
    void aBodyShorterThanItsContentLengthIsCutShort() {
        ResponseReader.CutShort e = assertThrows(ResponseReader.CutShort.class, () -> new ResponseReader(1024)
                .handleResponse(response(502, new ByteArrayInputStream("abc".getBytes(StandardCharsets.UTF_8)), 10)));
        assertEquals(502, e.status);
    }

    @Test
    void aBodyOverTheCapIsUnusableWhetherOrNotItsLengthIsAnnounced() {
        byte[] big = new byte[2048];
        assertEquals(200, assertThrows(ResponseReader.UnusableBody.class,
                () -> new ResponseReader(1024).handleResponse(response(200, new ByteArrayInputStream(big), big.length))).status);
        assertThrows(ResponseReader.UnusableBody.class,
                () -> new ResponseReader(1024).handleResponse(response(200, new ByteArrayInputStream(big), -1)));
    }
}
