package io.natsj.server.raft.store;

import io.natsj.server.store.io.FileHandle;
import io.natsj.server.store.io.FileIO;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * A Raft group's hard state on disk (current term, vote, known commit index, recovery flag), in two copies ({@code state} file, slots at offsets 0 and
 * {@link #SLOT_SIZE}), so that no single torn write or damaged block loses them. {@link #save} writes slot A and
 * forces it, then slot B and forces it; the caller answers a vote only after {@code save} returned, so every vote
 * ever sent is in both slots. On {@link #load} the valid slot with the higher sequence wins: after a crash between
 * the two writes A is newer (and was never acted on); a damaged slot leaves the other, which holds the same state or
 * the one before a write that was never acted on. Both slots damaged is reported ({@link State#lost()}), and the
 * consensus layer must then not vote until it has caught up with a leader.
 *
 * <pre>
 *  slot (SLOT_SIZE bytes, the rest zero)
 *  offset  size  field
 *  0       4     magic   "NRHS"
 *  4       1     version 1
 *  5       8     seq     incremented by every save
 *  13      8     term    current term
 *  21      8     commit  the commit index this replica knows of
 *  29      1     recovery the consensus layer's recovery state (0 none; its meaning is the layer's)
 *  30      2     V       vote length in bytes (u16), 0 for none
 *  32      V     vote    the peer voted for in this term, UTF-8
 *  32+V    4     crc     CRC-32C of bytes [0, 32+V)
 * </pre>
 *
 * <p>Threading: confined to its group's thread.
 */
public final class HardStateFile implements Closeable {

    /** Bytes per slot; a vote longer than fits is refused. */
    public static final int SLOT_SIZE = 512;
    static final String NAME = "state";
    private static final int MAGIC = 0x4E524853; // "NRHS"
    private static final int VERSION = 1;
    private static final int FIXED = 36;
    private static final int VOTE_AT = 32;

    /**
     * What {@link #load} found: the term, vote ({@code null} for none), commit index and recovery state, and whether
     * both copies were lost.
     */
    public record State(long term, String vote, long commit, int recovery, boolean lost) {
    }

    private final FileHandle handle;
    private long seq;

    private HardStateFile(FileHandle handle) {
        this.handle = handle;
    }

    /** Opens (creating when missing) the state file in {@code dir}. */
    public static HardStateFile open(FileIO io, Path dir) throws IOException {
        io.createDirectories(dir);
        return new HardStateFile(io.open(dir.resolve(NAME), true));
    }

    /**
     * The saved state: term 0 and no vote for a new file (or one whose very first save was torn, never acted on);
     * {@code lost} when a save once completed (slot B was written) and neither slot is valid now.
     */
    public State load() throws IOException {
        long size = handle.size();
        Slot a = read(0, size);
        Slot b = read(SLOT_SIZE, size);
        Slot best = a == null ? b : b == null || a.seq >= b.seq ? a : b;
        if (best == null) {
            seq = 0;
            return new State(0, null, 0, 0, size >= SLOT_SIZE + FIXED); // a save completed once (slot B), both bad
        }
        seq = best.seq;
        return new State(best.term, best.vote, best.commit, best.recovery, false);
    }

    /** Writes and forces both copies; returns once the state is durable. */
    public void save(long term, String vote, long commit, int recovery) throws IOException {
        byte[] v = vote == null ? new byte[0] : vote.getBytes(StandardCharsets.UTF_8);
        if (FIXED + v.length > SLOT_SIZE) {
            throw new IllegalArgumentException("vote longer than " + (SLOT_SIZE - FIXED) + " bytes");
        }
        seq++;
        ByteBuffer slot = ByteBuffer.allocate(SLOT_SIZE);
        slot.putInt(MAGIC).put((byte) VERSION).putLong(seq).putLong(term).putLong(commit).put((byte) recovery)
                .putShort((short) v.length).put(v);
        CRC32C crc = new CRC32C();
        crc.update(slot.array(), 0, slot.position());
        slot.putInt((int) crc.getValue());
        for (long at : new long[] {0, SLOT_SIZE}) {
            handle.write(slot.clear(), at);
            handle.force();
        }
    }

    @Override
    public void close() throws IOException {
        handle.close();
    }

    private record Slot(long seq, long term, long commit, int recovery, String vote) {
    }

    private Slot read(long at, long size) throws IOException {
        if (size < at + FIXED) {
            return null;
        }
        ByteBuffer b = ByteBuffer.allocate(SLOT_SIZE);
        while (b.hasRemaining() && handle.read(b, at + b.position()) > 0) {
            // read what is there
        }
        b.flip();
        if (b.remaining() < FIXED || b.getInt(0) != MAGIC || b.get(4) != VERSION) {
            return null;
        }
        int v = Short.toUnsignedInt(b.getShort(VOTE_AT - 2));
        if (FIXED + v > b.remaining()) {
            return null;
        }
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, VOTE_AT + v);
        if ((int) crc.getValue() != b.getInt(VOTE_AT + v)) {
            return null;
        }
        String vote = v == 0 ? null : new String(b.array(), VOTE_AT, v, StandardCharsets.UTF_8);
        return new Slot(b.getLong(5), b.getLong(13), b.getLong(21), b.get(29), vote);
    }
}
