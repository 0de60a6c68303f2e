package io.github.ssmonprem.cli;

import java.util.Map;

/** The name this host gives itself when it takes the cluster's sync lock. */
final class Nodes {

    private Nodes() {
    }

    /**
     * {@code SSM_NODE_ID} when set, otherwise the host name and the process id, such as {@code vmanage-2/4711}.
     *
     * @param env the environment
     * @return the node's name
     */
    static String name(Map<String, String> env) {
        String given = env.get("SSM_NODE_ID");
        if (given != null && !given.isBlank()) {
            return given;
        }
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "unknown-host";
        }
        return host + "/" + ProcessHandle.current().pid();
    }
}
