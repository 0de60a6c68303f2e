package io.github.ssmonprem.sync.internal;

import io.github.ssmonprem.core.exception.SsmConfigurationException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The node name: what one client (a node of a cluster) calls itself in the claims it takes on pending
 * reports and as the holder of the cluster's sync lock. One rule for its form and one default.
 */
public final class NodeNames {

    /** The longest node name. */
    public static final int MAX_LENGTH = 200;

    private static final AtomicInteger CLIENTS = new AtomicInteger();
    private static volatile String process;

    private NodeNames() {
    }

    /**
     * {@return this process's name: the host name and the process id, such as {@code vmanage-2/4711}}
     */
    public static String process() {
        String p = process;
        if (p == null) {
            String host;
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.io.IOException e) {
                host = "unknown-host";
            }
            String pid = "/" + ProcessHandle.current().pid();
            p = host.substring(0, Math.min(host.length(), MAX_LENGTH - 16 - pid.length())) + pid;
            process = p;
        }
        return p;
    }

    /**
     * {@return a new client's default name: {@link #process()} and a number for the client within the
     * process, such as {@code vmanage-2/4711/1}, so two clients of one process sharing a store never
     * take each other's claims for their own}
     */
    public static String nextClient() {
        return process() + "/" + CLIENTS.incrementAndGet();
    }

    /**
     * Checks a node name given by the application.
     *
     * @param setting the setting that gave it, for the error
     * @param name the name
     * @return the name
     * @throws SsmConfigurationException when it is blank or longer than {@value #MAX_LENGTH} characters
     */
    public static String check(String setting, String name) {
        if (name == null || name.isBlank() || name.length() > MAX_LENGTH) {
            throw new SsmConfigurationException(setting, "the node name must be 1 to " + MAX_LENGTH + " characters and not blank");
        }
        return name;
    }
}
