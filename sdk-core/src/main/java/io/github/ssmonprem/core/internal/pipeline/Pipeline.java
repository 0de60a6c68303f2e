package io.github.ssmonprem.core.internal.pipeline;

import io.github.ssmonprem.core.http.SsmResponse;
import java.util.List;

/**
 * Steps linked in order, the first outermost. The links are built once; running a call allocates nothing.
 */
public final class Pipeline implements Chain {

    private final Chain head;

    private Pipeline(Chain head) {
        this.head = head;
    }

    /**
     * Links steps in order.
     *
     * @param steps the steps, the first outermost; the last must not call its chain
     * @return the pipeline
     */
    public static Pipeline of(List<Step> steps) {
        Chain next = exchange -> {
            throw new IllegalStateException("the last step of the pipeline called the next one: there is none");
        };
        for (int i = steps.size() - 1; i >= 0; i--) {
            Step step = steps.get(i);
            Chain rest = next;
            next = exchange -> step.proceed(exchange, rest);
        }
        return new Pipeline(next);
    }

    @Override
    public SsmResponse proceed(Exchange exchange) {
        return head.proceed(exchange);
    }
}
