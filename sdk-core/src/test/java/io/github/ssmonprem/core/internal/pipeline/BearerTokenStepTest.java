package io.github.ssmonprem.core.internal.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.ssmonprem.core.Secret;
import io.github.ssmonprem.core.exception.ServerUnavailableException;
import io.github.ssmonprem.core.exception.UnauthorizedException;
import io.github.ssmonprem.core.http.AccessTokenSource;
import io.github.ssmonprem.core.http.SsmRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class BearerTokenStepTest {

    /** Hands out token-1, token-2, ... and records which were invalidated. */
    private static final class Tokens implements AccessTokenSource {
        int issued;
        final List<String> invalidated = new ArrayList<>();

        @Override
        public Secret accessToken() {
            return Secret.of("token-" + ++issued);
        }

        @Override
        public void invalidate(Secret rejected) {
            invalidated.add(rejected.reveal());
        }
    }

    private static Exchange withBearer(Tokens tokens) {
        return Exchange.of(SsmRequest.get("accounts", "/accounts").bearer(tokens).build(), "https://ssm.example:8443");
    }

    private static UnauthorizedException unauthorized(int attempts) {
        UnauthorizedException e = new UnauthorizedException("401", "r", 401, null, null, null);
        e.recordAttempts(attempts);
        return e;
    }

    @Test
    void aRequestWithoutBearerIsSentWithoutToken() {
        Fakes.ScriptedChain chain = new Fakes.ScriptedChain().answers(Fakes.answer(200, "{}"));
        new BearerTokenStep().proceed(Fakes.get(), chain);
        assertEquals(Arrays.asList((String) null), chain.tokensSeen);
    }

    @Test
    void a401RenewsTheTokenOnceAndRepeatsTheCallOnce() {
        Tokens tokens = new Tokens();
        Fakes.ScriptedChain chain = new Fakes.ScriptedChain().fails(() -> unauthorized(1)).answers(Fakes.answer(200, "{}"));
        assertEquals(200, new BearerTokenStep().proceed(withBearer(tokens), chain).statusCode());
        assertEquals(List.of("token-1", "token-2"), chain.tokensSeen);
        assertEquals(List.of("token-1"), tokens.invalidated);
    }

    @Test
    void aSecond401IsThrownWithTheAttemptsOfBothRounds() {
        Tokens tokens = new Tokens();
        Fakes.ScriptedChain chain = new Fakes.ScriptedChain().fails(() -> unauthorized(1)).fails(() -> unauthorized(1));
        UnauthorizedException e = assertThrows(UnauthorizedException.class, () -> new BearerTokenStep().proceed(withBearer(tokens), chain));
        assertEquals(2, e.attempts());
        assertEquals(2, chain.calls(), "repeated once, not more");
    }

    @Test
    void aFailureAfterTheRenewalCountsTheAttemptsOfBothRounds() {
        ServerUnavailableException down = Fakes.badGateway();
        down.recordAttempts(4);
        Fakes.ScriptedChain chain = new Fakes.ScriptedChain().fails(() -> unauthorized(1)).fails(() -> down);
        ServerUnavailableException e = assertThrows(ServerUnavailableException.class,
                () -> new BearerTokenStep().proceed(withBearer(new Tokens()), chain));
        assertSame(down, e);
        assertEquals(5, e.attempts());
    }

    @Test
    void otherFailuresAreNotRepeated() {
        Tokens tokens = new Tokens();
        Fakes.ScriptedChain chain = new Fakes.ScriptedChain().fails(Fakes::badGateway);
        assertThrows(ServerUnavailableException.class, () -> new BearerTokenStep().proceed(withBearer(tokens), chain));
        assertEquals(1, chain.calls());
        assertEquals(List.of(), tokens.invalidated);
    }
}
