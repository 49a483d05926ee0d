package io.natsj.server.raft.store;

import io.natsj.server.raft.Membership;
import io.natsj.server.raft.Snapshot;
import io.natsj.server.store.io.FileHandle;
import io.natsj.server.store.io.FileIO;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * A Raft group's latest snapshot on disk ({@code snapshot} in the group's directory), replaced atomically: written to
 * {@code snapshot.tmp}, forced, renamed over {@code snapshot}, directory synced.
 *
 * <pre>
 *  offset   size  field
 *  0        4     magic       "NRSN"
 *  4        1     version     1
 *  5        8     index       last index the snapshot covers
 *  13       8     term        that entry's term
 *  21       4     M           membership length (u32)
 *  25       M     membership  the voters ({@link Membership#encode()})
 *  25+M     4     D           data length (u32)
 *  29+M     D     data        the state machine's snapshot
 *  29+M+D   4     crc         CRC-32C of every byte before it
 * </pre>
 *
 * <p>Threading: confined to its group's thread.
 */
final class SnapshotFile {

    static final String NAME = "snapshot";
    private static final String TMP = "snapshot.tmp";
    private static final int MAGIC = 0x4E52534E; // "NRSN"
    private static final int VERSION = 1;

    /** What {@link #load} found: the snapshot (null when none), or that the file is damaged. */
    record Loaded(Snapshot snapshot, boolean damaged) {
    }

    private SnapshotFile() {
    }

    static void save(FileIO io, Path dir, Snapshot s) throws IOException {
        byte[] members = s.membership().encode();
        ByteBuffer buf = ByteBuffer.allocate(33 + members.length + s.data().length);
        buf.putInt(MAGIC).put((byte) VERSION).putLong(s.index()).putLong(s.term())
                .putInt(members.length).put(members).putInt(s.data().length).put(s.data());
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 0, buf.position());
        buf.putInt((int) crc.getValue()).flip();
        Path tmp = dir.resolve(TMP);
        try (FileHandle h = io.open(tmp, true)) {
            h.truncate(0);
            h.write(buf, 0);
            h.force();
        }
        io.rename(tmp, dir.resolve(NAME));
        io.syncDirectory(dir);
    }

    static Loaded load(FileIO io, Path dir) throws IOException {
        Path file = dir.resolve(NAME);
        if (!io.exists(file)) {
            return new Loaded(null, false);
        }
        long size = io.size(file);
        if (size < 33 || size > Integer.MAX_VALUE) {
            return new Loaded(null, true);
        }
        ByteBuffer buf = ByteBuffer.allocate((int) size);
        try (FileHandle h = io.open(file, false)) {
            while (buf.hasRemaining() && h.read(buf, buf.position()) > 0) {
                // read the whole file
            }
        }
        buf.flip();
        if (buf.remaining() != size || buf.getInt(0) != MAGIC || buf.get(4) != VERSION) {
            return new Loaded(null, true);
        }
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 0, (int) size - 4);
        if ((int) crc.getValue() != buf.getInt((int) size - 4)) {
            return new Loaded(null, true);
        }
        buf.position(5);
        long index = buf.getLong();
        long term = buf.getLong();
        byte[] members = new byte[buf.getInt()];
        buf.get(members);
        byte[] data = new byte[buf.getInt()];
        buf.get(data);
        return new Loaded(new Snapshot(index, term, Membership.decode(members), data), false);
    }
}
