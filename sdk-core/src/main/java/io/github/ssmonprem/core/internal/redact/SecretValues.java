package io.github.ssmonprem.core.internal.redact;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The secret values alive in this JVM (configured secrets, current tokens), held weakly: a token
 * that is no longer referenced drops out. {@link #masker()} masks every form of each of them
 * ({@link SecretForms}); it is rebuilt only when the set changed. Thread-safe.
 */
public final class SecretValues {

    /**
     * Values shorter than this are not masked by value: they would mask ordinary words and numbers
     * (the rules by field name still apply to them).
     */
    public static final int MIN_LENGTH = 4;

    private static final Object LOCK = new Object();
    private static final ReferenceQueue<Object> GONE = new ReferenceQueue<>();
    private static final List<Entry> LIVE = new ArrayList<>();
    private static volatile LiteralMasker masker = LiteralMasker.of(List.of());
    private static volatile boolean stale;

    private SecretValues() {
    }

    /** A weakly held owner (the {@code Secret}) and the forms of its value. */
    private static final class Entry extends WeakReference<Object> {
        final Set<String> forms;

        Entry(Object owner, Set<String> forms) {
            super(owner, GONE);
            this.forms = forms;
        }
    }

    /**
     * Remembers a secret value for as long as its owner is reachable.
     *
     * @param owner the object holding the value; when it is collected, the value is forgotten
     * @param value the value
     */
    public static void register(Object owner, String value) {
        if (value == null || value.length() < MIN_LENGTH) {
            return;
        }
        Set<String> forms = SecretForms.of(value);
        forms.removeIf(l -> l.length() < MIN_LENGTH);
        synchronized (LOCK) {
            expunge();
            LIVE.add(new Entry(owner, forms));
            stale = true;
        }
    }

    private static void expunge() {
        boolean removed = false;
        while (GONE.poll() != null) {
            removed = true;
        }
        if (removed) {
            LIVE.removeIf(e -> e.get() == null);
            stale = true;
        }
    }

    /**
     * Returns a masker of every form of every live secret value.
     *
     * @return the masker
     */
    public static LiteralMasker masker() {
        if (!stale && GONE.poll() == null) {
            return masker;
        }
        synchronized (LOCK) {
            while (GONE.poll() != null) {
                // drained: the sweep below removes every collected owner
            }
            LIVE.removeIf(e -> e.get() == null);
            Set<String> literals = new LinkedHashSet<>();
            for (Entry e : LIVE) {
                if (e.get() != null) {
                    literals.addAll(e.forms);
                }
            }
            masker = LiteralMasker.of(literals);
            stale = false;
            return masker;
        }
    }
}
