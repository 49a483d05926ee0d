package io.natsj.server.protocol;

import java.nio.charset.StandardCharsets;

/**
 * The Strings a parser made recently, handed out again when the same bytes come back: a stream of messages on a few
 * subjects (and a route's messages, nearly all for one account) costs no String per message, and the String reused
 * keeps its cached hash, so the subject index's and account table's lookups that follow compare by identity.
 *
 * <p>A small direct-mapped table: the slot is picked from the length and two bytes, a hit compares every byte, a
 * miss makes the String and replaces the slot. Names longer than {@link #MAX_LENGTH} are not kept. Unique values
 * (reply inboxes) should not go through it.
 *
 * <p>Threading: confined to its parser's thread.
 */
public final class RecentStrings {

    /** Longer values are made afresh each time: comparing them costs about what copying does. */
    public static final int MAX_LENGTH = 64;

    private static final int SLOTS = 16;

    private final String[] slots = new String[SLOTS];

    /** The Latin-1 String of {@code b[from, to)}: a recent equal one when there is, else a new one. */
    public String get(byte[] b, int from, int to) {
        int len = to - from;
        if (len == 0 || len > MAX_LENGTH) {
            return latin1(b, from, len);
        }
        int slot = (len * 31 + b[to - 1] * 7 + b[from + (len >> 1)]) & (SLOTS - 1);
        String s = slots[slot];
        if (s != null && sameBytes(s, b, from, len)) {
            return s;
        }
        s = latin1(b, from, len);
        slots[slot] = s;
        return s;
    }

    private static boolean sameBytes(String s, byte[] b, int from, int len) {
        if (s.length() != len) {
            return false;
        }
        for (int i = len - 1; i >= 0; i--) { // from the end: subjects sharing a prefix differ there first
            if (s.charAt(i) != (char) (b[from + i] & 0xff)) {
                return false;
            }
        }
        return true;
    }

    private static String latin1(byte[] b, int from, int len) {
        return new String(b, from, len, StandardCharsets.ISO_8859_1);
    }
}
