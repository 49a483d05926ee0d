package io.natsj.server.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Produces the INFO line sent on every accept without running Jackson per connection: the server's
 * {@link ServerInfo} is serialised once, split around the per-connection fields, and each connection's line is
 * the two halves joined by its own {@code client_id}, {@code client_ip} and {@code nonce}.
 *
 * <pre>
 * head                                             per connection                                  tail
 * INFO {"server_id":..,..,"max_payload":N[,"jetstream":true] ,"client_id":C,"client_ip":"I"[,"nonce":"X"] [,"cluster":..,..]} \r\n
 * </pre>
 * The result is byte-identical to {@code info.copy().clientId(C).clientIp(I).nonce(X).encodeLine()}.
 *
 * <p>Threading: immutable after construction; {@link #encode} may be called from any thread.
 */
public final class InfoLineTemplate {

    private static final String CLIENT_ID = "client_id";
    private static final String CLIENT_IP = "client_ip";
    private static final String NONCE = "nonce";

    private final byte[] head;
    private final byte[] tail;

    private InfoLineTemplate(byte[] head, byte[] tail) {
        this.head = head;
        this.tail = tail;
    }

    /** A template of {@code info}; its own client_id, client_ip and nonce are ignored. */
    public static InfoLineTemplate of(ServerInfo info) {
        // client_id 1 marks where the per-connection fields go; ip and nonce are then omitted.
        JsonNode tree = ProtocolJson.MAPPER.valueToTree(info.copy().clientId(1).clientIp(null).nonce(null));
        StringBuilder head = new StringBuilder("INFO {");
        StringBuilder tail = new StringBuilder();
        boolean before = true;
        boolean firstHead = true;
        for (Map.Entry<String, JsonNode> e : tree.properties()) {
            String name = e.getKey();
            if (name.equals(CLIENT_ID)) {
                before = false;
                continue;
            }
            String field = ProtocolJson.MAPPER.writeValueAsString(name) + ":"
                + ProtocolJson.MAPPER.writeValueAsString(e.getValue());
            if (before) {
                head.append(firstHead ? "" : ",").append(field);
                firstHead = false;
            } else {
                tail.append(tail.isEmpty() ? "" : ",").append(field);
            }
        }
        return new InfoLineTemplate(head.toString().getBytes(StandardCharsets.UTF_8),
            tail.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The INFO line for one connection.
     *
     * @param clientId the connection id (omitted when 0, as nats-server does)
     * @param clientIp the client's address, or null to omit
     * @param nonce    the auth nonce, or null to omit
     */
    public byte[] encode(long clientId, String clientIp, String nonce) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(head.length + tail.length + 96);
        out.writeBytes(head);
        boolean any = head.length > "INFO {".length();
        if (clientId != 0) {
            any = field(out, any, CLIENT_ID);
            out.writeBytes(Long.toString(clientId).getBytes(StandardCharsets.US_ASCII));
        }
        if (clientIp != null && !clientIp.isEmpty()) {
            any = field(out, any, CLIENT_IP);
            writeJsonString(out, clientIp);
        }
        if (nonce != null && !nonce.isEmpty()) {
            any = field(out, any, NONCE);
            writeJsonString(out, nonce);
        }
        if (tail.length > 0) {
            if (any) {
                out.write(',');
            }
            out.writeBytes(tail);
        }
        out.writeBytes(ServerOps.ascii("} \r\n"));
        return out.toByteArray();
    }

    private static boolean field(ByteArrayOutputStream out, boolean any, String name) {
        if (any) {
            out.write(',');
        }
        out.write('"');
        out.writeBytes(name.getBytes(StandardCharsets.US_ASCII));
        out.write('"');
        out.write(':');
        return true;
    }

    /** A JSON string the way Jackson writes it; plain printable ASCII (IPs, nonces) is written directly. */
    private static void writeJsonString(ByteArrayOutputStream out, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') {
                out.writeBytes(ProtocolJson.MAPPER.writeValueAsBytes(s));
                return;
            }
        }
        out.write('"');
        out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
        out.write('"');
    }
}
