package io.github.ssmonprem.core.internal.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.ssmonprem.core.ProxyConfig;
import io.github.ssmonprem.core.exception.ProxyAuthenticationException;
import io.github.ssmonprem.core.exception.ServerUnavailableException;
import io.github.ssmonprem.core.exception.SsmServiceException;
import io.github.ssmonprem.core.exception.UnauthorizedException;
import io.github.ssmonprem.core.http.SsmRequest;
import io.github.ssmonprem.core.http.SsmResponse;
import io.github.ssmonprem.core.internal.ErrorMapper;
import java.time.Clock;
import org.junit.jupiter.api.Test;

class ErrorDecodingStepTest {

    private static final Route DIRECT = new Route("https://ssm.example:8443", "ssm.example", "ssm.example:8443", true, null);

    private static Chain answering(SsmResponse response, boolean targetReached) {
        return exchange -> {
            exchange.received(response, targetReached);
            return response;
        };
    }

    private static ErrorDecodingStep step(Route route) {
        return new ErrorDecodingStep(new ErrorMapper(route.proxy(), Clock.systemUTC()), route);
    }

    @Test
    void a2xxAnswerPassesThrough() {
        SsmResponse ok = Fakes.answer(200, "{}");
        assertSame(ok, step(DIRECT).proceed(Fakes.get(), answering(ok, true)));
    }

    @Test
    void anErrorStatusBecomesTheTypedException() {
        ServerUnavailableException e = assertThrows(ServerUnavailableException.class, () -> step(DIRECT)
                .proceed(Fakes.get(), answering(Fakes.answer(503, "{\"error\":\"down\"}", "Content-Type", "application/json"), true)));
        assertEquals(503, e.statusCode());
    }

    @Test
    void theRequestsOwnDecoderHasTheFirstSay() {
        SsmServiceException own = new SsmServiceException("oauth", "r", false, 400, "invalid_client", null, null);
        Exchange exchange = Exchange.of(SsmRequest.get("token", "/oauth/token").errorDecoder(error -> own).build(),
                "https://ssm.example:8443");
        assertSame(own, assertThrows(SsmServiceException.class,
                () -> step(DIRECT).proceed(exchange, answering(Fakes.answer(400, "{\"error\":\"invalid_client\"}"), true))));
    }

    @Test
    void aProxysTinyproxyStyle401ToConnectIsAProxyAuthenticationFailureNotTheServers() {
        ProxyConfig proxy = ProxyConfig.builder().host("proxy.example").port(3128).build();
        Route tunnelled = new Route("https://ssm.example:8443", "ssm.example", "ssm.example:8443", true, proxy);
        SsmResponse refusal = Fakes.answer(401, "", "WWW-Authenticate", "Basic realm=\"Tinyproxy\"");
        ProxyAuthenticationException e = assertThrows(ProxyAuthenticationException.class,
                () -> step(tunnelled).proceed(Fakes.get(), answering(refusal, false)));
        assertTrue(e.getMessage().contains("did not reach SSM On-Prem"), e.getMessage());
        assertThrows(UnauthorizedException.class, () -> step(tunnelled).proceed(Fakes.get(), answering(refusal, true)),
                "the same status from the server through the tunnel is the server's");
    }
}
