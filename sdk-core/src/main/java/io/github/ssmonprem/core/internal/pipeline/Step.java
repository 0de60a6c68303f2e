package io.github.ssmonprem.core.internal.pipeline;

import io.github.ssmonprem.core.http.SsmResponse;

/**
 * One concern of the transport: it may act before and after the rest of the chain, call it more than
 * once (a retry), or not at all (an open circuit, the exchange itself).
 */
@FunctionalInterface
public interface Step {

    /**
     * Handles one exchange.
     *
     * @param exchange the call in progress
     * @param next the rest of the pipeline
     * @return the 2xx answer
     * @throws io.github.ssmonprem.core.exception.SsmException when the call fails
     */
    SsmResponse proceed(Exchange exchange, Chain next);
}
