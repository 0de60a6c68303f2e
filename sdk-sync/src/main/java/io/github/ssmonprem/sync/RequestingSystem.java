package io.github.ssmonprem.sync;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * The system that reports usage, sent as {@code X-CSW-REQUESTING-SYSTEM} with every usage call.
 *
 * @param displayName a human-readable name, such as {@code vManage cluster 1}
 * @param hostIdentifier an identifier of the reporting host
 */
public record RequestingSystem(String displayName, String hostIdentifier) {

    /**
     * Validates.
     *
     * @param displayName a human-readable name, such as {@code vManage cluster 1}
     * @param hostIdentifier an identifier of the reporting host
     */
    public RequestingSystem {
        Objects.requireNonNull(displayName, "displayName");
        Objects.requireNonNull(hostIdentifier, "hostIdentifier");
    }

    /**
     * Returns this SDK on this host (the local host name).
     *
     * @return this SDK on this host (the local host name)
     */
    public static RequestingSystem ofLocalHost() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        return new RequestingSystem("ssm-onprem-java-sdk", host);
    }
}
