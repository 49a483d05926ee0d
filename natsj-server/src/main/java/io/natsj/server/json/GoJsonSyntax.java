package io.natsj.server.json;

/**
 * Finds the first syntax error in a JSON document and describes it with the words of Go's {@code encoding/json}
 * scanner ({@code invalid character 'x' looking for beginning of object key string},
 * {@code unexpected end of JSON input}, ...), since nats-server puts that text into its "invalid JSON" errors.
 *
 * <p>Threading: stateless.
 */
public final class GoJsonSyntax {

    /** Go's limit on nested objects and arrays. */
    public static final int MAX_DEPTH = 10_000;

    private final byte[] in;
    private int pos;

    private GoJsonSyntax(byte[] in) {
        this.in = in;
    }

    /** Go's message for the first syntax error, or null when the document is valid JSON. */
    public static String check(byte[] json) {
        GoJsonSyntax s = new GoJsonSyntax(json);
        try {
            s.document();
            return null;
        } catch (Failure f) {
            return f.getMessage();
        }
    }

    private static final class Failure extends RuntimeException {
        Failure(String message) {
            super(message, null, false, false);
        }
    }

    private Failure invalid(String context) {
        if (pos >= in.length) {
            return new Failure("unexpected end of JSON input");
        }
        return new Failure("invalid character " + quoteChar(in[pos] & 0xff) + " " + context);
    }

    private static String quoteChar(int c) {
        if (c == '\'') {
            return "'\\''";
        }
        if (c == '"') {
            return "'\"'";
        }
        return switch (c) {
            case '\n' -> "'\\n'";
            case '\r' -> "'\\r'";
            case '\t' -> "'\\t'";
            case '\b' -> "'\\b'";
            case '\f' -> "'\\f'";
            case 0x07 -> "'\\a'";
            case 0x0b -> "'\\v'";
            default -> c < 0x20 || c == 0x7f ? String.format("'\\x%02x'", c)
                    : (c >= 0x80 && c <= 0xa0) || c == 0xad ? String.format("'\\u%04x'", c) // not printable in Go
                    : "'" + (char) c + "'";
        };
    }

    private int peek() {
        return pos < in.length ? in[pos] & 0xff : -1;
    }

    private void skipSpace() {
        while (pos < in.length && (in[pos] == ' ' || in[pos] == '\t' || in[pos] == '\r' || in[pos] == '\n')) {
            pos++;
        }
    }

    /**
     * Walks the document without recursion (a request may nest deeper than a thread's stack allows): a stack of
     * open containers, at most {@value #MAX_DEPTH} deep as in Go.
     */
    private void document() {
        byte[] open = new byte[64];
        int depth = 0;
        boolean wantValue = true;
        skipSpace();
        while (true) {
            if (wantValue) {
                int c = peek();
                if (c == '{' || c == '[') {
                    if (depth >= MAX_DEPTH) {
                        throw invalid("exceeded max depth");
                    }
                    if (depth == open.length) {
                        open = java.util.Arrays.copyOf(open, depth * 2);
                    }
                    open[depth++] = (byte) c;
                    pos++;
                    skipSpace();
                    if (peek() == (c == '{' ? '}' : ']')) {
                        pos++;
                        depth--;
                        wantValue = false;
                    } else if (c == '{') {
                        key();
                    }
                    continue;
                }
                scalar(c);
                wantValue = false;
            }
            skipSpace();
            if (depth == 0) {
                if (pos < in.length) {
                    throw invalid("after top-level value");
                }
                return;
            }
            boolean inObject = open[depth - 1] == '{';
            int c = peek();
            if (c == ',') {
                pos++;
                skipSpace();
                if (inObject) {
                    key();
                }
                wantValue = true;
            } else if (c == (inObject ? '}' : ']')) {
                pos++;
                depth--;
            } else {
                throw invalid(inObject ? "after object key:value pair" : "after array element");
            }
        }
    }

    /** An object key and its colon, and the white space after it. */
    private void key() {
        if (peek() != '"') {
            throw invalid("looking for beginning of object key string");
        }
        string();
        skipSpace();
        if (peek() != ':') {
            throw invalid("after object key");
        }
        pos++;
        skipSpace();
    }

    private void scalar(int c) {
        switch (c) {
            case '"' -> string();
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    number();
                } else {
                    throw invalid("looking for beginning of value");
                }
            }
        }
    }

    private void string() {
        pos++;
        while (true) {
            int c = peek();
            if (c < 0) {
                throw invalid("");
            }
            if (c == '"') {
                pos++;
                return;
            }
            if (c < 0x20) {
                throw invalid("in string literal");
            }
            pos++;
            if (c == '\\') {
                int e = peek();
                if (e == 'u') {
                    pos++;
                    for (int i = 0; i < 4; i++) {
                        int h = peek();
                        if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') || (h >= 'A' && h <= 'F'))) {
                            throw invalid("in \\u hexadecimal character escape");
                        }
                        pos++;
                    }
                } else if (e >= 0 && "\"\\/bfnrt".indexOf(e) >= 0) {
                    pos++;
                } else {
                    throw invalid("in string escape code");
                }
            }
        }
    }

    private void literal(String word) {
        for (int i = 0; i < word.length(); i++) {
            if (peek() != word.charAt(i)) {
                throw invalid("in literal " + word + " (expecting '" + word.charAt(i) + "')");
            }
            pos++;
        }
    }

    private void number() {
        if (peek() == '-') {
            pos++;
            if (!digit(peek())) {
                throw invalid("in numeric literal");
            }
        }
        if (peek() == '0') {
            pos++;
        } else {
            while (digit(peek())) {
                pos++;
            }
        }
        if (peek() == '.') {
            pos++;
            if (!digit(peek())) {
                throw invalid("after decimal point in numeric literal");
            }
            while (digit(peek())) {
                pos++;
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            if (!digit(peek())) {
                throw invalid("in exponent of numeric literal");
            }
            while (digit(peek())) {
                pos++;
            }
        }
    }

    private static boolean digit(int c) {
        return c >= '0' && c <= '9';
    }
}
