/**
 * The SDK's exception hierarchy, rooted at {@link io.github.ssmonprem.core.exception.SsmException}.
 *
 * <pre>
 * SsmException
 * ├── SsmConfigurationException          a setting is invalid (thrown by build())
 * ├── SsmServiceException                the server answered with an error status
 * │   ├── ServerUnavailableException     502/503/504: the SSM On-Prem backend behind nginx is down
 * │   ├── RateLimitedException           429, with Retry-After
 * │   ├── UnauthorizedException          401 on an API route after one token renewal
 * │   ├── AccessDeniedException          403 on an API route
 * │   └── ResourceNotFoundException      404: unknown account or route
 * └── SsmClientException                 no usable answer
 *     ├── ConnectionFailedException      DNS, refused, reset
 *     ├── RequestTimeoutException        connect, response or pool timeout
 *     ├── TlsException                   untrusted, expired or mismatched certificate
 *     ├── ProxyAuthenticationException   407 from the forward proxy
 *     ├── MalformedResponseException     not JSON, truncated, too large
 *     └── CircuitOpenException           too many recent failures; request not sent
 * </pre>
 */
package io.github.ssmonprem.core.exception;
