package io.github.ssmonprem.core.http;

import io.github.ssmonprem.core.exception.SsmException;

/**
 * Turns an error answer of one route into a typed exception. sdk-auth uses one for the token route
 * to decode OAuth error codes; routes without one get the SDK's mapping by status.
 */
@FunctionalInterface
public interface ErrorDecoder {

    /**
     * Decodes an error answer.
     *
     * @param error the answer with a status outside 2xx
     * @return the exception to throw, or null to fall back to the SDK's mapping by status
     */
    SsmException decode(ErrorResponse error);
}
