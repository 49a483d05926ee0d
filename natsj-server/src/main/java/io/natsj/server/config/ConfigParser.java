package io.natsj.server.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Parses nats-server's config file format into a tree of {@link ConfigValue}s. The grammar follows nats-server's
 * {@code conf} package:
 *
 * <ul>
 *   <li>{@code key: value}, {@code key = value} and {@code key value}; keys bare or quoted; entries end at a new
 *       line, {@code ;} or {@code ,}; the whole file may be wrapped in braces (JSON).</li>
 *   <li>maps {@code { }}, arrays {@code [ ]} (values separated by commas or new lines), comments from {@code #} or
 *       {@code //} to the end of the line.</li>
 *   <li>strings double-quoted (escapes {@code \t \n \r \" \\ \xHH}), single-quoted (raw), bare (ending at white
 *       space, new line, {@code , ; ] }}), or a {@code (} block ending at a {@code )} alone on a line. A bare
 *       value that starts with digits and dots, like {@code 127.0.0.1:4222}, is a string too.</li>
 *   <li>booleans {@code true/false/yes/no/on/off}; integers with size suffixes ({@code k m g t p e} are powers of
 *       1000, {@code kb ki kib ...} powers of 1024); floats; Zulu datetimes ({@code 2024-01-02T03:04:05Z}).</li>
 *   <li>{@code $NAME}: the value of key {@code NAME} defined earlier in an enclosing map, else the environment
 *       variable, itself parsed as a value; {@code $2a$...} is a bcrypt hash, kept as written.</li>
 *   <li>{@code include path}: the entries of another file, relative to the including file, merged in place.</li>
 * </ul>
 *
 * <p>Errors carry the file, line and column. Threading: one instance per parse, confined to the calling thread.
 */
public final class ConfigParser {

    private static final int MAX_INCLUDE_DEPTH = 16;
    private static final char EOF = '\0';

    private enum Scope { TOP, BLOCK, MAP }

    private final String in;
    private final String fileName;
    private final Path baseDir;
    private final Function<String, String> env;
    private final int depth;
    private final Deque<Map<String, ConfigValue>> scopes = new ArrayDeque<>();
    private int pos;
    private int line = 1;
    private int lineStart;

    private ConfigParser(String in, String fileName, Path baseDir, Function<String, String> env, int depth) {
        this.in = in;
        this.fileName = fileName;
        this.baseDir = baseDir;
        this.env = env;
        this.depth = depth;
    }

    /** Parses {@code file}, resolving variables against the process environment. */
    public static Map<String, ConfigValue> parseFile(Path file) {
        return parseFile(file, System::getenv);
    }

    /** Parses {@code file}, resolving variables not defined in the file with {@code env}. */
    public static Map<String, ConfigValue> parseFile(Path file, Function<String, String> env) {
        return parseFile(file, file.toString(), env, 0);
    }

    /** Parses config text held in memory; includes are relative to the working directory. */
    public static Map<String, ConfigValue> parse(String text, Function<String, String> env) {
        return new ConfigParser(text, "<string>", Path.of(""), env, 0).parseDocument();
    }

    private static Map<String, ConfigValue> parseFile(Path file, String name, Function<String, String> env,
                                                      int depth) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(List.of("open " + name + ": " + describe(e)));
        }
        Path parent = file.toAbsolutePath().getParent();
        return new ConfigParser(text, name, parent, env, depth).parseDocument();
    }

    private static String describe(IOException e) {
        return e instanceof java.nio.file.NoSuchFileException ? "no such file or directory"
                : e instanceof java.nio.file.AccessDeniedException ? "permission denied" : String.valueOf(e.getMessage());
    }

    private Map<String, ConfigValue> parseDocument() {
        Map<String, ConfigValue> top = new LinkedHashMap<>();
        scopes.push(top);
        members(top, Scope.TOP);
        return top;
    }

    // ---- entries -------------------------------------------------------------------------------------------------

    private void members(Map<String, ConfigValue> target, Scope scope) {
        while (true) {
            skipAllSpace();
            char c = peek();
            if (atEnd()) {
                if (scope != Scope.TOP) {
                    throw error("Unexpected EOF processing map.");
                }
                return;
            }
            if (c == '#' || startsComment()) {
                skipComment();
            } else if (c == '}' && scope != Scope.TOP) {
                pos++;
                return;
            } else if (c == '}') {
                pos++; // a stray closing brace at the top level is ignored, as nats-server does
            } else if (c == '{' && scope == Scope.TOP) {
                pos++;
                members(target, Scope.BLOCK);
            } else if (c == '=' || c == ':') {
                throw error("Unexpected key separator '" + c + "'.");
            } else if (c == ']' && scope == Scope.MAP) {
                throw error("Unexpected array end ']' processing map.");
            } else {
                entry(target, scope);
            }
        }
    }

    private void entry(Map<String, ConfigValue> target, Scope scope) {
        ConfigPosition keyAt = here();
        char c = peek();
        String key;
        boolean bare = c != '"' && c != '\'';
        if (!bare) {
            pos++;
            key = untilQuote(c, "Unexpected EOF processing quoted key.");
        } else {
            int start = pos;
            while (!atEnd() && !Character.isWhitespace(peek()) && peek() != '=' && peek() != ':') {
                pos++;
            }
            key = in.substring(start, pos);
            if (!atEnd() && Character.isWhitespace(peek()) && key.equalsIgnoreCase("include")) {
                include(target);
                valueEnd(scope);
                return;
            }
        }
        skipAllSpace();
        if (atEnd()) {
            throw new ConfigException(keyAt, "config is invalid: key \"" + key + "\" has no value");
        }
        if (peek() == '=' || peek() == ':') {
            pos++;
        }
        ConfigValue value = value(scope == Scope.MAP);
        target.put(key, value.at(keyAt));
        valueEnd(scope);
    }

    private void valueEnd(Scope scope) {
        skipBlanks();
        char c = peek();
        if (atEnd()) {
            return;
        }
        if (c == '#' || startsComment()) {
            skipComment();
        } else if (c == '\n' || c == '\r' || c == ';' || c == ',') {
            advance();
        } else if (c == '}') {
            if (scope == Scope.TOP) {
                pos++;
            }
        } else if (scope == Scope.MAP) {
            throw error("Expected a map value terminator ',' or a map terminator '}', but got '" + c + "' instead.");
        } else {
            throw error("Expected a top-level value to end with a new line, comment or EOF, but got '" + c
                    + "' instead.");
        }
    }

    private void include(Map<String, ConfigValue> target) {
        skipBlanks();
        ConfigPosition at = here();
        char c = peek();
        String path;
        if (c == '"' || c == '\'') {
            pos++;
            path = untilQuote(c, "Unexpected EOF in quoted include");
        } else {
            switch (c) {
                case '[' -> throw error("Expected include value but found start of an array");
                case '{' -> throw error("Expected include value but found start of a map");
                case '(' -> throw error("Expected include value but found start of a block");
                case '\\' -> throw error("Expected include value but found escape sequence");
                case '\n', '\r' -> throw error("Expected include value but found new line");
                default -> {
                    if (Character.isDigit(c) || c == '-') {
                        throw error("Expected include value but found start of a number");
                    }
                }
            }
            int start = pos;
            while (!atEnd() && "\n\r;} \t".indexOf(peek()) < 0) {
                pos++;
            }
            path = in.substring(start, pos);
        }
        if (depth >= MAX_INCLUDE_DEPTH) {
            throw new ConfigException(at, "error parsing include file '" + path + "', includes nested deeper than "
                    + MAX_INCLUDE_DEPTH + " (an include cycle?)");
        }
        Map<String, ConfigValue> included;
        try {
            included = parseFile(baseDir.resolve(path), path, env, depth + 1);
        } catch (ConfigException e) {
            throw new ConfigException(at, "error parsing include file '" + path + "', " + e.getMessage());
        }
        target.putAll(included);
    }

    // ---- values --------------------------------------------------------------------------------------------------

    private ConfigValue value(boolean newLinesAllowedBefore) {
        if (newLinesAllowedBefore) {
            skipAllSpace();
        } else {
            skipBlanks();
        }
        ConfigPosition at = here();
        char c = peek();
        if (atEnd()) {
            return new ConfigValue("", at);
        }
        switch (c) {
            case '[':
                pos++;
                return new ConfigValue(array(), at);
            case '{': {
                pos++;
                Map<String, ConfigValue> map = new LinkedHashMap<>();
                scopes.push(map);
                members(map, Scope.MAP);
                scopes.pop();
                return new ConfigValue(map, at);
            }
            case '\'':
                pos++;
                return new ConfigValue(untilQuote('\'', "Unexpected EOF."), at);
            case '"':
                pos++;
                return new ConfigValue(doubleQuoted(), at);
            case '(':
                pos++;
                return new ConfigValue(block(), at);
            case '-':
                return new ConfigValue(negativeNumber(at), at);
            case '.':
                throw error("Floats must start with a digit");
            case '\n', '\r':
                throw error("Expected value but found new line");
            default:
                if (c >= '0' && c <= '9') {
                    return numberOrString(at);
                }
                return bare(pos, at);
        }
    }

    private List<ConfigValue> array() {
        List<ConfigValue> list = new ArrayList<>();
        while (true) {
            skipAllSpace();
            char c = peek();
            if (atEnd()) {
                throw error("Unexpected EOF processing array.");
            }
            if (c == '#' || startsComment()) {
                skipComment();
                continue;
            }
            if (c == ',') {
                throw error("Unexpected array value terminator ','.");
            }
            if (c == ']') {
                pos++;
                return list;
            }
            list.add(value(false));
            if (arrayValueEnd()) {
                return list;
            }
        }
    }

    /** After an array value: true when the array ended, false when another value may follow. */
    private boolean arrayValueEnd() {
        while (true) {
            skipBlanks();
            char c = peek();
            if (!atEnd() && (c == '#' || startsComment())) {
                skipComment();
            } else if (c == ',' || c == '\n' || c == '\r') {
                advance();
                return false;
            } else if (c == ']') {
                pos++;
                return true;
            } else {
                throw error("Expected an array value terminator ',' or an array terminator ']', but got '"
                        + (atEnd() ? "EOF" : String.valueOf(c)) + "' instead.");
            }
        }
    }

    /** The raw text up to the closing {@code quote}, which is consumed; no escapes. */
    private String untilQuote(char quote, String eofMessage) {
        int start = pos;
        while (!atEnd() && peek() != quote) {
            advance();
        }
        if (atEnd()) {
            throw error(eofMessage);
        }
        String s = in.substring(start, pos);
        pos++;
        return s;
    }

    private String doubleQuoted() {
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (atEnd()) {
                throw error("Unexpected EOF.");
            }
            char c = advance();
            if (c == '"') {
                return sb.toString();
            }
            if (c == '\\') {
                escape(sb);
            } else {
                sb.append(c);
            }
        }
    }

    private void escape(StringBuilder sb) {
        char e = atEnd() ? EOF : advance();
        switch (e) {
            case 't' -> sb.append('\t');
            case 'n' -> sb.append('\n');
            case 'r' -> sb.append('\r');
            case '"' -> sb.append('"');
            case '\\' -> sb.append('\\');
            case 'x' -> {
                if (pos + 2 > in.length()) {
                    throw error("Expected two hexadecimal digits after '\\x', but hit end of line");
                }
                String hex = in.substring(pos, pos + 2);
                try {
                    sb.append((char) Integer.parseInt(hex, 16));
                } catch (NumberFormatException ex) {
                    throw error("Expected two hexadecimal digits after '\\x', but got '" + hex + "'");
                }
                pos += 2;
            }
            default -> throw error("Invalid escape character '" + e + "'. Only the following escape characters "
                    + "are allowed: \\xXX, \\t, \\n, \\r, \\\", \\\\.");
        }
    }

    /** A {@code (} block: everything up to a {@code )} alone on its line, the last new line included. */
    private String block() {
        int start = pos;
        while (!atEnd()) {
            char c = advance();
            if (c == ')' && pos >= 2 && in.charAt(pos - 2) == '\n' && (atEnd() || peek() == '\n')) {
                return in.substring(start, pos - 1);
            }
        }
        throw error("Unexpected EOF processing block.");
    }

    /** A bare word from {@code start}: a boolean, a variable reference or a string. */
    private ConfigValue bare(int start, ConfigPosition at) {
        pos = start;
        StringBuilder sb = null;
        int runStart = pos;
        while (!atEnd() && "\n\r;,]} \t".indexOf(peek()) < 0) {
            if (peek() == '\\') {
                if (sb == null) {
                    sb = new StringBuilder();
                }
                sb.append(in, runStart, pos);
                pos++;
                escape(sb);
                runStart = pos;
            } else {
                pos++;
            }
        }
        if (sb != null) {
            return new ConfigValue(sb.append(in, runStart, pos).toString(), at);
        }
        String word = in.substring(start, pos);
        switch (word.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on":
                return new ConfigValue(Boolean.TRUE, at);
            case "false", "no", "off":
                return new ConfigValue(Boolean.FALSE, at);
            default:
                break;
        }
        if (word.startsWith("$")) {
            return variable(word.substring(1), at);
        }
        return new ConfigValue(word, at);
    }

    private ConfigValue variable(String name, ConfigPosition at) {
        if (name.startsWith("2a$")) {
            return new ConfigValue("$" + name, at); // a bcrypt hash, not a reference
        }
        for (Map<String, ConfigValue> scope : scopes) {
            ConfigValue v = scope.get(name);
            if (v != null) {
                v.markUsedAsVariable();
                return v.at(at);
            }
        }
        String fromEnv = env.apply(name);
        if (fromEnv == null) {
            throw new ConfigException(at, "variable reference for '" + name + "' on line " + at.line()
                    + " can not be found");
        }
        if (depth >= MAX_INCLUDE_DEPTH) {
            throw new ConfigException(at, "variable reference for '" + name + "' nests too deeply");
        }
        try {
            ConfigParser envParser = new ConfigParser("pk=" + fromEnv, "$" + name, baseDir, env, depth + 1);
            return envParser.parseDocument().get("pk").at(at);
        } catch (ConfigException e) {
            throw new ConfigException(at, "variable reference for '" + name + "' on line " + at.line()
                    + " could not be parsed: " + e.getMessage());
        }
    }

    // ---- numbers -------------------------------------------------------------------------------------------------

    private ConfigValue numberOrString(ConfigPosition at) {
        int start = pos;
        skipDigits();
        char c = peek();
        if (c == '-' && !atEnd()) {
            if (pos - start != 4) {
                throw error("All ISO8601 dates must be in full Zulu form.");
            }
            return new ConfigValue(datetime(start), at);
        }
        if (c == '.' && !atEnd()) {
            pos++;
            if (!isDigit(peek()) || atEnd()) {
                throw error("Floats must have a digit after the '.', but got '" + peek() + "' instead.");
            }
            skipDigits();
            if (peek() == '.' && !atEnd()) {
                while (!atEnd() && (isDigit(peek()) || ".:-".indexOf(peek()) >= 0)) {
                    pos++;
                }
                return new ConfigValue(in.substring(start, pos), at); // an IP address, maybe with a port
            }
            return new ConfigValue(parseFloat(in.substring(start, pos)), at);
        }
        if (isSizeSuffix(c) && !atEnd()) {
            pos++;
            while (!atEnd() && "bBiI".indexOf(peek()) >= 0) {
                pos++;
            }
        }
        if (endsNumber()) {
            return new ConfigValue(integer(in.substring(start, pos)), at);
        }
        return bare(start, at);
    }

    private Object negativeNumber(ConfigPosition at) {
        int start = pos;
        pos++;
        if (atEnd() || !isDigit(peek())) {
            throw error(peek() == '.' ? "Floats must start with a digit, not '.'."
                    : "Expected a digit but got '" + (atEnd() ? "EOF" : String.valueOf(peek())) + "'.");
        }
        skipDigits();
        if (peek() == '.' && !atEnd()) {
            pos++;
            if (atEnd() || !isDigit(peek())) {
                throw error("Floats must have a digit after the '.', but got '" + peek() + "' instead.");
            }
            skipDigits();
            return parseFloat(in.substring(start, pos));
        }
        if (isSizeSuffix(peek()) && !atEnd()) {
            pos++;
            while (!atEnd() && "bBiI".indexOf(peek()) >= 0) {
                pos++;
            }
        }
        return integer(in.substring(start, pos));
    }

    private boolean endsNumber() {
        return atEnd() || "\n\r};,] \t".indexOf(peek()) >= 0;
    }

    private Long integer(String text) {
        int digitsEnd = 0;
        while (digitsEnd < text.length() && (isDigit(text.charAt(digitsEnd)) || text.charAt(digitsEnd) == '-')) {
            digitsEnd++;
        }
        long multiplier = switch (text.substring(digitsEnd).toLowerCase(Locale.ROOT)) {
            case "" -> 1L;
            case "k" -> 1_000L;
            case "kb", "ki", "kib" -> 1L << 10;
            case "m" -> 1_000_000L;
            case "mb", "mi", "mib" -> 1L << 20;
            case "g" -> 1_000_000_000L;
            case "gb", "gi", "gib" -> 1L << 30;
            case "t" -> 1_000_000_000_000L;
            case "tb", "ti", "tib" -> 1L << 40;
            case "p" -> 1_000_000_000_000_000L;
            case "pb", "pi", "pib" -> 1L << 50;
            case "e" -> 1_000_000_000_000_000_000L;
            case "eb", "ei", "eib" -> 1L << 60;
            default -> throw error("expected integer, but got '" + text + "'");
        };
        try {
            return Math.multiplyExact(Long.parseLong(text.substring(0, digitsEnd)), multiplier);
        } catch (ArithmeticException | NumberFormatException e) {
            throw error("integer '" + text + "' is out of the range");
        }
    }

    private Double parseFloat(String text) {
        double d = Double.parseDouble(text);
        if (Double.isInfinite(d)) {
            throw error("float '" + text + "' is out of the range");
        }
        return d;
    }

    private Instant datetime(int start) {
        String pattern = "0000-00-00T00:00:00Z";
        for (int i = 4; i < pattern.length(); i++, pos++) {
            char want = pattern.charAt(i);
            char got = atEnd() ? EOF : peek();
            String shown = atEnd() ? "EOF" : String.valueOf(got);
            if (want == '0' ? !isDigit(got) : got != want) {
                throw error(want == '0' ? "Expected digit in ISO8601 datetime, but found '" + shown + "' instead."
                        : "Expected '" + want + "' in ISO8601 datetime, but found '" + shown + "' instead.");
            }
        }
        try {
            return Instant.parse(in.substring(start, pos));
        } catch (DateTimeParseException e) {
            throw error("expected Zulu formatted DateTime, but got '" + in.substring(start, pos) + "'");
        }
    }

    private static boolean isSizeSuffix(char c) {
        return "kKmMgGtTpPeE".indexOf(c) >= 0;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private void skipDigits() {
        while (!atEnd() && isDigit(peek())) {
            pos++;
        }
    }

    // ---- characters and positions --------------------------------------------------------------------------------

    private boolean atEnd() {
        return pos >= in.length();
    }

    private char peek() {
        return pos < in.length() ? in.charAt(pos) : EOF;
    }

    private char advance() {
        char c = in.charAt(pos++);
        if (c == '\n') {
            line++;
            lineStart = pos;
        }
        return c;
    }

    private boolean startsComment() {
        return peek() == '/' && pos + 1 < in.length() && in.charAt(pos + 1) == '/';
    }

    private void skipComment() {
        while (!atEnd() && peek() != '\n' && peek() != '\r') {
            pos++;
        }
    }

    /** Skips spaces and tabs only. */
    private void skipBlanks() {
        while (!atEnd() && (peek() == ' ' || peek() == '\t')) {
            pos++;
        }
    }

    /** Skips all white space, new lines included. */
    private void skipAllSpace() {
        while (!atEnd() && Character.isWhitespace(peek())) {
            advance();
        }
    }

    private ConfigPosition here() {
        return new ConfigPosition(fileName, line, pos - lineStart + 1);
    }

    private ConfigException error(String reason) {
        return new ConfigException(here(), reason);
    }
}
