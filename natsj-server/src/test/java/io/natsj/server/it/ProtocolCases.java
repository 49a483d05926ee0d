package io.natsj.server.it;

import java.io.IOException;
import java.util.List;

/**
 * The client inputs of docs/protocol.md's error table (measured against nats-server 2.9.10) with the answer expected
 * for each, shared by {@link BadInputIT} (natsj against the expectation) and {@link ProtocolDifferentialIT} (natsj
 * against nats-server).
 */
final class ProtocolCases {

    static final String CONNECT_HEADERS = "CONNECT {\"verbose\":false,\"headers\":true}\r\n";
    /** Credentials of the server that {@link #AUTH_TABLE} runs against. */
    static final String USER = "u";
    static final String PASSWORD = "p";

    /**
     * One exchange: on a fresh connection (INFO already read) send {@code connect}, then {@code input}; the server
     * answers {@code reply} and then closes, or stays open and answers a PING with PONG.
     */
    record Case(String name, String connect, String input, String reply, boolean closes) {

        /** The full answer expected from {@link #run}: open connections end with the PONG to the extra PING. */
        RawClient.Reply expected() {
            return new RawClient.Reply(closes ? reply : reply + "PONG\r\n", closes);
        }

        /** Runs the exchange on a new connection to {@code port}; a connection still open is sent a PING. */
        RawClient.Reply run(int port) throws IOException {
            try (RawClient raw = RawClient.open(port)) {
                try {
                    raw.send(connect + input);
                } catch (IOException e) {
                    // the server may close before it has read everything; what it sent is still to be read
                }
                RawClient.Reply first = raw.readReply();
                if (first.closed()) {
                    return first;
                }
                RawClient.Reply second = raw.send("PING\r\n").readReply();
                return new RawClient.Reply(first.text() + second.text(), second.closed());
            }
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Case err(String name, String input, String errText) {
        return err(name, RawClient.CONNECT, input, errText);
    }

    static Case err(String name, String connect, String input, String errText) {
        return new Case(name, connect, input, "-ERR '" + errText + "'\r\n", true);
    }

    static Case silent(String name, String input) {
        return silent(name, RawClient.CONNECT, input);
    }

    static Case silent(String name, String connect, String input) {
        return new Case(name, connect, input, "", true);
    }

    static Case open(String name, String input, String reply) {
        return open(name, RawClient.CONNECT, input, reply);
    }

    static Case open(String name, String connect, String input, String reply) {
        return new Case(name, connect, input, reply, false);
    }

    private static final String UNKNOWN = "Unknown Protocol Operation";
    private static final String CONTROL_LINE = "maximum control line exceeded";
    private static final String PAYLOAD = "Maximum Payload Violation";

    /** Every row of docs/protocol.md's error table, on a server without authentication. */
    static final List<Case> ERROR_TABLE = errorTable();

    /** The authentication row of the error table, on a server requiring {@link #USER}/{@link #PASSWORD}. */
    static final List<Case> AUTH_TABLE = List.of(
            err("auth: PING before CONNECT", "", "PING\r\n", "Authorization Violation"),
            err("auth: SUB before CONNECT", "", "SUB foo 1\r\n", "Authorization Violation"),
            err("auth: wrong password", "", "CONNECT {\"verbose\":false,\"user\":\"u\",\"pass\":\"x\"}\r\n",
                    "Authorization Violation"),
            err("auth: no credentials", "", RawClient.CONNECT, "Authorization Violation"),
            open("auth: good credentials", "", "CONNECT {\"verbose\":false,\"user\":\"u\",\"pass\":\"p\"}\r\n", ""));

    /**
     * The error table's "CONNECT with {@code account}" under single-user auth: nats-server refuses it, natsj accepts
     * it (a known bug, kept out of {@link #AUTH_TABLE}).
     */
    static final Case AUTH_WITH_ACCOUNT = err("auth: with account", "",
            "CONNECT {\"verbose\":false,\"user\":\"u\",\"pass\":\"p\",\"account\":\"A\"}\r\n",
            "Authorization Violation");

    private static List<Case> errorTable() {
        String longArg = "a".repeat(4095);
        return List.of(
                err("unknown verb", "XYZ\r\n", UNKNOWN),
                err("empty line", "\r\n", UNKNOWN),
                err("PUBX", "PUBX foo 1\r\n", UNKNOWN),
                err("route op RS+", "RS+ foo 1\r\n", UNKNOWN),
                err("PUB without space", "PUB\r\n", UNKNOWN),
                err("SUB without space", "SUB\r\n", UNKNOWN),
                err("UNSUB without space", "UNSUB\r\n", UNKNOWN),
                err("-ERR without space", "-ERR\r\n", UNKNOWN),
                err("MSG from a client", "MSG foo 1 3\r\nabc\r\n", UNKNOWN),
                err("HMSG from a client", "HMSG foo 1 3\r\nabc\r\n", UNKNOWN),
                err("payload longer than size", "PUB foo 3\r\nabcd\r\n", UNKNOWN),
                err("payload shorter than size", "PUB foo 3\r\nab\r\n\r\n", UNKNOWN),
                err("PUB arguments of 4097 bytes", "PUB " + longArg + " 0\r\n", CONTROL_LINE),
                err("SUB arguments of 4097 bytes", "SUB " + longArg + " 1\r\n", CONTROL_LINE),
                err("CONNECT of 4097 bytes", "", "CONNECT {\"verbose\":false,\"name\":\""
                        + "n".repeat(4097 - 27) + "\"}\r\n", CONTROL_LINE),
                err("5000 argument bytes without LF", "PUB " + "a".repeat(5000), CONTROL_LINE),
                open("PUB arguments of exactly 4096 bytes", "PUB " + "a".repeat(4094) + " 0\r\n\r\n", ""),
                err("PUB size max_payload + 1", "PUB foo 1048577\r\n", PAYLOAD),
                err("PUB size 999999999", "PUB foo 999999999\r\n", PAYLOAD),
                err("HPUB total 2000000", CONNECT_HEADERS, "HPUB foo 10 2000000\r\n", PAYLOAD),
                silent("PUB subject only", "PUB foo\r\n"),
                silent("PUB four arguments", "PUB foo bar baz 3\r\n"),
                silent("PUB no arguments", "PUB \r\n"),
                silent("PUB size -1", "PUB foo -1\r\n"),
                silent("PUB size +3", "PUB foo +3\r\n"),
                silent("PUB size x", "PUB foo x\r\n"),
                silent("PUB size of 10 digits", "PUB foo 0000000001\r\n"),
                silent("HPUB header > total", CONNECT_HEADERS, "HPUB foo 10 5\r\n"),
                silent("HPUB one size", CONNECT_HEADERS, "HPUB foo 3\r\n"),
                silent("HPUB header -1", CONNECT_HEADERS, "HPUB foo -1 3\r\n"),
                silent("HPUB six arguments", CONNECT_HEADERS, "HPUB foo a b c d e\r\n"),
                silent("HPUB without headers:true", "HPUB foo 12 14\r\nNATS/1.0\r\n\r\nhi\r\n"),
                silent("HPUB before CONNECT", "", "HPUB foo 12 14\r\nNATS/1.0\r\n\r\nhi\r\n"),
                silent("SUB subject only", "SUB foo\r\n"),
                silent("SUB four arguments", "SUB foo a b c\r\n"),
                silent("UNSUB three arguments", "UNSUB 1 2 3\r\n"),
                silent("UNSUB no arguments", "UNSUB \r\n"),
                open("UNSUB max x", "SUB foo 1\r\nUNSUB 1 x\r\nPUB foo 2\r\nhi\r\n", ""),
                open("UNSUB max -5", "SUB foo 1\r\nUNSUB 1 -5\r\nPUB foo 2\r\nhi\r\n", ""),
                open("UNSUB max 0", "SUB foo 1\r\nUNSUB 1 0\r\nPUB foo 2\r\nhi\r\n", ""),
                open("SUB invalid subject", "SUB foo..bar 1\r\n", "-ERR 'Invalid Subject'\r\n"),
                open("SUB queue _sys_", "SUB foo _sys_ 1\r\n",
                        "-ERR 'Permissions Violation for Subscription to \"foo\" using queue \"_sys_\"'\r\n"),
                open("pedantic PUB to a wildcard", "CONNECT {\"verbose\":false,\"pedantic\":true}\r\n",
                        "SUB > 1\r\nPUB foo.* 1\r\nx\r\n", "-ERR 'Invalid Publish Subject'\r\nMSG foo.* 1 1\r\nx\r\n"),
                silent("-ERR from the client", "-ERR 'boom'\r\n"),
                silent("INFO garbage", "INFO garbage\r\n"),
                open("INFO {}", "INFO {}\r\n", ""),
                silent("CONNECT not JSON", "", "CONNECT {bad\r\n"),
                silent("CONNECT verbose as string", "", "CONNECT {\"verbose\":\"false\"}\r\n"),
                silent("CONNECT echo as number", "", "CONNECT {\"verbose\":false,\"echo\":0}\r\n"),
                silent("CONNECT protocol 1.5", "", "CONNECT {\"verbose\":false,\"protocol\":1.5}\r\n"),
                silent("CONNECT array", "", "CONNECT []\r\n"),
                silent("CONNECT data after the object", "", "CONNECT {\"verbose\":false} x\r\n"),
                err("CONNECT protocol 2", "", "CONNECT {\"verbose\":false,\"protocol\":2}\r\n",
                        "invalid client protocol"),
                err("CONNECT protocol -1", "", "CONNECT {\"verbose\":false,\"protocol\":-1}\r\n",
                        "invalid client protocol"),
                err("CONNECT no_responders without headers", "",
                        "CONNECT {\"verbose\":false,\"no_responders\":true}\r\n",
                        "no responders requires headers support"));
    }

    private ProtocolCases() {
    }
}
