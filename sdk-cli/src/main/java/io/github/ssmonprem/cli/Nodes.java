package io.github.ssmonprem.cli;

import io.github.ssmonprem.sync.internal.NodeNames;
import java.util.Map;

/** The node name this host gives its claims and the cluster's sync lock. */
final class Nodes {

    private Nodes() {
    }

    /**
     * {@return {@code SSM_NODE_ID} when set, otherwise the SDK's name for this process: the host name and
     * the process id, such as {@code vmanage-2/4711}}
     *
     * @param env the environment
     */
    static String name(Map<String, String> env) {
        String given = env.get("SSM_NODE_ID");
        return given != null && !given.isBlank() ? given : NodeNames.process();
    }
}
