package io.natsj.server.cluster;

import io.natsj.server.protocol.ClientParser;
import io.natsj.server.protocol.ProtocolError;
import io.natsj.server.protocol.RecentStrings;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Decodes the byte stream a route peer sends into {@link RouteOpHandler} calls: a resumable, byte-at-a-time state
 * machine (the design of {@link ClientParser}) that keeps its state between {@link #parse} calls, so the stream may
 * be split anywhere and gives the same calls in the same order.
 *
 * <pre>
 * verb     : case-insensitive; a byte that starts no known verb fails at once (garbage is noticed before any LF)
 * CONNECT  = "CONNECT" *SP json EOL       INFO = "INFO" *SP json EOL
 * PING, PONG, +OK = verb *any-but-LF LF   -ERR = "-ERR" 1*SP text EOL
 * RS+      = "RS+" 1*SP [account] subject [queue weight] EOL
 * LS+      = "LS+" 1*SP origin [account] subject [queue weight] EOL
 * RS-, LS- = verb 1*SP [origin] [account] subject [queue] EOL   (LS- has the origin only with lnocu)
 * RMSG     = "RMSG" 1*SP [account] subject [reply | "+" reply queue* | "|" queue*] size EOL payload CRLF
 * HMSG     = "HMSG" 1*SP [account] subject [reply | "+" reply queue* | "|" queue*] hdr-size size EOL payload CRLF
 * LMSG     = "LMSG" 1*SP origin [account] subject [...as HMSG] hdr-size size EOL payload CRLF
 * A+, A-   = accepted and ignored (nats-server acts on them only on gateways)
 * args     : split on runs of space, tab and CR; [account] is absent on a route pinned to one account
 * </pre>
 *
 * <p>Limits: a control line may carry at most {@code maxControlLine} argument bytes (16 times the client limit, as
 * nats-server sizes route buffers); there is no payload limit on routes (nats-server sets none).
 *
 * <p>Errors: a bad verb or framing gives {@link ProtocolError#UNKNOWN_PROTOCOL_OPERATION}, bad arguments
 * {@link ProtocolError#PARSE_ERROR} (nats-server closes the route without -ERR); then the parser ignores all input.
 *
 * <p>Threading: not thread-safe; one route's reader thread calls {@link #parse}. Callbacks may call
 * {@link #pinnedAccount(String)}, {@link #leafUnsubOrigin(boolean)} and {@link #stop()}, effective for the next op.
 */
public final class RouteParser {

    private static final int OP_START = 0;
    private static final int VERB = 1;
    private static final int NEED_SPACE = 2;
    private static final int SKIP_SPACES = 3;
    private static final int ARG = 4;
    private static final int TO_EOL = 5;
    private static final int PAYLOAD = 6;
    private static final int STOPPED = 7;

    private static final int CONNECT = 0;
    private static final int INFO = 1;
    private static final int PING = 2;
    private static final int PONG = 3;
    private static final int OK = 4;
    private static final int ERR = 5;
    private static final int RSUB = 6;
    private static final int RUNSUB = 7;
    private static final int LSUB = 8;
    private static final int LUNSUB = 9;
    private static final int RMSG = 10;
    private static final int HMSG = 11;
    private static final int LMSG = 12;
    private static final int ASUB = 13;
    private static final int AUNSUB = 14;

    private static final String[] NAMES = {"CONNECT", "INFO", "PING", "PONG", "+OK", "-ERR", "RS+", "RS-", "LS+",
        "LS-", "RMSG", "HMSG", "LMSG", "A+", "A-"};
    private static final byte[][] VERBS = new byte[NAMES.length][];

    static {
        for (int i = 0; i < NAMES.length; i++) {
            VERBS[i] = NAMES[i].toLowerCase().getBytes(StandardCharsets.US_ASCII);
        }
    }

    private final RouteOpHandler handler;
    private final int maxControlLine;
    private String pinnedAccount;
    private final RecentStrings recentStrings = new RecentStrings();
    private boolean leafUnsubOrigin;
    private boolean awaitConnect;

    private int state = OP_START;
    private int op;
    private int verbMask;
    private int verbPos;
    private boolean failed;

    private int argStart;
    private byte[] argBuf;
    private int argLen;

    private int[] tokStart = new int[8];
    private int[] tokEnd = new int[8];

    private String pOrigin;
    private String pAccount;
    private String pSubject;
    private String pReply;
    private List<String> pQueues = List.of();
    private int pHdrLen;
    private int pTotal;
    private byte[] msgBuf;
    private int msgLen;

    /**
     * @param handler        receives the decoded ops
     * @param maxControlLine the most argument bytes a control line may carry
     */
    public RouteParser(RouteOpHandler handler, int maxControlLine) {
        this.handler = Objects.requireNonNull(handler, "handler");
        if (maxControlLine <= 0) {
            throw new IllegalArgumentException("maxControlLine must be positive: " + maxControlLine);
        }
        this.maxControlLine = maxControlLine;
    }

    /** A route pinned to one account omits the account token: the ops that follow are for {@code account}. */
    public void pinnedAccount(String account) {
        this.pinnedAccount = account;
    }

    /** Whether {@code LS-} carries the origin cluster (both sides announced {@code lnocu}). */
    public void leafUnsubOrigin(boolean withOrigin) {
        this.leafUnsubOrigin = withOrigin;
    }

    /**
     * While true, an op that does not start with {@code C} fails with {@link ProtocolError#AUTHORIZATION_VIOLATION}
     * (an accepted route whose server requires authorization, before its CONNECT), as nats-server does.
     */
    public void awaitConnect(boolean await) {
        this.awaitConnect = await;
    }

    /** True once a protocol error was reported. */
    public boolean failed() {
        return failed;
    }

    /** Ignores the rest of the current buffer and all later input. */
    public void stop() {
        state = STOPPED;
    }

    /** True between ops. Visible for tests. */
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
                case OP_START, VERB -> {
                    if (awaitConnect && state == OP_START && buf[i] != 'C' && buf[i] != 'c') {
                        fail(ProtocolError.AUTHORIZATION_VIOLATION, "op before CONNECT: "
                                + ClientParser.snippet(buf, i, end));
                        return;
                    }
                    if (!matchVerb(buf[i])) {
                        failUnknown(buf, i, end);
                        return;
                    }
                    i++;
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
                    return;
                }
            }
        }
    }

    /** One more verb byte: narrows the verbs it may still be; false when it can be none. */
    private boolean matchVerb(byte b) {
        int c = b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b;
        int mask = state == OP_START ? (1 << VERBS.length) - 1 : verbMask;
        int pos = state == OP_START ? 0 : verbPos;
        int next = 0;
        int complete = -1;
        for (int v = 0; v < VERBS.length; v++) {
            if ((mask & (1 << v)) != 0 && VERBS[v].length > pos && VERBS[v][pos] == c) {
                next |= 1 << v;
                if (VERBS[v].length == pos + 1) {
                    complete = v;
                }
            }
        }
        if (next == 0) {
            return false;
        }
        if (complete >= 0) {
            op = complete; // no verb is a prefix of another, so a complete verb is the only candidate
            state = switch (op) {
                case CONNECT, INFO -> SKIP_SPACES;
                case PING, PONG, OK -> TO_EOL;
                default -> NEED_SPACE;
            };
        } else {
            state = VERB;
            verbMask = next;
            verbPos = pos + 1;
        }
        return true;
    }

    private int parseArg(byte[] buf, int i, int end) {
        int lf = indexOfLf(buf, i, end);
        if (lf < 0) {
            int n = end - argStart;
            int effective = argLen + n - (buf[end - 1] == '\r' ? 1 : 0);
            if (effective > maxControlLine) {
                failControlLine(effective);
                return end;
            }
            appendArg(buf, argStart, n);
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

    private void appendArg(byte[] buf, int from, int n) {
        int needed = argLen + n;
        if (argBuf == null || argBuf.length < needed) {
            int cap = Math.max(needed, Math.min(maxControlLine + 1, Math.max(256, argBuf == null ? 0 : argBuf.length * 2)));
            argBuf = argBuf == null ? new byte[cap] : Arrays.copyOf(argBuf, cap);
        }
        System.arraycopy(buf, from, argBuf, argLen, n);
        argLen = needed;
    }

    private void processLine(byte[] line, int off, int len) {
        switch (op) {
            case CONNECT -> handler.onConnect(line, off, len);
            case INFO -> handler.onInfo(line, off, len);
            case ERR -> handler.onErr(latin1(line, off, off + len));
            case RSUB -> processSub(line, off, len, false);
            case LSUB -> processSub(line, off, len, true);
            case RUNSUB -> processUnsub(line, off, len, false);
            case LUNSUB -> processUnsub(line, off, len, leafUnsubOrigin);
            case RMSG -> processMsg(line, off, len, false, false);
            case HMSG -> processMsg(line, off, len, false, true);
            case LMSG -> processMsg(line, off, len, true, true);
            default -> {
                // A+ / A-: nothing to do on a route
            }
        }
    }

    private void processSub(byte[] line, int off, int len, boolean hasOrigin) {
        int n = tokenize(line, off, len);
        int a = (hasOrigin ? 1 : 0) + (pinnedAccount == null ? 1 : 0); // index of the subject
        if (n != a + 1 && n != a + 3) {
            failArgs(line, off, len);
            return;
        }
        String queue = null;
        int weight = 0;
        if (n == a + 3) {
            queue = token(line, a + 1);
            weight = ClientParser.parseSize(line, tokStart[a + 2], tokEnd[a + 2]);
            if (weight < 0) {
                failArgs(line, off, len);
                return;
            }
        }
        handler.onSubscribe(hasOrigin ? token(line, 0) : null, account(line, a), token(line, a), queue, weight);
    }

    private void processUnsub(byte[] line, int off, int len, boolean hasOrigin) {
        int n = tokenize(line, off, len);
        int a = (hasOrigin ? 1 : 0) + (pinnedAccount == null ? 1 : 0);
        if (n != a + 1 && n != a + 2) {
            failArgs(line, off, len);
            return;
        }
        handler.onUnsubscribe(hasOrigin ? token(line, 0) : null, account(line, a), token(line, a),
                n == a + 2 ? token(line, a + 1) : null);
    }

    private void processMsg(byte[] line, int off, int len, boolean hasOrigin, boolean withHeaders) {
        int n = tokenize(line, off, len);
        int a = (hasOrigin ? 1 : 0) + (pinnedAccount == null ? 1 : 0);
        int sizes = withHeaders ? 2 : 1;
        int rest = n - a - sizes; // subject plus what sits between it and the sizes
        if (rest < 1) {
            failArgs(line, off, len);
            return;
        }
        String reply = null;
        List<String> queues = List.of();
        if (rest == 2) {
            reply = token(line, a + 1);
        } else if (rest > 2) {
            int ind = a + 1;
            if (tokEnd[ind] - tokStart[ind] != 1 || (line[tokStart[ind]] != '+' && line[tokStart[ind]] != '|')) {
                failArgs(line, off, len);
                return;
            }
            int q = ind + 1;
            if (line[tokStart[ind]] == '+') {
                reply = token(line, q++);
            }
            int qEnd = n - sizes;
            if (q < qEnd) {
                List<String> list = new ArrayList<>(qEnd - q);
                for (; q < qEnd; q++) {
                    list.add(token(line, q));
                }
                queues = list;
            }
        }
        int total = ClientParser.parseSize(line, tokStart[n - 1], tokEnd[n - 1]);
        int hdr = withHeaders ? ClientParser.parseSize(line, tokStart[n - 2], tokEnd[n - 2]) : 0;
        if (total < 0 || hdr < 0 || hdr > total) {
            failArgs(line, off, len);
            return;
        }
        pOrigin = hasOrigin ? token(line, 0) : null;
        pAccount = pinnedAccount != null ? pinnedAccount : recent(line, a - 1);
        pSubject = recent(line, a);
        pReply = reply;
        pQueues = queues;
        pHdrLen = hdr;
        pTotal = total;
        msgLen = 0;
        state = PAYLOAD;
    }

    private String account(byte[] line, int subjectIndex) {
        return pinnedAccount != null ? pinnedAccount : token(line, subjectIndex - 1);
    }

    private int parsePayload(byte[] buf, int i, int end) {
        int total = pTotal;
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
            byte[] bigger = new byte[Math.max(need, msgBuf == null ? 0 : Math.min(msgBuf.length * 2, Integer.MAX_VALUE - 8))];
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

    private void deliver(byte[] buf, int off) {
        String origin = pOrigin;
        String account = pAccount;
        String subject = pSubject;
        String reply = pReply;
        List<String> queues = pQueues;
        pOrigin = pAccount = pSubject = pReply = null;
        pQueues = List.of();
        state = OP_START;
        handler.onMessage(origin, account, subject, reply, queues, buf, off, pHdrLen, pTotal);
    }

    /** Splits on runs of space, tab and CR into {@link #tokStart}/{@link #tokEnd}; returns the token count. */
    private int tokenize(byte[] line, int off, int len) {
        int n = 0;
        int start = -1;
        int end = off + len;
        for (int i = off; i <= end; i++) {
            boolean space = i == end || line[i] == ' ' || line[i] == '\t' || line[i] == '\r';
            if (space) {
                if (start >= 0) {
                    if (n == tokStart.length) {
                        tokStart = Arrays.copyOf(tokStart, n * 2);
                        tokEnd = Arrays.copyOf(tokEnd, n * 2);
                    }
                    tokStart[n] = start;
                    tokEnd[n++] = i;
                    start = -1;
                }
            } else if (start < 0) {
                start = i;
            }
        }
        return n;
    }

    private String token(byte[] line, int t) {
        return latin1(line, tokStart[t], tokEnd[t]);
    }

    /** A message's account or subject token, as a String made recently for the same bytes when there is one. */
    private String recent(byte[] line, int t) {
        return recentStrings.get(line, tokStart[t], tokEnd[t]);
    }

    private static int indexOfLf(byte[] buf, int from, int to) {
        for (int i = from; i < to; i++) {
            if (buf[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static String latin1(byte[] b, int from, int to) {
        return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
    }

    private void failUnknown(byte[] buf, int at, int end) {
        fail(ProtocolError.UNKNOWN_PROTOCOL_OPERATION, "unexpected byte at " + ClientParser.snippet(buf, at, end));
    }

    private void failArgs(byte[] line, int off, int len) {
        fail(ProtocolError.PARSE_ERROR, NAMES[op] + " arguments: " + ClientParser.snippet(line, off, off + len));
    }

    private void failControlLine(int len) {
        fail(ProtocolError.MAX_CONTROL_LINE_EXCEEDED,
            NAMES[op] + " arguments of " + len + " bytes, max_control_line " + maxControlLine);
    }

    private void fail(ProtocolError error, String detail) {
        failed = true;
        state = STOPPED;
        argLen = 0;
        msgLen = 0;
        handler.onProtocolError(error, detail);
    }
}
