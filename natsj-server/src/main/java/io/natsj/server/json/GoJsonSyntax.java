package io.natsj.server.json;

/**
 * Finds the first syntax error in a JSON document and describes it with the words of Go's {@code encoding/json}
 * scanner ({@code invalid character 'x' looking for beginning of object key string},
 * {@code unexpected end of JSON input}, ...), since nats-server puts that text into its "invalid JSON" errors.
 *
 * <p>Threading: stateless.
 */
public final class GoJsonSyntax {

    private final byte[] in;
    private int pos;

    private GoJsonSyntax(byte[] in) {
        this.in = in;
    }

    /** Go's message for the first syntax error, or null when the document is valid JSON. */
    public static String check(byte[] json) {
        GoJsonSyntax s = new GoJsonSyntax(json);
        try {
            s.skipSpace();
            s.value();
            s.skipSpace();
            if (s.pos < json.length) {
                throw s.invalid("after top-level value");
            }
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
            default -> c < 0x20 || c == 0x7f ? String.format("'\\x%02x'", c) : "'" + (char) c + "'";
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

    private void value() {
        int c = peek();
        switch (c) {
            case '{' -> object();
            case '[' -> array();
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

    private void object() {
        pos++;
        skipSpace();
        if (peek() == '}') {
            pos++;
            return;
        }
        while (true) {
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
            value();
            skipSpace();
            if (peek() == ',') {
                pos++;
                skipSpace();
                continue;
            }
            if (peek() == '}') {
                pos++;
                return;
            }
            throw invalid("after object key:value pair");
        }
    }

    private void array() {
        pos++;
        skipSpace();
        if (peek() == ']') {
            pos++;
            return;
        }
        while (true) {
            value();
            skipSpace();
            if (peek() == ',') {
                pos++;
                skipSpace();
                continue;
            }
            if (peek() == ']') {
                pos++;
                return;
            }
            throw invalid("after array element");
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
