package io.github.ssmonprem.core.internal.pipeline;

import io.github.ssmonprem.core.exception.ConnectionFailedException;
import io.github.ssmonprem.core.exception.ServerUnavailableException;
import io.github.ssmonprem.core.exception.SsmException;
import io.github.ssmonprem.core.http.SsmRequest;
import io.github.ssmonprem.core.http.SsmResponse;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** A scripted chain with no socket: each call takes the next answer or failure, and records what it saw. */
final class Fakes {

    private Fakes() {
    }

    static Exchange get() {
        return Exchange.of(SsmRequest.get("accounts", "/accounts").build(), "https://ssm.example:8443");
    }

    static SsmResponse answer(int status, String body, String... headers) {
        Map<String, List<String>> map = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 0; i < headers.length; i += 2) {
            map.put(headers[i], List.of(headers[i + 1]));
        }
        return new SsmResponse(status, map, body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    static ServerUnavailableException badGateway() {
        return new ServerUnavailableException("nginx answered 502: the SSM On-Prem backend is not answering", "r", 502,
                null, null, null, null);
    }

    static ConnectionFailedException reset() {
        return new ConnectionFailedException(ConnectionFailedException.Reason.CONNECTION_CLOSED, "reset", "r", null);
    }

    /** A chain that plays a script of answers and failures. */
    static final class ScriptedChain implements Chain {
        private final Deque<Supplier<SsmResponse>> script = new ArrayDeque<>();
        final List<Integer> attemptsSeen = new ArrayList<>();
        final List<String> tokensSeen = new ArrayList<>();

        ScriptedChain answers(SsmResponse response) {
            script.add(() -> response);
            return this;
        }

        ScriptedChain fails(Supplier<SsmException> failure) {
            script.add(() -> {
                throw failure.get();
            });
            return this;
        }

        int calls() {
            return attemptsSeen.size();
        }

        @Override
        public SsmResponse proceed(Exchange exchange) {
            attemptsSeen.add(exchange.attempt());
            tokensSeen.add(exchange.token() == null ? null : exchange.token().reveal());
            Supplier<SsmResponse> next = script.poll();
            if (next == null) {
                throw new AssertionError("the chain was called more often than scripted");
            }
            return next.get();
        }
    }
}
