package io.github.ssmonprem.core.internal.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ssmonprem.core.exception.SsmException;
import io.github.ssmonprem.core.http.ErrorResponse;
import io.github.ssmonprem.core.internal.SsmJson;
import io.github.ssmonprem.core.http.SsmResponse;
import io.github.ssmonprem.core.internal.ErrorMapper;
import java.io.IOException;

/**
 * Turns an answer that is not 2xx into a typed exception: a proxy refusing {@code CONNECT} is the
 * proxy's failure, never the server's; the statuses that mean the same on every route (407, 429,
 * 502/503/504, 3xx) are classified by status alone; otherwise the request's own
 * {@link io.github.ssmonprem.core.http.ErrorDecoder} (OAuth errors) has the first say and the SDK's
 * status rules the last.
 */
public final class ErrorDecodingStep implements Step {

    private final ErrorMapper errors;
    private final Route route;

    /**
     * Creates the step.
     *
     * @param errors the SDK's status rules
     * @param route where requests go
     */
    public ErrorDecodingStep(ErrorMapper errors, Route route) {
        this.errors = errors;
        this.route = route;
    }

    @Override
    public SsmResponse proceed(Exchange exchange, Chain next) {
        SsmResponse response = next.proceed(exchange);
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return response;
        }
        if (route.tunnelled() && !exchange.targetReached()) {
            throw ConnectRefusal.map(route.proxy(), response, exchange.target(), route.hostPort());
        }
        ErrorResponse error = new ErrorResponse(exchange.request().operation(), exchange.target(), response, jsonObject(response.body()));
        if (!classifiedByStatus(status) && exchange.request().errorDecoder() != null) {
            SsmException decoded = exchange.request().errorDecoder().decode(error);
            if (decoded != null) {
                throw decoded;
            }
        }
        throw errors.fromStatus(error, route.proxied());
    }

    /**
     * The statuses whose meaning does not depend on the body or the route: a proxy's 407, throttling
     * (429, also on the token route with an OAuth-style body), a backend that is down (502/503/504) and a
     * redirect. A route's decoder never sees them.
     */
    static boolean classifiedByStatus(int status) {
        return status == 407 || status == 429 || status == 502 || status == 503 || status == 504 || status >= 300 && status < 400;
    }

    private static JsonNode jsonObject(byte[] body) {
        if (body.length == 0 || !looksLikeJson(body)) {
            return null;
        }
        try {
            JsonNode node = SsmJson.mapper().readTree(body);
            return node != null && node.isObject() ? node : null;
        } catch (IOException notJson) {
            return null;
        }
    }

    private static boolean looksLikeJson(byte[] body) {
        for (byte b : body) {
            if (!Character.isWhitespace(b)) {
                return b == '{';
            }
        }
        return false;
    }
}
