package io.natsj.server.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Decodes the byte stream a client sends into {@link ClientOpHandler} calls: a resumable, byte-at-a-time state
 * machine that keeps its state between {@link #parse} calls, so the stream may be split anywhere (even one byte
 * per call) and gives the same calls in the same order.
 *
 * <pre>
 * stream   = *op
 * op       = verb-line | pub
 * verb     : case-insensitive
 * CONNECT  = "CONNECT" *SP json EOL            (SP = space or tab; EOL = CRLF or a bare LF)
 * INFO     = "INFO" *SP json EOL
 * PING     = "PING" *any-but-LF LF              (anything up to the LF is ignored; same for PONG, +OK)
 * PONG     = "PONG" *any-but-LF LF
 * +OK      = "+OK" *any-but-LF LF
 * -ERR     = "-ERR" 1*SP text EOL
 * SUB      = "SUB" 1*SP subject [queue] sid EOL
 * UNSUB    = "UNSUB" 1*SP sid [max] EOL
 * PUB      = "PUB" 1*SP subject [reply] size EOL payload CRLF
 * HPUB     = "HPUB" 1*SP subject [reply] hdr-size total-size EOL headers payload CRLF
 * args     : split on runs of space/tab (SUB and UNSUB also split on a stray CR)
 * sizes    : 1 to 9 ASCII digits (so at most 999,999,999); anything else is a parse error
 * </pre>
 *
 * <p>Limits: the arguments of a line (bytes after the verb and its spaces, without the CRLF) may hold at most
 * {@code maxControlLine} bytes; the check is made when the line ends and also at the end of every
 * {@link #parse} call while the line is still incomplete, as nats-server does (PING/PONG/+OK lines are never
 * counted). A PUB/HPUB size above {@link #maxPayload()} (negative = no limit) is rejected when its line ends.
 *
 * <p>Allocation: none per op except the {@code String}s for subject, reply, queue, sid and -ERR text. A payload
 * complete in the caller's buffer is passed as a slice of it; one split across reads is copied into a scratch
 * buffer owned by this parser (reused). Control lines split across reads are likewise gathered in a reused
 * buffer of at most {@code maxControlLine + 1} bytes.
 *
 * <p>Errors: on a protocol violation the parser calls {@link ClientOpHandler#onProtocolError} once, then
 * ignores all further input ({@link #failed()} is true). The behaviour of nats-server 2.9.10 that this follows,
 * measured with raw sockets, is tabulated in {@code docs/protocol.md}; in short: bad verb/framing and
 * payload-not-followed-by-CRLF send {@code -ERR 'Unknown Protocol Operation'}; bad PUB/HPUB/SUB/UNSUB arguments
 * close silently; {@code UNSUB} with a bad max is taken as no max.
 *
 * <p>Threading: not thread-safe; one connection's reader thread calls {@link #parse}. Handler callbacks run on
 * that thread and may call {@link #maxPayload(int)}, {@link #headersEnabled(boolean)}, {@link #awaitConnect(boolean)}
 * and {@link #stop()}, which take effect for the next op. A callback must not throw (if it does, the exception propagates out of
 * {@link #parse} and the rest of that buffer is not parsed).
 */
public final class ClientParser {

    // States.
    private static final int OP_START = 0;
    private static final int OP_P = 1;          // 'P' seen: PUB, PING or PONG follows
    private static final int VERB = 2;          // matching the rest of VERBS[op]
    private static final int NEED_SPACE = 3;    // verb complete, one space/tab required
    private static final int SKIP_SPACES = 4;   // spaces/tabs before the arguments
    private static final int ARG = 5;           // arguments, up to LF
    private static final int TO_EOL = 6;        // PING/PONG/+OK: ignore up to LF
    private static final int PAYLOAD = 7;       // PUB/HPUB payload and its CRLF
    private static final int STOPPED = 8;

    // Ops.
    private static final int CONNECT = 0;
    private static final int INFO = 1;
    private static final int PING = 2;
    private static final int PONG = 3;
    private static final int SUB = 4;
    private static final int UNSUB = 5;
    private static final int PUB = 6;
    private static final int HPUB = 7;
    private static final int OK = 8;
    private static final int ERR = 9;

    /** Lower-case spelling of each op's verb, indexed by op. */
    private static final byte[][] VERBS = {
        ascii("connect"), ascii("info"), ascii("ping"), ascii("pong"), ascii("sub"),
        ascii("unsub"), ascii("pub"), ascii("hpub"), ascii("+ok"), ascii("-err"),
    };
    private static final String[] OP_NAMES = {"CONNECT", "INFO", "PING", "PONG", "SUB", "UNSUB", "PUB", "HPUB",
        "+OK", "-ERR"};

    private static final int MAX_TOKENS = 4;
    private static final int MAX_SIZE_DIGITS = 9;

    private final ClientOpHandler handler;
    private final int maxControlLine;
    private int maxPayload;
    private boolean headersEnabled;
    private boolean awaitConnect;

    private int state = OP_START;
    private int op;
    private int verbPos;
    private boolean failed;

    /** Start of the current line's arguments in the buffer being parsed. */
    private int argStart;
    /** Bytes of the current line's arguments gathered from earlier buffers. */
    private byte[] argBuf;
    private int argLen;

    private final int[] tokStart = new int[MAX_TOKENS];
    private final int[] tokEnd = new int[MAX_TOKENS];

    private String pendingSubject;
    private final RecentStrings recentStrings = new RecentStrings();
    private String pendingReply;
    private int pendingHdrLen;
    private int pendingTotal;
    private byte[] msgBuf;
    private int msgLen;

    /**
     * @param handler        receives the decoded ops
     * @param maxControlLine the most argument bytes a control line may carry (nats-server {@code max_control_line})
     * @param maxPayload     the largest PUB/HPUB total size accepted; negative for no limit
     */
    public ClientParser(ClientOpHandler handler, int maxControlLine, int maxPayload) {
        this.handler = Objects.requireNonNull(handler, "handler");
        if (maxControlLine <= 0) {
            throw new IllegalArgumentException("maxControlLine must be positive: " + maxControlLine);
        }
        this.maxControlLine = maxControlLine;
        this.maxPayload = maxPayload;
    }

    /** Changes the payload limit for the PUB/HPUB lines that follow (e.g. once CONNECT bound an account). */
    public void maxPayload(int maxPayload) {
        this.maxPayload = maxPayload;
    }

    public int maxPayload() {
        return maxPayload;
    }

    /**
     * Whether HPUB is accepted: true once the client's CONNECT asked for {@code headers} and the server supports
     * them. While false, HPUB fails with {@link ProtocolError#HEADERS_NOT_SUPPORTED} (nats-server closes silently).
     */
    public void headersEnabled(boolean enabled) {
        this.headersEnabled = enabled;
    }

    /**
     * While true, an op whose first byte is not {@code C}/{@code c} fails with
     * {@link ProtocolError#AUTHORIZATION_VIOLATION}, as nats-server does before CONNECT when authentication is
     * required (and no {@code no_auth_user} applies). The session sets it on accept and clears it once CONNECT
     * authenticated. Off by default.
     */
    public void awaitConnect(boolean await) {
        this.awaitConnect = await;
    }

    /** True once a protocol error was reported; all later input is ignored. */
    public boolean failed() {
        return failed;
    }

    /** Stops parsing: the rest of the current buffer and all later input are ignored (e.g. after an auth failure). */
    public void stop() {
        state = STOPPED;
    }

    /** True after {@link #stop()} or a protocol error. */
    public boolean stopped() {
        return state == STOPPED;
    }

    /** True between ops: no partial line or payload is held. Visible for tests. */
    boolean idle() {
        return state == OP_START;
    }

    /** Parses {@code buf[off, off+len)}, calling the handler for every op completed in it. */
    public void parse(byte[] buf, int off, int len) {
        Objects.checkFromIndexSize(off, len, buf.length);
        if (len == 0 || state == STOPPED) {
            return;
        }
        final int end = off + len;
        if (state == ARG) {
            argStart = off;
        }
        int i = off;
        while (i < end) {
            switch (state) {
                case OP_START -> {
                    if (awaitConnect && lower(buf[i]) != 'c') {
                        fail(ProtocolError.AUTHORIZATION_VIOLATION, "op before CONNECT: " + snippet(buf, i, end));
                        return;
                    }
                    if (!startOp(buf[i])) {
                        failUnknown(buf, i, end);
                        return;
                    }
                    i++;
                }
                case OP_P -> {
                    int c = lower(buf[i]);
                    if (c == 'u') {
                        op = PUB;
                    } else if (c == 'i') {
                        op = PING;
                    } else if (c == 'o') {
                        op = PONG;
                    } else {
                        failUnknown(buf, i, end);
                        return;
                    }
                    verbPos = 2;
                    state = VERB;
                    i++;
                }
                case VERB -> {
                    byte[] verb = VERBS[op];
                    if (lower(buf[i]) != verb[verbPos]) {
                        failUnknown(buf, i, end);
                        return;
                    }
                    i++;
                    if (++verbPos == verb.length) {
                        state = afterVerb(op);
                    }
                }
                case NEED_SPACE -> {
                    byte b = buf[i];
                    if (b != ' ' && b != '\t') {
                        failUnknown(buf, i, end);
                        return;
                    }
                    state = SKIP_SPACES;
                    i++;
                }
                case SKIP_SPACES -> {
                    byte b = buf[i];
                    if (b == ' ' || b == '\t') {
                        i++;
                    } else {
                        state = ARG;
                        argStart = i;
                        argLen = 0;
                    }
                }
                case ARG -> i = parseArg(buf, i, end);
                case TO_EOL -> {
                    int lf = indexOfLf(buf, i, end);
                    if (lf < 0) {
                        i = end;
                    } else {
                        i = lf + 1;
                        state = OP_START;
                        switch (op) {
                            case PING -> handler.onPing();
                            case PONG -> handler.onPong();
                            default -> handler.onOk();
                        }
                    }
                }
                case PAYLOAD -> i = parsePayload(buf, i, end);
                default -> {
                    return; // STOPPED
                }
            }
        }
    }

    private boolean startOp(byte b) {
        switch (lower(b)) {
            case 'p' -> {
                state = OP_P;
                return true;
            }
            case 'c' -> op = CONNECT;
            case 'i' -> op = INFO;
            case 's' -> op = SUB;
            case 'u' -> op = UNSUB;
            case 'h' -> op = HPUB;
            case '+' -> op = OK;
            case '-' -> op = ERR;
            default -> {
                return false;
            }
        }
        verbPos = 1;
        state = VERB;
        return true;
    }

    private static int afterVerb(int op) {
        return switch (op) {
            case CONNECT, INFO -> SKIP_SPACES;
            case PING, PONG, OK -> TO_EOL;
            default -> NEED_SPACE;
        };
    }

    /** ARG state from {@code i}; returns the index to continue at. */
    private int parseArg(byte[] buf, int i, int end) {
        int lf = indexOfLf(buf, i, end);
        if (lf < 0) {
            savePartialArg(buf, end);
            return end;
        }
        int here = lf - argStart;
        int lineLen = argLen + here;
        byte last = here > 0 ? buf[lf - 1] : (argLen > 0 ? argBuf[argLen - 1] : 0);
        if (last == '\r') {
            lineLen--;
        }
        if (lineLen > maxControlLine) {
            failControlLine(lineLen);
            return end;
        }
        byte[] line;
        int lineOff;
        if (argLen == 0) {
            line = buf;
            lineOff = argStart;
        } else {
            appendArg(buf, argStart, here);
            line = argBuf;
            lineOff = 0;
        }
        argLen = 0;
        state = OP_START;
        processLine(line, lineOff, lineLen);
        return lf + 1;
    }

    private void savePartialArg(byte[] buf, int end) {
        int n = end - argStart;
        int pending = argLen + n;
        int effective = buf[end - 1] == '\r' ? pending - 1 : pending;
        if (effective > maxControlLine) {
            failControlLine(effective);
            return;
        }
        appendArg(buf, argStart, n);
    }

    private void appendArg(byte[] buf, int from, int n) {
        int needed = argLen + n;
        if (argBuf == null || argBuf.length < needed) {
            int cap = Math.max(needed, Math.min(maxControlLine + 1, Math.max(256, argBuf == null ? 0 : argBuf.length * 2)));
            byte[] bigger = new byte[cap];
            if (argLen > 0) {
                System.arraycopy(argBuf, 0, bigger, 0, argLen);
            }
            argBuf = bigger;
        }
        System.arraycopy(buf, from, argBuf, argLen, n);
        argLen = needed;
    }

    private void processLine(byte[] line, int off, int len) {
        switch (op) {
            case CONNECT -> handler.onConnect(line, off, len);
            case INFO -> handler.onInfo(line, off, len);
            case ERR -> handler.onErr(latin1(line, off, off + len));
            case SUB -> processSub(line, off, len);
            case UNSUB -> processUnsub(line, off, len);
            case PUB -> processPub(line, off, len);
            case HPUB -> processHpub(line, off, len);
            default -> throw new IllegalStateException("op " + op);
        }
    }

    private void processSub(byte[] line, int off, int len) {
        int n = tokenize(line, off, len, true);
        if (n != 2 && n != 3) {
            failArgs(line, off, len);
            return;
        }
        String subject = token(line, 0);
        String queue = n == 3 ? token(line, 1) : null;
        String sid = token(line, n - 1);
        handler.onSub(subject, queue, sid);
    }

    private void processUnsub(byte[] line, int off, int len) {
        int n = tokenize(line, off, len, true);
        if (n != 1 && n != 2) {
            failArgs(line, off, len);
            return;
        }
        // nats-server takes a max that does not parse as "no max" (unsubscribes at once).
        long max = n == 2 ? parseSize(line, tokStart[1], tokEnd[1]) : -1;
        handler.onUnsub(token(line, 0), max);
    }

    private void processPub(byte[] line, int off, int len) {
        int n = tokenize(line, off, len, false);
        if (n != 2 && n != 3) {
            failArgs(line, off, len);
            return;
        }
        int size = parseSize(line, tokStart[n - 1], tokEnd[n - 1]);
        if (size < 0) {
            failArgs(line, off, len);
            return;
        }
        startPayload(line, n == 3, 0, size);
    }

    private void processHpub(byte[] line, int off, int len) {
        if (!headersEnabled) {
            fail(ProtocolError.HEADERS_NOT_SUPPORTED, "HPUB without headers support: " + snippet(line, off, off + len));
            return;
        }
        int n = tokenize(line, off, len, false);
        if (n != 3 && n != 4) {
            failArgs(line, off, len);
            return;
        }
        int hdr = parseSize(line, tokStart[n - 2], tokEnd[n - 2]);
        int total = parseSize(line, tokStart[n - 1], tokEnd[n - 1]);
        if (hdr < 0 || total < 0 || hdr > total) {
            failArgs(line, off, len);
            return;
        }
        startPayload(line, n == 4, hdr, total);
    }

    private void startPayload(byte[] line, boolean hasReply, int hdrLen, int total) {
        int max = maxPayload;
        if (max >= 0 && total > max) {
            fail(ProtocolError.MAX_PAYLOAD_VIOLATION, "size " + total + " above max_payload " + max);
            return;
        }
        pendingSubject = recentStrings.get(line, tokStart[0], tokEnd[0]);
        pendingReply = hasReply ? token(line, 1) : null;
        pendingHdrLen = hdrLen;
        pendingTotal = total;
        msgLen = 0;
        state = PAYLOAD;
    }

    /** PAYLOAD state from {@code i}; returns the index to continue at. */
    private int parsePayload(byte[] buf, int i, int end) {
        int total = pendingTotal;
        int need = total + 2;
        if (msgLen == 0 && end - i >= need) {
            if (buf[i + total] != '\r' || buf[i + total + 1] != '\n') {
                failUnknown(buf, i + total, end);
                return end;
            }
            deliver(buf, i);
            return i + need;
        }
        int n = Math.min(need - msgLen, end - i);
        if (msgBuf == null || msgBuf.length < need) {
            byte[] bigger = new byte[Math.max(need, msgBuf == null ? 0 : Math.min(msgBuf.length * 2, maxScratch()))];
            if (msgLen > 0) {
                System.arraycopy(msgBuf, 0, bigger, 0, msgLen);
            }
            msgBuf = bigger;
        }
        System.arraycopy(buf, i, msgBuf, msgLen, n);
        msgLen += n;
        if (msgLen > total && msgBuf[total] != '\r' || msgLen == need && msgBuf[total + 1] != '\n') {
            failUnknown(buf, i + n - 1, end);
            return end;
        }
        if (msgLen == need) {
            msgLen = 0;
            deliver(msgBuf, 0);
        }
        return i + n;
    }

    private int maxScratch() {
        int max = maxPayload;
        return max >= 0 ? max + 2 : Integer.MAX_VALUE - 8;
    }

    private void deliver(byte[] buf, int off) {
        String subject = pendingSubject;
        String reply = pendingReply;
        pendingSubject = null;
        pendingReply = null;
        state = OP_START;
        handler.onPub(subject, reply, pendingHdrLen, buf, off, pendingTotal);
    }

    /**
     * Splits {@code line[off, off+len)} on runs of space/tab (and CR when {@code crIsSpace}) into
     * {@link #tokStart}/{@link #tokEnd}; returns the token count, or {@code MAX_TOKENS + 1} when there are more.
     */
    private int tokenize(byte[] line, int off, int len, boolean crIsSpace) {
        int n = 0;
        int start = -1;
        int end = off + len;
        for (int i = off; i < end; i++) {
            byte b = line[i];
            boolean space = b == ' ' || b == '\t' || (crIsSpace && b == '\r');
            if (space) {
                if (start >= 0) {
                    if (n == MAX_TOKENS) {
                        return MAX_TOKENS + 1;
                    }
                    tokStart[n] = start;
                    tokEnd[n++] = i;
                    start = -1;
                }
            } else if (start < 0) {
                start = i;
            }
        }
        if (start >= 0) {
            if (n == MAX_TOKENS) {
                return MAX_TOKENS + 1;
            }
            tokStart[n] = start;
            tokEnd[n++] = end;
        }
        return n;
    }

    private String token(byte[] line, int t) {
        return latin1(line, tokStart[t], tokEnd[t]);
    }

    /** A size of 1 to 9 ASCII digits, or -1 (as nats-server: longer or non-digit sizes are invalid). */
    public static int parseSize(byte[] b, int from, int to) {
        int n = to - from;
        if (n <= 0 || n > MAX_SIZE_DIGITS) {
            return -1;
        }
        int v = 0;
        for (int i = from; i < to; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v;
    }

    private static int indexOfLf(byte[] buf, int from, int to) {
        for (int i = from; i < to; i++) {
            if (buf[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static int lower(byte b) {
        return b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b;
    }

    private static String latin1(byte[] b, int from, int to) {
        return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private void failUnknown(byte[] buf, int at, int end) {
        String where = state == VERB || state == NEED_SPACE ? " in " + OP_NAMES[op] : "";
        fail(ProtocolError.UNKNOWN_PROTOCOL_OPERATION,
            "unexpected byte" + where + " at " + snippet(buf, at, end));
    }

    private void failArgs(byte[] line, int off, int len) {
        fail(ProtocolError.PARSE_ERROR, OP_NAMES[op] + " arguments: " + snippet(line, off, off + len));
    }

    private void failControlLine(int len) {
        fail(ProtocolError.MAX_CONTROL_LINE_EXCEEDED,
            OP_NAMES[op] + " arguments of " + len + " bytes, max_control_line " + maxControlLine);
    }

    private void fail(ProtocolError error, String detail) {
        failed = true;
        state = STOPPED;
        argLen = 0;
        msgLen = 0;
        pendingSubject = null;
        pendingReply = null;
        handler.onProtocolError(error, detail);
    }

    /** Up to 64 bytes from {@code from}, quoted, with non-printable bytes escaped. */
    public static String snippet(byte[] b, int from, int to) {
        StringBuilder sb = new StringBuilder("'");
        int stop = Math.min(to, from + 64);
        for (int i = from; i < stop; i++) {
            int c = b[i] & 0xFF;
            switch (c) {
                case '\r' -> sb.append("\\r");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\'' -> sb.append("\\'");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (c < 0x20 || c >= 0x7F) {
                        sb.append(String.format("\\x%02x", c));
                    } else {
                        sb.append((char) c);
                    }
                }
            }
        }
        sb.append(stop < to ? "'..." : "'");
        return sb.toString();
    }
}
