package io.natsj.server.routing;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Validation and matching of NATS subjects, without regular expressions and without allocating.
 *
 * <pre>
 * subject  = token *( "." token )          ; no empty token, so no leading, trailing or double "."
 * token    = 1*char                        ; a whole-token "*" or "&gt;" is a wildcard, any other token is literal
 * "*"      = exactly one token
 * "&gt;"      = one or more trailing tokens; only as the last token
 * </pre>
 *
 * <p>Strings are wire bytes decoded as ISO-8859-1 (one char per byte), so UTF-8 subjects pass through untouched and
 * are compared byte for byte. {@code foo*} and {@code f>o} are literal tokens. Matching is case-sensitive.
 * Subjects given as text (JSON of the JetStream API, configuration) enter this form through {@link #fromText} and
 * leave it through {@link #toText}.
 *
 * <p>Which check applies where (settled against nats-server 2.9.10):
 * <ul>
 *   <li>{@code SUB}: {@link #isValidSubscribeSubject} — only empty tokens and tokens after {@code >} are refused
 *       ({@code -ERR 'Invalid Subject'}); a form feed, vertical tab or NUL inside a token is accepted.</li>
 *   <li>pedantic {@code PUB}: {@link #isValidLiteralSubject} — empty tokens and wildcard tokens are refused
 *       ({@code -ERR 'Invalid Publish Subject'}).</li>
 *   <li>configuration, JetStream stream and consumer subjects: {@link #isValidSubject} /
 *       {@link #isValidPublishSubject}, which also refuse white space.</li>
 * </ul>
 *
 * <p>Threading: stateless; any thread.
 */
public final class Subjects {

    /** Separates tokens. */
    public static final char SEPARATOR = '.';
    /** The single-token wildcard. */
    public static final char PARTIAL_WILDCARD = '*';
    /** The trailing multi-token wildcard. */
    public static final char FULL_WILDCARD = '>';

    private Subjects() {
    }

    /**
     * A well-formed subject that may contain wildcards and no white space (space, tab, CR, LF, FF): nats-server's
     * {@code IsValidSubject}, used for subjects given in configuration and in the JetStream API.
     */
    public static boolean isValidSubject(String subject) {
        return isValidSubscribeSubject(subject) && !containsWhiteSpace(subject);
    }

    /**
     * What a client's {@code SUB} accepts: not empty, no empty token, nothing after a {@code >} token. White space
     * cannot reach here from the parser (it splits arguments on space, tab, CR and LF); other control bytes such as
     * form feed are accepted, as nats-server does.
     */
    public static boolean isValidSubscribeSubject(String subject) {
        int len = subject.length();
        if (len == 0) {
            return false;
        }
        int start = 0;
        while (true) {
            int end = tokenEnd(subject, start);
            if (end == start) {
                return false;
            }
            if (end == len) {
                return true;
            }
            if (end - start == 1 && subject.charAt(start) == FULL_WILDCARD) {
                return false;
            }
            start = end + 1;
        }
    }

    /**
     * A well-formed subject without wildcard tokens: what a publish in pedantic mode accepts (nats-server's
     * {@code IsValidLiteralSubject}; white space is not checked).
     */
    public static boolean isValidLiteralSubject(String subject) {
        int len = subject.length();
        if (len == 0) {
            return false;
        }
        int start = 0;
        while (true) {
            int end = tokenEnd(subject, start);
            if (end == start || (end - start == 1 && isWildcardChar(subject.charAt(start)))) {
                return false;
            }
            if (end == len) {
                return true;
            }
            start = end + 1;
        }
    }

    /**
     * Not empty and no empty token; wildcards count as plain tokens. The only check a published subject gets
     * outside pedantic mode: a malformed one simply matches nobody.
     */
    public static boolean isWellFormed(String subject) {
        return !subject.isEmpty() && subject.charAt(0) != SEPARATOR && hasNoEmptyToken(subject, 0);
    }

    /** A valid subject ({@link #isValidSubject}) without wildcards: a subject one may publish to. */
    public static boolean isValidPublishSubject(String subject) {
        return isValidSubject(subject) && isLiteral(subject);
    }

    /**
     * A queue group name as a {@code SUB} accepts it: not empty, no space, tab, CR or LF (the parser's separators).
     * Dots and wildcard characters are plain characters in a queue name. The reserved name {@code _sys_} is valid
     * here; refusing it is a permission matter.
     */
    public static boolean isValidQueueName(String queue) {
        int len = queue.length();
        if (len == 0) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            char c = queue.charAt(i);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                return false;
            }
        }
        return true;
    }

    /** True when no token is a wildcard; does not check well-formedness. */
    public static boolean isLiteral(String subject) {
        int len = subject.length();
        for (int i = 0; i < len; i++) {
            char c = subject.charAt(i);
            if (isWildcardChar(c)
                    && (i == 0 || subject.charAt(i - 1) == SEPARATOR)
                    && (i + 1 == len || subject.charAt(i + 1) == SEPARATOR)) {
                return false;
            }
        }
        return true;
    }

    /** Number of tokens: 0 for the empty string, otherwise the number of dots plus one. */
    public static int tokenCount(String subject) {
        int len = subject.length();
        if (len == 0) {
            return 0;
        }
        int n = 1;
        for (int i = 0; i < len; i++) {
            if (subject.charAt(i) == SEPARATOR) {
                n++;
            }
        }
        return n;
    }

    /**
     * Whether a published subject is matched by a subscription's filter. Tokens of {@code literalSubject} are taken
     * literally (a {@code *} there is only matched by a wildcard or by a {@code *} token of the filter, as
     * nats-server does when a client publishes to a wildcard subject). Either argument being malformed (empty, empty
     * token) gives false.
     *
     * @param filter         a subscription subject, may contain wildcards
     * @param literalSubject the subject of a message
     */
    public static boolean matches(String filter, String literalSubject) {
        int fl = filter.length();
        int sl = literalSubject.length();
        if (fl == 0 || sl == 0) {
            return false;
        }
        int fi = 0;
        int si = 0;
        while (true) {
            int fe = tokenEnd(filter, fi);
            int se = tokenEnd(literalSubject, si);
            int ftl = fe - fi;
            if (ftl == 0 || se == si) {
                return false;
            }
            if (ftl == 1 && filter.charAt(fi) == FULL_WILDCARD) {
                return hasNoEmptyToken(literalSubject, se);
            }
            boolean anyToken = ftl == 1 && filter.charAt(fi) == PARTIAL_WILDCARD;
            if (!anyToken && (se - si != ftl || !filter.regionMatches(fi, literalSubject, si, ftl))) {
                return false;
            }
            boolean filterDone = fe == fl;
            boolean subjectDone = se == sl;
            if (filterDone || subjectDone) {
                return filterDone && subjectDone;
            }
            fi = fe + 1;
            si = se + 1;
        }
    }

    /**
     * Whether every subject matched by {@code subject} (which may contain wildcards) is also matched by
     * {@code filter}: {@code foo.*} is a subset of {@code >}, {@code *.*} and {@code foo.*}, but not of
     * {@code foo.bar}. Used to check that a consumer filter lies inside a stream's subjects.
     */
    public static boolean subjectIsSubsetMatch(String subject, String filter) {
        int sl = subject.length();
        int fl = filter.length();
        int si = 0;
        int fi = 0;
        while (true) {
            boolean subjectDone = si > sl;
            boolean filterDone = fi > fl;
            if (filterDone || subjectDone) {
                return filterDone && subjectDone;
            }
            int se = tokenEnd(subject, si);
            int fe = tokenEnd(filter, fi);
            if (se == si || fe == fi) {
                return false;
            }
            boolean fFull = isWildcardToken(filter, fi, fe, FULL_WILDCARD);
            if (fFull) {
                return true;
            }
            if (isWildcardToken(subject, si, se, FULL_WILDCARD)) {
                return false;
            }
            boolean fAny = isWildcardToken(filter, fi, fe, PARTIAL_WILDCARD);
            if (isWildcardToken(subject, si, se, PARTIAL_WILDCARD)) {
                if (!fAny) {
                    return false;
                }
            } else if (!fAny && (se - si != fe - fi || !subject.regionMatches(si, filter, fi, fe - fi))) {
                return false;
            }
            si = se + 1;
            fi = fe + 1;
        }
    }

    /**
     * Whether some literal subject could be matched by both {@code a} and {@code b} (both may contain wildcards):
     * the overlap test for JetStream stream subjects. Both must be well-formed.
     */
    public static boolean subjectsCollide(String a, String b) {
        int al = a.length();
        int bl = b.length();
        int ai = 0;
        int bi = 0;
        while (true) {
            boolean aDone = ai > al;
            boolean bDone = bi > bl;
            if (aDone || bDone) {
                return aDone && bDone;
            }
            int ae = tokenEnd(a, ai);
            int be = tokenEnd(b, bi);
            if (ae == ai || be == bi) {
                return false;
            }
            if (isWildcardToken(a, ai, ae, FULL_WILDCARD) || isWildcardToken(b, bi, be, FULL_WILDCARD)) {
                return true;
            }
            boolean anyToken = isWildcardToken(a, ai, ae, PARTIAL_WILDCARD)
                    || isWildcardToken(b, bi, be, PARTIAL_WILDCARD);
            if (!anyToken && (ae - ai != be - bi || !a.regionMatches(ai, b, bi, ae - ai))) {
                return false;
            }
            ai = ae + 1;
            bi = be + 1;
        }
    }

    /**
     * A subject given as Unicode text (a JSON string, a configuration value) in the wire form subjects have inside
     * the server: its UTF-8 bytes, one char per byte. ASCII subjects are returned as they are.
     */
    public static String fromText(String text) {
        if (text == null || isAscii(text)) {
            return text;
        }
        return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    /** {@link #fromText(String)} of each; null for null. */
    public static List<String> fromText(List<String> text) {
        return text == null ? null : text.stream().map(Subjects::fromText).toList();
    }

    /**
     * A wire-form subject as Unicode text, for JSON: its bytes read as UTF-8 (invalid sequences become U+FFFD, as
     * Go's JSON encoder writes them). ASCII subjects are returned as they are.
     */
    public static String toText(String wire) {
        if (wire == null || isAscii(wire)) {
            return wire;
        }
        return new String(wire.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    private static boolean isAscii(String s) {
        int len = s.length();
        for (int i = 0; i < len; i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** Index of the separator ending the token that starts at {@code start}, or the length when it is the last. */
    static int tokenEnd(String s, int start) {
        int end = s.indexOf(SEPARATOR, start);
        return end < 0 ? s.length() : end;
    }

    private static boolean isWildcardToken(String s, int start, int end, char wildcard) {
        return end - start == 1 && s.charAt(start) == wildcard;
    }

    private static boolean isWildcardChar(char c) {
        return c == PARTIAL_WILDCARD || c == FULL_WILDCARD;
    }

    /** True when the tokens from {@code from} (a separator or the end) on are not empty. */
    private static boolean hasNoEmptyToken(String s, int from) {
        int len = s.length();
        for (int i = from; i < len; i++) {
            if (s.charAt(i) == SEPARATOR && (i + 1 == len || s.charAt(i + 1) == SEPARATOR)) {
                return false;
            }
        }
        return true;
    }

    private static boolean containsWhiteSpace(String s) {
        int len = s.length();
        for (int i = 0; i < len; i++) {
            char c = s.charAt(i);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f') {
                return true;
            }
        }
        return false;
    }
}
