package io.natsj.server.util;

import java.nio.charset.StandardCharsets;

/**
 * Go's {@code %q} ({@code strconv.Quote}) of bytes received from the wire, as nats-server formats subjects and
 * queue names in its {@code -ERR} texts: double quotes around the bytes read as UTF-8, where printable characters
 * stay as they are, {@code "} and {@code \} get a backslash, control characters become {@code \n}, {@code \t},
 * {@code \x1f}..., other non-printable characters {@code \u00ad}-style escapes, and bytes that are not valid UTF-8
 * {@code \xff}-style escapes.
 *
 * <p>The input is a wire string (one char per byte, ISO-8859-1); the result is Unicode text whose UTF-8 encoding
 * is the bytes Go would write.
 *
 * <p>Threading: stateless; any thread.
 */
public final class GoQuote {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private GoQuote() {
    }

    /** {@code %q} of the bytes that {@code wire} holds one per char. */
    public static String quoteWire(String wire) {
        byte[] b = wire.getBytes(StandardCharsets.ISO_8859_1);
        StringBuilder out = new StringBuilder(b.length + 2).append('"');
        int i = 0;
        while (i < b.length) {
            int width = runeWidth(b, i);
            if (width == 0) {
                hexByte(out, b[i] & 0xff);
                i++;
                continue;
            }
            int cp = decode(b, i, width);
            appendRune(out, cp);
            i += width;
        }
        return out.append('"').toString();
    }

    private static void appendRune(StringBuilder out, int cp) {
        if (cp == '"' || cp == '\\') {
            out.append('\\').append((char) cp);
        } else if (isPrint(cp)) {
            out.appendCodePoint(cp);
        } else {
            switch (cp) {
                case 0x07 -> out.append("\\a");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case 0x0b -> out.append("\\v");
                default -> {
                    if (cp < ' ' || cp == 0x7f) {
                        hexByte(out, cp);
                    } else if (cp < 0x10000) {
                        out.append("\\u").append(hex(cp, 4));
                    } else {
                        out.append("\\U").append(hex(cp, 8));
                    }
                }
            }
        }
    }

    /** Go's {@code unicode.IsPrint}: letters, marks, numbers, punctuation, symbols and the ASCII space. */
    private static boolean isPrint(int cp) {
        if (cp == ' ') {
            return true;
        }
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE,
                 Character.UNASSIGNED, Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR,
                 Character.PARAGRAPH_SEPARATOR -> false;
            default -> true;
        };
    }

    /** Length of the valid UTF-8 sequence at {@code i} (Go's rules: no overlong forms, surrogates or values above U+10FFFF), or 0. */
    private static int runeWidth(byte[] b, int i) {
        int c0 = b[i] & 0xff;
        if (c0 < 0x80) {
            return 1;
        }
        int width;
        int lo = 0x80;
        int hi = 0xbf;
        if (c0 >= 0xc2 && c0 <= 0xdf) {
            width = 2;
        } else if (c0 >= 0xe0 && c0 <= 0xef) {
            width = 3;
            if (c0 == 0xe0) {
                lo = 0xa0;
            } else if (c0 == 0xed) {
                hi = 0x9f;
            }
        } else if (c0 >= 0xf0 && c0 <= 0xf4) {
            width = 4;
            if (c0 == 0xf0) {
                lo = 0x90;
            } else if (c0 == 0xf4) {
                hi = 0x8f;
            }
        } else {
            return 0;
        }
        if (i + width > b.length) {
            return 0;
        }
        int c1 = b[i + 1] & 0xff;
        if (c1 < lo || c1 > hi) {
            return 0;
        }
        for (int k = 2; k < width; k++) {
            int ck = b[i + k] & 0xff;
            if (ck < 0x80 || ck > 0xbf) {
                return 0;
            }
        }
        return width;
    }

    private static int decode(byte[] b, int i, int width) {
        int c0 = b[i] & 0xff;
        if (width == 1) {
            return c0;
        }
        int cp = c0 & (0xff >> (width + 1));
        for (int k = 1; k < width; k++) {
            cp = cp << 6 | (b[i + k] & 0x3f);
        }
        return cp;
    }

    private static void hexByte(StringBuilder out, int v) {
        out.append("\\x").append(HEX[v >> 4]).append(HEX[v & 0xf]);
    }

    private static String hex(int v, int digits) {
        char[] c = new char[digits];
        for (int k = digits - 1; k >= 0; k--) {
            c[k] = HEX[v & 0xf];
            v >>>= 4;
        }
        return new String(c);
    }
}
