package io.natsj.server.account;

/**
 * Bounds how deep one publish may travel through imports (A imports from B which imports from A...): a
 * configuration with a cycle must not overflow the publisher's stack.
 *
 * <p>Threading: one counter per thread.
 */
final class ImportDepth {

    static final int MAX = 8;
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private ImportDepth() {
    }

    /** Enters one import hop; false (and nothing entered) when the limit is reached. */
    static boolean enter() {
        int[] d = DEPTH.get();
        if (d[0] >= MAX) {
            return false;
        }
        d[0]++;
        return true;
    }

    static void exit() {
        DEPTH.get()[0]--;
    }

    /** One hop of a message across accounts. */
    @FunctionalInterface
    interface Hop {
        void forward();
    }

    /** Runs {@code hop} inside the bound; false when the bound was reached and nothing was forwarded. */
    static boolean hop(Hop hop) {
        if (!enter()) {
            return false;
        }
        try {
            hop.forward();
            return true;
        } finally {
            exit();
        }
    }
}
