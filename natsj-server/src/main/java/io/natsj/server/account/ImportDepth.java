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
    private static boolean enter() {
        int[] d = DEPTH.get();
        if (d[0] >= MAX) {
            return false;
        }
        d[0]++;
        return true;
    }

    private static void exit() {
        DEPTH.get()[0]--;
    }

    /** One hop of a message across accounts; true when something on the other side took it. */
    @FunctionalInterface
    interface Hop {
        boolean forward();
    }

    /** Runs {@code hop} inside the bound; false when the bound was reached or nothing took the message. */
    static boolean hop(Hop hop) {
        if (!enter()) {
            return false;
        }
        try {
            return hop.forward();
        } finally {
            exit();
        }
    }
}
