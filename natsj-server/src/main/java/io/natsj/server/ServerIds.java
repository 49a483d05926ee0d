package io.natsj.server;

import java.security.SecureRandom;

/**
 * Generates server ids shaped like nats-server's: 56 characters of base32 (A-Z, 2-7) starting with {@code N}, as a
 * server's NKey public key is. natsj does not sign with it yet; the shape keeps tools that parse ids happy.
 *
 * <p>Threading: safe from any thread.
 */
final class ServerIds {

    private static final char[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private ServerIds() {
    }

    static String newServerId() {
        char[] id = new char[56];
        id[0] = 'N';
        for (int i = 1; i < id.length; i++) {
            id[i] = BASE32[RANDOM.nextInt(BASE32.length)];
        }
        return new String(id);
    }
}
