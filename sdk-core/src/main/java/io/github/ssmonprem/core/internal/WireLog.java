package io.github.ssmonprem.core.internal;

import java.util.Locale;
import java.util.Set;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpMessage;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpRequestInterceptor;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.HttpResponseInterceptor;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SDK's wire log: every request and response line with all their headers, as HttpClient sends
 * and receives them, on the logger {@value #LOGGER} at DEBUG. Credentials are masked
 * ({@code Authorization}, {@code Proxy-Authorization}, {@code Cookie}, {@code Set-Cookie}), every other
 * value goes through the {@link Redactor}; bodies are never logged. A request interceptor added last and a
 * response interceptor added first, HttpClient's public hooks, so it sees each attempt's final headers.
 * HttpClient's own {@code org.apache.hc.client5.http.headers} and {@code .wire} loggers get nothing from
 * the SDK's connections ({@link QuietConnectionFactory}).
 */
public final class WireLog implements HttpRequestInterceptor, HttpResponseInterceptor {

    /** The logger's name. */
    public static final String LOGGER = "io.github.ssmonprem.core.http.wire";

    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);
    private static final Set<String> MASKED = Set.of("authorization", "proxy-authorization", "cookie", "set-cookie");

    @Override
    public void process(HttpRequest request, EntityDetails entity, HttpContext context) {
        if (LOG.isDebugEnabled()) {
            LOG.debug(">> {} {}{}", request.getMethod(), Redactor.redact(request.getRequestUri()), headers(request, " >> "));
        }
    }

    @Override
    public void process(HttpResponse response, EntityDetails entity, HttpContext context) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("<< {} {}{}", response.getCode(), response.getReasonPhrase(), headers(response, " << "));
        }
    }

    private static String headers(HttpMessage message, String direction) {
        StringBuilder out = new StringBuilder();
        for (Header header : message.getHeaders()) {
            out.append(System.lineSeparator()).append(direction).append(header.getName()).append(": ")
                    .append(MASKED.contains(header.getName().toLowerCase(Locale.ROOT)) ? Redactor.MASK
                            : Redactor.redact(header.getValue()));
        }
        return out.toString();
    }
}
