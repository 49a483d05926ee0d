package io.natsj.server.monitor;

/**
 * What a monitoring endpoint answers: the HTTP status and the body, written indented (as nats-server's
 * {@code json.MarshalIndent}) or compact (as its {@code json.Marshal}, used by {@code /healthz}).
 *
 * <p>Threading: immutable.
 */
record MonitorReply(int status, Object body, boolean indented) {

    static MonitorReply indented(Object body) {
        return new MonitorReply(200, body, true);
    }

    static MonitorReply compact(int status, Object body) {
        return new MonitorReply(status, body, false);
    }
}
