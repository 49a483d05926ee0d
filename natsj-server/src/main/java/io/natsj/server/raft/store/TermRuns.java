package io.natsj.server.raft.store;

import java.util.Arrays;

/**
 * The term of every index in a log, kept as runs (the first index of each term): terms change rarely, so a log of
 * millions of entries needs a handful of longs, not one per entry.
 *
 * <p>Threading: confined to its log's thread.
 */
final class TermRuns {

    private long[] starts = new long[4];
    private long[] terms = new long[4];
    private int size;

    /** Records that {@code index} (one more than the last recorded) has {@code term}. */
    void add(long index, long term) {
        if (size > 0) {
            long lastTerm = terms[size - 1];
            if (term == lastTerm) {
                return;
            }
            if (term < lastTerm) {
                throw new IllegalArgumentException("term " + term + " at " + index + " below " + lastTerm);
            }
        }
        if (size == starts.length) {
            starts = Arrays.copyOf(starts, size * 2);
            terms = Arrays.copyOf(terms, size * 2);
        }
        starts[size] = index;
        terms[size++] = term;
    }

    /** The term of {@code index}, which the caller knows to be in the log. */
    long termOf(long index) {
        int i = run(index);
        return i < 0 ? -1 : terms[i];
    }

    /** Forgets the runs of indexes above {@code index}. */
    void truncateAfter(long index) {
        while (size > 0 && starts[size - 1] > index) {
            size--;
        }
    }

    /** Forgets the runs wholly below {@code first} (the new first index). */
    void dropBefore(long first) {
        int keep = run(first);
        if (keep > 0) {
            System.arraycopy(starts, keep, starts, 0, size - keep);
            System.arraycopy(terms, keep, terms, 0, size - keep);
            size -= keep;
        }
    }

    void clear() {
        size = 0;
    }

    /** The run holding {@code index}: the last one starting at or before it; -1 when none does. */
    private int run(long index) {
        int i = Arrays.binarySearch(starts, 0, size, index);
        return i >= 0 ? i : -i - 2;
    }
}
