package io.github.ssmonprem.core.internal.pipeline;

import io.github.ssmonprem.core.http.SsmResponse;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpVersion;
import org.apache.hc.core5.http.io.HttpClientResponseHandler;

/**
 * Reads an answer in full, within {@code maxResponseBytes}. A connection lost while the body is read
 * is a {@link CutShort}; a body that is too large an {@link UnusableBody}; both carry the status.
 */
final class ResponseReader implements HttpClientResponseHandler<SsmResponse> {

    private static final byte[] NO_BODY = new byte[0];

    private final long cap;

    ResponseReader(long maxResponseBytes) {
        this.cap = maxResponseBytes;
    }

    @Override
    public SsmResponse handleResponse(ClassicHttpResponse response) throws IOException {
        int status = response.getCode();
        TreeMap<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (Header h : response.getHeaders()) {
            headers.computeIfAbsent(h.getName(), k -> new ArrayList<>(1)).add(h.getValue());
        }
        HttpEntity entity = response.getEntity();
        byte[] body = NO_BODY;
        if (entity != null) {
            long length = entity.getContentLength();
            if (length > cap) {
                throw new UnusableBody(status, "the answer's body of " + length + " bytes exceeds maxResponseBytes (" + cap + ")");
            }
            try (InputStream in = entity.getContent()) {
                body = length >= 0 ? readKnownLength(in, (int) length, status) : readUpToCap(in, status);
            } catch (UnusableBody | CutShort e) {
                throw e;
            } catch (IOException e) {
                throw new CutShort(status, e);
            }
            if (body.length == 0 && length < 0 && !entity.isChunked() && status != 204 && status != 304
                    && response.getVersion() != null && response.getVersion().greaterEquals(HttpVersion.HTTP_1_1)) {
                // An HTTP/1.1 head with neither Content-Length nor chunking, then the end of the stream:
                // HttpClient accepts a head cut mid-way like this, so it is caught here.
                throw new CutShort(status, new EOFException("the connection ended before the answer's headers were complete"));
            }
        }
        return new SsmResponse(status, headers, body);
    }

    private static byte[] readKnownLength(InputStream in, int length, int status) throws IOException {
        byte[] body = in.readNBytes(length);
        if (body.length < length) {
            throw new CutShort(status, new EOFException(body.length + " of " + length + " bytes"));
        }
        return body;
    }

    private byte[] readUpToCap(InputStream in, int status) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        byte[] buffer = new byte[8192];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) != -1) {
            total += n;
            if (total > cap) {
                throw new UnusableBody(status, "the answer's body exceeds maxResponseBytes (" + cap + ")");
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    /** The connection was lost while the body was read. */
    static final class CutShort extends IOException {
        private static final long serialVersionUID = 1L;
        final int status;

        CutShort(int status, IOException cause) {
            super("cut short", cause);
            this.status = status;
        }
    }

    /** The body cannot be used (too large). */
    static final class UnusableBody extends IOException {
        private static final long serialVersionUID = 1L;
        final int status;

        UnusableBody(int status, String message) {
            super(message);
            this.status = status;
        }

        String remediation() {
            return "Lower the page size of the call, or raise maxResponseBytes if the server really sends answers this large.";
        }
    }
}
