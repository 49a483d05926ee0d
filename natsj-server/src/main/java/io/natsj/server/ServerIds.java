package io.natsj.server;

import java.util.SplittableRandom;

/**
 * Generates server ids shaped like nats-server's: 56 characters of base32 (A-Z, 2-7) starting with {@code N}, as a
 * server's NKey public key is. natsj does not sign with it yet; the shape keeps tools that parse ids happy. The id
 * is public (every INFO carries it) and only has to be unique, so it comes from a fast generator seeded from the
 * clocks and the process id rather than from {@code SecureRandom}, whose set-up costs start-up time before the
 * client port is bound.
 *
 * <p>Threading: safe from any thread.
 */
final class ServerIds {

    private static final char[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();
    private static final SplittableRandom SEED = new SplittableRandom(System.nanoTime()
            ^ Long.rotateLeft(System.currentTimeMillis(), 21) ^ Long.rotateLeft(ProcessHandle.current().pid(), 42));

    private ServerIds() {
    }

    static String newServerId() {
        SplittableRandom random;
        synchronized (SEED) {
            random = SEED.split();
        }
        char[] id = new char[56];
        id[0] = 'N';
        for (int i = 1; i < id.length; i++) {
            id[i] = BASE32[random.nextInt(BASE32.length)];
        }
        return new String(id);
    }
}
