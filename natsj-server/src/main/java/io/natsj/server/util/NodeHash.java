package io.natsj.server.util;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * nats-server's 8-character hash of a server name (its "node"): what Raft peers are called in its JetStream cluster
 * info ({@code peer}) and what server-targeted subjects carry. Each of the first 8 bytes of the name's SHA-256 picks a
 * character of {@code 0-9A-Za-z} (the byte modulo 62).
 *
 * <p>Threading: stateless; safe from any thread.
 */
public final class NodeHash {

    private static final String DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final int LENGTH = 8;

    private NodeHash() {
    }

    /** The 8-character hash of {@code name}. */
    public static String of(String name) {
        byte[] sha;
        try {
            sha = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
        char[] out = new char[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            out[i] = DIGITS.charAt((sha[i] & 0xff) % DIGITS.length());
        }
        return new String(out);
    }
}
