package io.github.ssmonprem.core.internal.pipeline;

import io.github.ssmonprem.core.ProxyConfig;
import io.github.ssmonprem.core.exception.ConnectionFailedException;
import io.github.ssmonprem.core.exception.ProxyAuthenticationException;
import io.github.ssmonprem.core.exception.SsmClientException;
import io.github.ssmonprem.core.http.SsmResponse;

/**
 * A forward proxy's non-2xx answer to {@code CONNECT}: the request never reached SSM On-Prem, so the
 * failure is the proxy's. 401 (tinyproxy's answer to a wrong Basic password) and 407 are proxy
 * authentication failures; 403 is a proxy policy; anything else, a tunnel the proxy could not open.
 */
final class ConnectRefusal {

    private ConnectRefusal() {
    }

    /**
     * Maps the proxy's answer.
     *
     * @param proxy the proxy, or null when unknown
     * @param response the proxy's answer
     * @param target the request's method and URL
     * @param hostPort the SSM On-Prem server as {@code host:port}, the tunnel asked for
     * @return the typed exception
     */
    static SsmClientException map(ProxyConfig proxy, SsmResponse response, String target, String hostPort) {
        int status = response.statusCode();
        String address = proxy != null ? proxy.address() : "the proxy";
        String said = "the forward proxy " + address + " answered " + status + " to CONNECT " + hostPort;
        boolean hasCredentials = proxy != null && proxy.username().isPresent();
        boolean basicChallenge = response.header("WWW-Authenticate").map(v -> v.regionMatches(true, 0, "Basic", 0, 5)).orElse(false);
        if (status == 407 || status == 401) {
            // tinyproxy answers a wrong Basic password with "HTTP/1.0 401" and WWW-Authenticate, not 407.
            return new ProxyAuthenticationException(address, target + ": " + said + " ("
                    + (status == 407 ? "Proxy Authentication Required" : "Unauthorized" + (basicChallenge ? ", a Basic challenge" : ""))
                    + "): " + (hasCredentials ? "it rejected the configured proxy credentials." : "it requires credentials and none are configured.")
                    + " The request did not reach SSM On-Prem.",
                    hasCredentials
                            ? "Check the proxy user name and password (ProxyConfig.credentials, --proxy http://user@host:port with SSM_PROXY_PASSWORD)."
                            : "Configure the proxy's user name and password (ProxyConfig.credentials, or user:password@ in HTTPS_PROXY).");
        }
        if (status == 403) {
            return new ConnectionFailedException(ConnectionFailedException.Reason.PROXY_REFUSED,
                    target + ": " + said + " (Forbidden): the proxy does not allow tunnels to " + hostPort
                            + ". The request did not reach SSM On-Prem.",
                    "Ask the proxy's administrators to allow CONNECT to " + hostPort + " (tinyproxy: ConnectPort; squid: "
                            + "SSL_ports / http_access), or exempt the host with nonProxyHosts / NO_PROXY.", null);
        }
        return new ConnectionFailedException(ConnectionFailedException.Reason.OTHER,
                target + ": " + said + ": the proxy could not open a tunnel to SSM On-Prem. The request did not reach SSM On-Prem.",
                "Check that the proxy can reach " + hostPort + " (its DNS, routing and firewall) and the proxy's logs.", null);
    }
}
