package io.natsj.server.protocol;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Records every callback as a readable line, copying buffers at call time. */
class RecordingHandler implements ClientOpHandler {

    final List<String> events = new ArrayList<>();
    ProtocolError error;
    String errorDetail;
    /** The buffer of the last onPub call (to tell a slice of the caller's buffer from the parser's scratch). */
    byte[] lastPubBuf;

    static String text(byte[] b, int off, int len) {
        return new String(b, off, len, StandardCharsets.ISO_8859_1);
    }

    @Override
    public void onConnect(byte[] buf, int off, int len) {
        events.add("CONNECT " + text(buf, off, len));
    }

    @Override
    public void onInfo(byte[] buf, int off, int len) {
        events.add("INFO " + text(buf, off, len));
    }

    @Override
    public void onPing() {
        events.add("PING");
    }

    @Override
    public void onPong() {
        events.add("PONG");
    }

    @Override
    public void onSub(String subject, String queue, String sid) {
        events.add("SUB " + subject + " " + queue + " " + sid);
    }

    @Override
    public void onUnsub(String sid, long maxMsgs) {
        events.add("UNSUB " + sid + " " + maxMsgs);
    }

    @Override
    public void onPub(String subject, String reply, int hdrLen, byte[] buf, int off, int totalLen) {
        lastPubBuf = buf;
        events.add("PUB " + subject + " " + reply + " " + hdrLen + " [" + text(buf, off, totalLen) + "]");
    }

    @Override
    public void onOk() {
        events.add("+OK");
    }

    @Override
    public void onErr(String text) {
        events.add("-ERR " + text);
    }

    @Override
    public void onProtocolError(ProtocolError error, String detail) {
        if (this.error != null) {
            throw new AssertionError("second protocol error " + error + " after " + this.error);
        }
        this.error = error;
        this.errorDetail = detail;
        events.add("ERROR " + error);
    }
}
