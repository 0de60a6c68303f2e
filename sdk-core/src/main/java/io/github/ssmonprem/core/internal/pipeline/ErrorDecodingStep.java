package io.github.ssmonprem.core.internal.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.ssmonprem.core.exception.SsmException;
import io.github.ssmonprem.core.http.ErrorResponse;
import io.github.ssmonprem.core.http.SsmJson;
import io.github.ssmonprem.core.http.SsmResponse;
import io.github.ssmonprem.core.internal.ErrorMapper;
import java.io.IOException;

/**
 * Turns an answer that is not 2xx into a typed exception: a proxy refusing {@code CONNECT} is the
 * proxy's failure, never the server's; otherwise the request's own {@link io.github.ssmonprem.core.http.ErrorDecoder}
 * (OAuth errors) has the first say and the SDK's status rules the last.
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
        if (status != 407 && exchange.request().errorDecoder() != null) {
            SsmException decoded = exchange.request().errorDecoder().decode(error);
            if (decoded != null) {
                throw decoded;
            }
        }
        throw errors.fromStatus(error, route.proxied());
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
