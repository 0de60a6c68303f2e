package io.github.ssmonprem.core.internal;

import org.slf4j.MDC;

/**
 * The SLF4J MDC keys the SDK sets on a thread while it works on a sync, so an application's log
 * pattern can show them ({@code %X{ssm.sync.id}}), and restores what was there before when the work
 * ends. Use with try-with-resources:
 *
 * <pre>{@code
 * try (SdkMdc.Scope scope = SdkMdc.put(SdkMdc.REPORT_ID, report.reportId())) {
 *     ... // log lines here carry ssm.report.id
 * }
 * }</pre>
 */
public final class SdkMdc {

    /** The id of the sync run, new for each run. */
    public static final String SYNC_ID = "ssm.sync.id";
    /** The smart account being worked on. */
    public static final String ACCOUNT = "ssm.account";
    /** The usage report being worked on. */
    public static final String REPORT_ID = "ssm.report.id";
    /** This node's name (the claims' and the sync lock's). */
    public static final String NODE = "ssm.node";

    private SdkMdc() {
    }

    /**
     * Sets a key until the scope closes, then restores its previous value (or removes it).
     *
     * @param key one of the keys above
     * @param value the value; null leaves the key as it is
     * @return the scope to close
     */
    public static Scope put(String key, String value) {
        String previous = MDC.get(key);
        if (value != null) {
            MDC.put(key, value);
        }
        return () -> {
            if (previous == null) {
                MDC.remove(key);
            } else {
                MDC.put(key, previous);
            }
        };
    }

    /** Restores the MDC when closed. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();

        /**
         * This scope and another, closed in reverse order.
         *
         * @param inner the scope opened after this one
         * @return both, as one scope
         */
        default Scope and(Scope inner) {
            return () -> {
                try {
                    inner.close();
                } finally {
                    close();
                }
            };
        }
    }
}
