package io.github.ssmonprem.core.internal.pipeline;

import io.github.ssmonprem.core.http.SsmResponse;

/** The rest of the pipeline after a step; may be called more than once. */
@FunctionalInterface
public interface Chain {

    /**
     * Runs the rest of the pipeline.
     *
     * @param exchange the call in progress
     * @return the 2xx answer
     * @throws io.github.ssmonprem.core.exception.SsmException when the call fails
     */
    SsmResponse proceed(Exchange exchange);
}
