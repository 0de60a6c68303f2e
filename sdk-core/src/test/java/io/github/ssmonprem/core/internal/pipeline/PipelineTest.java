package io.github.ssmonprem.core.internal.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.ssmonprem.core.http.SsmResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PipelineTest {

    @Test
    void stepsRunInTheOrderListedTheFirstOutermost() {
        List<String> trace = new ArrayList<>();
        Step outer = (exchange, next) -> {
            trace.add("outer in");
            SsmResponse r = next.proceed(exchange);
            trace.add("outer out");
            return r;
        };
        Step inner = (exchange, next) -> {
            trace.add("inner in");
            SsmResponse r = next.proceed(exchange);
            trace.add("inner out");
            return r;
        };
        Step last = (exchange, next) -> {
            trace.add("exchange");
            return Fakes.answer(200, "{}");
        };
        Pipeline.of(List.of(outer, inner, last)).proceed(Fakes.get());
        assertEquals(List.of("outer in", "inner in", "exchange", "inner out", "outer out"), trace);
    }

    @Test
    void aStepMayRunTheRestOfTheChainAgain() {
        int[] exchanges = {0};
        Step twice = (exchange, next) -> {
            next.proceed(exchange);
            return next.proceed(exchange);
        };
        Step last = (exchange, next) -> {
            exchanges[0]++;
            return Fakes.answer(200, "{}");
        };
        Pipeline.of(List.of(twice, last)).proceed(Fakes.get());
        assertEquals(2, exchanges[0]);
    }

    @Test
    void theLastStepHasNoNextStep() {
        Step passes = (exchange, next) -> next.proceed(exchange);
        assertThrows(IllegalStateException.class, () -> Pipeline.of(List.of(passes)).proceed(Fakes.get()));
    }
}
