package io.github.ssmonprem.core.internal;

import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

/**
 * The Micrometer Observations the SDK makes, their names and low-cardinality keys in one place. With
 * Spring Boot's tracing bridge each becomes a span; with {@link ObservationRegistry#NOOP} nothing is paid.
 * High-cardinality values (report ids, account domains) never become key values here: they go to the
 * MDC ({@link SdkMdc}).
 *
 * <pre>{@code
 * Observation o = SdkObservations.start(registry, SdkObservations.USAGE_UPLOAD, "ssm usage upload");
 * try (Observation.Scope scope = o.openScope()) {
 *     ...
 *     SdkObservations.stop(o, "success");
 * } catch (SsmException e) {
 *     SdkObservations.fail(o, e);
 *     throw e;
 * }
 * }</pre>
 */
public final class SdkObservations {

    /** One sync run ({@code outcome}: {@code success} or {@code failure}). */
    public static final String SYNC = "ssm.sync";
    /** One HTTP attempt ({@code operation}, {@code method}, {@code status}, {@code outcome}). */
    public static final String CLIENT_REQUEST = "ssm.client.request";
    /** One usage upload (reserved for the usage path). */
    public static final String USAGE_UPLOAD = "ssm.usage.upload";
    /** One round of acknowledgement polls (reserved for the usage path). */
    public static final String USAGE_POLL = "ssm.usage.poll";
    /** One request (or return) of a device's authorization code (HSEC, SLAC). */
    public static final String USAGE_AUTHORIZATION = "ssm.usage.authorization";

    /** The key of the outcome on every observation. */
    public static final String OUTCOME = "outcome";

    private SdkObservations() {
    }

    /**
     * Creates and starts an observation.
     *
     * @param registry the registry; NOOP makes a no-op observation
     * @param name one of the names above
     * @param contextualName the span's name, such as {@code "ssm sync"}
     * @param lowCardinality key-value pairs known at the start (a fixed, small set of values each)
     * @return the started observation
     */
    public static Observation start(ObservationRegistry registry, String name, String contextualName, String... lowCardinality) {
        return Observation.createNotStarted(name, registry).contextualName(contextualName)
                .lowCardinalityKeyValues(KeyValues.of(lowCardinality)).start();
    }

    /**
     * Stops an observation with its outcome and further low-cardinality key values.
     *
     * @param observation the observation
     * @param outcome {@code success}, {@code failure} or an error kind
     * @param lowCardinality further key-value pairs
     */
    public static void stop(Observation observation, String outcome, String... lowCardinality) {
        observation.lowCardinalityKeyValue(OUTCOME, outcome).lowCardinalityKeyValues(KeyValues.of(lowCardinality)).stop();
    }

    /**
     * Records an error on an observation and stops it.
     *
     * @param observation the observation
     * @param error the error
     * @param outcome the outcome, such as the error's kind
     * @param lowCardinality further key-value pairs
     */
    public static void fail(Observation observation, Throwable error, String outcome, String... lowCardinality) {
        observation.error(error);
        stop(observation, outcome, lowCardinality);
    }
}
