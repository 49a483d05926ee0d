package io.natsj.server.raft;

import io.natsj.server.raft.RaftMessage.Append;
import io.natsj.server.raft.RaftMessage.AppendResponse;
import io.natsj.server.raft.RaftMessage.Heartbeat;
import io.natsj.server.raft.RaftMessage.HeartbeatResponse;
import io.natsj.server.raft.RaftMessage.InstallSnapshot;
import io.natsj.server.raft.RaftMessage.SnapshotResponse;
import io.natsj.server.raft.RaftMessage.TimeoutNow;
import io.natsj.server.raft.RaftMessage.VoteRequest;
import io.natsj.server.raft.RaftMessage.VoteResponse;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;

/**
 * The bytes of a {@link RaftMessage} between natsj servers (the payload of a {@code $NRG.}-style message over a
 * route; natsj-to-natsj only). Numbers are unsigned LEB128 varints ({@code v}: 7 bits per byte, low first, high bit
 * = more; the shortest form only); strings and byte strings are a varint length then the bytes (strings UTF-8);
 * {@code f} is one flags byte (other bits must be 0).
 * <pre>
 * message   = kind:u8  from:str  to:str  term:v  body
 * kind 1 Append            prevIndex:v prevTerm:v commit:v leaderLastIndex:v count:v
 *                          count × ( term:v type:u8 data:bytes )     entry i has index prevIndex + 1 + i;
 *                                                                    type 0 NORMAL, 1 NOOP, 2 MEMBERSHIP
 * kind 2 AppendResponse    index:v f(1 reject, 2 recovering) hintIndex:v hintTerm:v lastIndex:v
 * kind 3 Heartbeat         commit:v
 * kind 4 HeartbeatResponse lastIndex:v f(2 recovering)
 * kind 5 VoteRequest       lastIndex:v lastTerm:v f(1 preVote, 2 transfer)
 * kind 6 VoteResponse      f(1 preVote, 2 granted)
 * kind 7 InstallSnapshot   index:v term:v voters:v voters × str learners:v learners × str data:bytes
 * kind 8 SnapshotResponse  index:v
 * kind 9 TimeoutNow        (nothing)
 * </pre>
 * Example: {@code Heartbeat("a", "b", 3, 7)} is {@code 03 01 61 01 62 03 07}.
 *
 * <p>Threading: stateless; safe from any thread.
 */
public final class RaftMessageCodec {

    private static final int APPEND = 1;
    private static final int APPEND_RESPONSE = 2;
    private static final int HEARTBEAT = 3;
    private static final int HEARTBEAT_RESPONSE = 4;
    private static final int VOTE_REQUEST = 5;
    private static final int VOTE_RESPONSE = 6;
    private static final int INSTALL_SNAPSHOT = 7;
    private static final int SNAPSHOT_RESPONSE = 8;
    private static final int TIMEOUT_NOW = 9;
    private static final Entry.Type[] TYPES = Entry.Type.values();

    private RaftMessageCodec() {
    }

    public static byte[] encode(RaftMessage m) {
        Writer w = new Writer();
        w.u8(kind(m));
        w.str(m.from());
        w.str(m.to());
        w.v(m.term());
        switch (m) {
            case Append a -> {
                w.v(a.prevIndex());
                w.v(a.prevTerm());
                w.v(a.commit());
                w.v(a.leaderLastIndex());
                w.v(a.entries().size());
                long expected = a.prevIndex() + 1;
                for (Entry e : a.entries()) {
                    if (e.index() != expected++) {
                        throw new IllegalArgumentException("entries of an append must follow prevIndex in order");
                    }
                    w.v(e.term());
                    w.u8(e.type().ordinal());
                    w.bytes(e.data());
                }
            }
            case AppendResponse r -> {
                w.v(r.index());
                w.u8((r.reject() ? 1 : 0) | (r.recovering() ? 2 : 0));
                w.v(r.hintIndex());
                w.v(r.hintTerm());
                w.v(r.lastIndex());
            }
            case Heartbeat h -> w.v(h.commit());
            case HeartbeatResponse r -> {
                w.v(r.lastIndex());
                w.u8(r.recovering() ? 2 : 0);
            }
            case VoteRequest v -> {
                w.v(v.lastIndex());
                w.v(v.lastTerm());
                w.u8((v.preVote() ? 1 : 0) | (v.transfer() ? 2 : 0));
            }
            case VoteResponse v -> w.u8((v.preVote() ? 1 : 0) | (v.granted() ? 2 : 0));
            case InstallSnapshot s -> {
                Snapshot snap = s.snapshot();
                w.v(snap.index());
                w.v(snap.term());
                w.v(snap.membership().voters().size());
                snap.membership().voters().forEach(w::str);
                w.v(snap.membership().learners().size());
                snap.membership().learners().forEach(w::str);
                w.bytes(snap.data());
            }
            case SnapshotResponse r -> w.v(r.index());
            case TimeoutNow t -> {
            }
        }
        return w.toByteArray();
    }

    /** Decodes one message; {@link IllegalArgumentException} when the bytes are not one. */
    public static RaftMessage decode(byte[] bytes) {
        Reader r = new Reader(bytes);
        int kind = r.u8();
        String from = r.str();
        String to = r.str();
        long term = r.v();
        RaftMessage m = switch (kind) {
            case APPEND -> decodeAppend(r, from, to, term);
            case APPEND_RESPONSE -> {
                long index = r.v();
                int f = r.flags(3);
                yield new AppendResponse(from, to, term, index, (f & 1) != 0, r.v(), r.v(), r.v(), (f & 2) != 0);
            }
            case HEARTBEAT -> new Heartbeat(from, to, term, r.v());
            case HEARTBEAT_RESPONSE -> new HeartbeatResponse(from, to, term, r.v(), (r.flags(2) & 2) != 0);
            case VOTE_REQUEST -> {
                long lastIndex = r.v();
                long lastTerm = r.v();
                int f = r.flags(3);
                yield new VoteRequest(from, to, term, lastIndex, lastTerm, (f & 1) != 0, (f & 2) != 0);
            }
            case VOTE_RESPONSE -> {
                int f = r.flags(3);
                yield new VoteResponse(from, to, term, (f & 1) != 0, (f & 2) != 0);
            }
            case INSTALL_SNAPSHOT -> decodeSnapshot(r, from, to, term);
            case SNAPSHOT_RESPONSE -> new SnapshotResponse(from, to, term, r.v());
            case TIMEOUT_NOW -> new TimeoutNow(from, to, term);
            default -> throw new IllegalArgumentException("unknown raft message kind " + kind);
        };
        if (r.pos != bytes.length) {
            throw new IllegalArgumentException("trailing bytes after raft message");
        }
        return m;
    }

    private static Append decodeAppend(Reader r, String from, String to, long term) {
        long prevIndex = r.v();
        long prevTerm = r.v();
        long commit = r.v();
        long leaderLast = r.v();
        int count = r.count();
        List<Entry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long entryTerm = r.v();
            int type = r.u8();
            if (type >= TYPES.length) {
                throw new IllegalArgumentException("unknown entry type " + type);
            }
            entries.add(new Entry(prevIndex + 1 + i, entryTerm, TYPES[type], r.bytes()));
        }
        return new Append(from, to, term, prevIndex, prevTerm, entries, commit, leaderLast);
    }

    private static InstallSnapshot decodeSnapshot(Reader r, String from, String to, long term) {
        long index = r.v();
        long snapTerm = r.v();
        TreeSet<String> voters = names(r);
        TreeSet<String> learners = names(r);
        if (!Collections.disjoint(voters, learners)) {
            throw new IllegalArgumentException("a member is both voter and learner");
        }
        return new InstallSnapshot(from, to, term,
                new Snapshot(index, snapTerm, new Membership(voters, learners), r.bytes()));
    }

    private static TreeSet<String> names(Reader r) {
        int count = r.count();
        TreeSet<String> set = new TreeSet<>();
        for (int i = 0; i < count; i++) {
            set.add(r.str());
        }
        return set;
    }

    private static int kind(RaftMessage m) {
        return switch (m) {
            case Append a -> APPEND;
            case AppendResponse a -> APPEND_RESPONSE;
            case Heartbeat h -> HEARTBEAT;
            case HeartbeatResponse h -> HEARTBEAT_RESPONSE;
            case VoteRequest v -> VOTE_REQUEST;
            case VoteResponse v -> VOTE_RESPONSE;
            case InstallSnapshot s -> INSTALL_SNAPSHOT;
            case SnapshotResponse s -> SNAPSHOT_RESPONSE;
            case TimeoutNow t -> TIMEOUT_NOW;
        };
    }

    private static final class Writer extends ByteArrayOutputStream {

        void u8(int b) {
            write(b);
        }

        void v(long value) {
            if (value < 0) {
                throw new IllegalArgumentException("negative number in raft message: " + value);
            }
            while ((value & ~0x7FL) != 0) {
                write((int) ((value & 0x7F) | 0x80));
                value >>>= 7;
            }
            write((int) value);
        }

        void bytes(byte[] b) {
            v(b.length);
            writeBytes(b);
        }

        void str(String s) {
            bytes(s.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static final class Reader {

        private final byte[] buf;
        int pos;

        Reader(byte[] buf) {
            this.buf = buf;
        }

        int u8() {
            if (pos >= buf.length) {
                throw new IllegalArgumentException("truncated raft message");
            }
            return buf[pos++] & 0xFF;
        }

        long v() {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int b = u8();
                value |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    if (value < 0 || (b == 0 && shift > 0)) {
                        throw new IllegalArgumentException("varint out of range in raft message");
                    }
                    return value;
                }
            }
            throw new IllegalArgumentException("varint too long in raft message");
        }

        /** A flags byte: only the given bits may be set. */
        int flags(int allowed) {
            int f = u8();
            if ((f & ~allowed) != 0) {
                throw new IllegalArgumentException("unknown flags in raft message: " + f);
            }
            return f;
        }

        int count() {
            long n = v();
            if (n > buf.length - pos) {
                throw new IllegalArgumentException("count " + n + " exceeds the raft message");
            }
            return (int) n;
        }

        byte[] bytes() {
            int n = count();
            byte[] out = Arrays.copyOfRange(buf, pos, pos + n);
            pos += n;
            return out;
        }

        String str() {
            return new String(bytes(), StandardCharsets.UTF_8);
        }
    }
}
