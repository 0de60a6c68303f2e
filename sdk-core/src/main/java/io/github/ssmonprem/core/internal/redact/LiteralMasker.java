package io.github.ssmonprem.core.internal.redact;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.List;

/**
 * Replaces every occurrence of a fixed set of literal strings by a mask, in one pass over the text
 * (Aho-Corasick): time linear in the text's length whatever the literals and the text, no recursion,
 * and no regular expression. Overlapping and adjacent occurrences become one mask. Immutable and
 * thread-safe once built.
 */
public final class LiteralMasker {

    private static final int ROOT = 0;

    /** Per state: the characters it has transitions on, sorted, and the states they lead to. */
    private final char[][] keys;
    private final int[][] targets;
    /** Per state: the state of its longest proper suffix that is also a prefix of a literal. */
    private final int[] fail;
    /** Per state: the length of the longest literal that ends in this state, 0 for none. */
    private final int[] match;
    /** The characters that occur in any literal: any other character sends the scan back to the root. */
    private final BitSet alphabet = new BitSet(Character.MAX_VALUE + 1);
    private final int longest;

    private LiteralMasker(List<String> literals) {
        List<StringBuilder> keyBuilders = new ArrayList<>();
        List<List<Integer>> targetBuilders = new ArrayList<>();
        List<Integer> depthEnds = new ArrayList<>();
        keyBuilders.add(new StringBuilder());
        targetBuilders.add(new ArrayList<>());
        depthEnds.add(0);
        int max = 0;
        for (String literal : literals) {
            int state = ROOT;
            for (int i = 0; i < literal.length(); i++) {
                char c = literal.charAt(i);
                alphabet.set(c);
                int index = keyBuilders.get(state).indexOf(String.valueOf(c));
                if (index >= 0) {
                    state = targetBuilders.get(state).get(index);
                } else {
                    int next = keyBuilders.size();
                    keyBuilders.add(new StringBuilder());
                    targetBuilders.add(new ArrayList<>());
                    depthEnds.add(0);
                    keyBuilders.get(state).append(c);
                    targetBuilders.get(state).add(next);
                    state = next;
                }
            }
            depthEnds.set(state, Math.max(depthEnds.get(state), literal.length()));
            max = Math.max(max, literal.length());
        }
        int states = keyBuilders.size();
        this.keys = new char[states][];
        this.targets = new int[states][];
        for (int s = 0; s < states; s++) {
            char[] k = keyBuilders.get(s).toString().toCharArray();
            List<Integer> t = targetBuilders.get(s);
            Integer[] order = new Integer[k.length];
            for (int i = 0; i < k.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> Character.compare(k[a], k[b]));
            keys[s] = new char[k.length];
            targets[s] = new int[k.length];
            for (int i = 0; i < k.length; i++) {
                keys[s][i] = k[order[i]];
                targets[s][i] = t.get(order[i]);
            }
        }
        this.fail = new int[states];
        this.match = new int[states];
        for (int s = 0; s < states; s++) {
            match[s] = depthEnds.get(s);
        }
        // Breadth first, so a state's failure link is final before its children's are computed.
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int child : targets[ROOT]) {
            fail[child] = ROOT;
            queue.add(child);
        }
        while (!queue.isEmpty()) {
            int s = queue.poll();
            for (int i = 0; i < keys[s].length; i++) {
                char c = keys[s][i];
                int child = targets[s][i];
                int f = fail[s];
                while (f != ROOT && next(f, c) < 0) {
                    f = fail[f];
                }
                int via = next(f, c);
                fail[child] = via >= 0 && via != child ? via : ROOT;
                match[child] = Math.max(match[child], match[fail[child]]);
                queue.add(child);
            }
        }
        this.longest = max;
    }

    /**
     * Builds a masker for these literals; empty ones are ignored.
     *
     * @param literals the texts to mask
     * @return the masker
     */
    public static LiteralMasker of(Collection<String> literals) {
        List<String> kept = new ArrayList<>();
        for (String l : literals) {
            if (l != null && !l.isEmpty()) {
                kept.add(l);
            }
        }
        return new LiteralMasker(kept);
    }

    /**
     * Returns whether there is nothing to mask.
     *
     * @return true when built from no literal
     */
    public boolean isEmpty() {
        return longest == 0;
    }

    private int next(int state, char c) {
        int i = Arrays.binarySearch(keys[state], c);
        return i >= 0 ? targets[state][i] : -1;
    }

    /**
     * Replaces each occurrence of the literals (runs of overlapping or adjacent ones as one) by the mask.
     *
     * @param text the text
     * @param mask the replacement
     * @return the text with every occurrence masked; the same instance when nothing matched
     */
    public String mask(String text, String mask) {
        if (longest == 0 || text == null || text.isEmpty()) {
            return text;
        }
        StringBuilder out = null;
        int copied = 0;
        // Matches not yet written: disjoint, ordered [start, end] pairs that a later, longer match may still join.
        ArrayDeque<int[]> open = new ArrayDeque<>();
        int state = ROOT;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (!alphabet.get(c)) {
                state = ROOT;
            } else {
                int to;
                while ((to = next(state, c)) < 0 && state != ROOT) {
                    state = fail[state];
                }
                state = Math.max(to, ROOT);
            }
            if (match[state] > 0) {
                int start = i - match[state] + 1;
                int end = i;
                while (!open.isEmpty() && open.peekLast()[1] >= start - 1) {
                    start = Math.min(start, open.pollLast()[0]);
                }
                open.addLast(new int[] {start, end});
            }
            // A later match ends after i, so it starts after i - longest + 1: older intervals are final.
            while (!open.isEmpty() && open.peekFirst()[1] < i - longest) {
                int[] done = open.pollFirst();
                if (out == null) {
                    out = new StringBuilder(n);
                }
                out.append(text, copied, done[0]).append(mask);
                copied = done[1] + 1;
            }
        }
        for (int[] done : open) {
            if (out == null) {
                out = new StringBuilder(n);
            }
            out.append(text, copied, done[0]).append(mask);
            copied = done[1] + 1;
        }
        if (out == null) {
            return text;
        }
        return out.append(text, copied, n).toString();
    }
}
