/**
 * The transport's request pipeline: <strong>not API</strong>. One call runs through an ordered list of
 * small {@link io.github.ssmonprem.core.internal.pipeline.Step steps}, declared once in
 * {@link io.github.ssmonprem.core.internal.pipeline.TransportPipeline}: bearer token, circuit breaker,
 * retry, per-attempt observation, error decoding, and the Apache HttpClient 5 exchange. Each step can be
 * tested alone against a fake {@link io.github.ssmonprem.core.internal.pipeline.Chain}.
 */
package io.github.ssmonprem.core.internal.pipeline;
