package io.github.ssmonprem.core.exception;

/**
 * What kind of failure an {@link SsmException} is, in one word: the value of the {@code outcome} tag of
 * the {@code ssm.client.requests} metric. Read it from {@link SsmException#kind()}.
 */
public enum FailureKind {
    /** The server answered 5xx. */
    SERVER_ERROR,
    /** The server answered 4xx (429 included). */
    CLIENT_ERROR,
    /** TLS could not be established: certificate, trust or handshake. */
    TLS_ERROR,
    /** The forward proxy rejected its credentials. */
    PROXY_AUTH_ERROR,
    /** A configured timeout elapsed. */
    TIMEOUT,
    /** The answer arrived but cannot be used. */
    MALFORMED_RESPONSE,
    /** The circuit breaker is open; the request was not sent. */
    CIRCUIT_OPEN,
    /** The connection could not be made or was lost. */
    CONNECTION_ERROR,
    /** Any other failure on the client's side. */
    CLIENT_FAILURE,
    /** Any other failure. */
    ERROR
}
