package io.natsj.server.raft.route;

import io.natsj.server.raft.RaftMessageCodec;
import io.natsj.server.raft.host.GroupMessage;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The payload of one {@code $NRG.J.<peer>} message: many groups' Raft messages to one server, as a frame.
 * Big-endian.
 *
 * <pre>
 *  offset  size  field
 *  0       1     version  1
 *  1       4     count    number of messages (u32)
 *  then count times:
 *          2     G        group name length (u16)
 *          G     group    UTF-8
 *          4     M        message length (u32)
 *          M     message  {@link RaftMessageCodec}
 * </pre>
 *
 * A round's messages to one peer are split into several frames when they would exceed the frame size limit
 * (one message larger than the limit goes alone).
 *
 * <p>Threading: stateless; safe from any thread.
 */
public final class RaftFrames {

    private static final int VERSION = 1;

    private RaftFrames() {
    }

    /** Encodes {@code messages} into frames of at most about {@code maxFrame} bytes each. */
    public static List<byte[]> encode(List<GroupMessage> messages, int maxFrame) {
        List<byte[]> frames = new ArrayList<>();
        List<byte[]> names = new ArrayList<>();
        List<byte[]> bodies = new ArrayList<>();
        int size = 5;
        for (GroupMessage m : messages) {
            byte[] name = m.group().getBytes(StandardCharsets.UTF_8);
            byte[] body = RaftMessageCodec.encode(m.message());
            int add = 6 + name.length + body.length;
            if (!names.isEmpty() && size + add > maxFrame) {
                frames.add(frame(names, bodies, size));
                names.clear();
                bodies.clear();
                size = 5;
            }
            names.add(name);
            bodies.add(body);
            size += add;
        }
        if (!names.isEmpty()) {
            frames.add(frame(names, bodies, size));
        }
        return frames;
    }

    /** Decodes a frame; throws {@link IllegalArgumentException} for bytes that are not one. */
    public static List<GroupMessage> decode(byte[] buf, int off, int len) {
        ByteBuffer b = ByteBuffer.wrap(buf, off, len);
        try {
            if (b.get() != VERSION) {
                throw new IllegalArgumentException("unknown raft frame version");
            }
            int count = b.getInt();
            if (count < 0 || count > len) {
                throw new IllegalArgumentException("bad raft frame count " + count);
            }
            List<GroupMessage> out = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                byte[] name = new byte[Short.toUnsignedInt(b.getShort())];
                b.get(name);
                int m = b.getInt();
                if (m < 0 || m > b.remaining()) {
                    throw new IllegalArgumentException("bad raft message length " + m);
                }
                byte[] body = new byte[m];
                b.get(body);
                out.add(new GroupMessage(new String(name, StandardCharsets.UTF_8), RaftMessageCodec.decode(body)));
            }
            if (b.hasRemaining()) {
                throw new IllegalArgumentException("bytes after the raft frame");
            }
            return out;
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated raft frame", e);
        }
    }

    private static byte[] frame(List<byte[]> names, List<byte[]> bodies, int size) {
        ByteBuffer b = ByteBuffer.allocate(size);
        b.put((byte) VERSION).putInt(names.size());
        for (int i = 0; i < names.size(); i++) {
            b.putShort((short) names.get(i).length).put(names.get(i)).putInt(bodies.get(i).length).put(bodies.get(i));
        }
        return b.array();
    }
}
