package io.natsj.server.store.file;

import io.natsj.server.store.MessageIndex;
import io.natsj.server.store.io.FileHandle;
import io.natsj.server.store.io.FileIO;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The index snapshot {@code msgs/index.db}: the {@link MessageIndex} and block accounting as of one point in the
 * block files, so that opening a store reads only the records written after it. Big-endian throughout.
 *
 * <pre>
 *  offset  size  field
 *  0       4     magic "NJIX"
 *  4       4     version 1
 *  8       8     lastBlock        id of the last block when written (0: no blocks)
 *  16      8     lastBlockEnd     bytes of that block the snapshot covers
 *  24      8     lastRecord       offset of the last record in that block (-1: none)
 *  32      8     lastSeq          the stream's last sequence
 *  40      8     lastTime         the stream's last timestamp
 *  48      8     lostMsgs         messages found damaged so far
 *  56      8     lostBytes        their bytes
 *  64      4     N                number of blocks
 *  68      N×32  blocks           id:8, end:8, minSeq:8, maxSeq:8
 *  ..      8     M                number of live messages
 *  ..      M×    entries          seq:8, time:8, ttl:8, size:8, block:8, offset:8, length:4, S:2, subject:S
 *  end-4   4     crc              CRC-32C of every byte before it
 * </pre>
 *
 * <p>It is valid only when its checksum matches, every block it lists exists with the length it says (the last one
 * at least that long), no other block with a smaller id exists, and the record at {@code lastRecord} ends exactly at
 * {@code lastBlockEnd} with a good checksum. Anything that rewrites or deletes blocks deletes the snapshot first.
 *
 * <p>Threading: stateless; the caller holds the store's write lock and the flusher's I/O lock.
 */
final class IndexSnapshot {

    static final String FILE = "index.db";
    private static final int MAGIC = 0x4E4A4958; // "NJIX"
    private static final int VERSION = 1;

    /** What a loaded snapshot says beyond the index: where to go on scanning and the lost counters. */
    record Loaded(long lastBlock, long lastBlockEnd, long lostMsgs, long lostBytes) {
    }

    private IndexSnapshot() {
    }

    /** Writes the snapshot (to a temporary file, fsynced, then renamed over the old one). */
    static void write(FileIO io, Path dir, MessageIndex index, BlockSet blocks, long lostMsgs, long lostBytes)
            throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        Block last = blocks.current();
        out.writeInt(MAGIC);
        out.writeInt(VERSION);
        out.writeLong(last == null ? 0 : last.id);
        out.writeLong(last == null ? 0 : last.end);
        out.writeLong(last == null ? -1 : last.lastRecordOffset);
        out.writeLong(index.lastSeq());
        out.writeLong(index.lastTime());
        out.writeLong(lostMsgs);
        out.writeLong(lostBytes);
        out.writeInt(blocks.all().size());
        for (Block b : blocks.all()) {
            out.writeLong(b.id);
            out.writeLong(b.end);
            out.writeLong(b.minSeq);
            out.writeLong(b.maxSeq);
        }
        out.writeLong(index.msgs());
        IOException[] err = new IOException[1];
        index.forEach(e -> {
            if (err[0] != null) {
                return;
            }
            try {
                RecordRef r = (RecordRef) e.ref;
                byte[] subject = e.subject.getBytes(StandardCharsets.UTF_8);
                out.writeLong(e.seq);
                out.writeLong(e.timestamp);
                out.writeLong(e.ttlNanos);
                out.writeLong(e.size);
                out.writeLong(r.block().id);
                out.writeLong(r.offset());
                out.writeInt(r.length());
                out.writeShort(subject.length);
                out.write(subject);
            } catch (IOException ex) {
                err[0] = ex;
            }
        });
        if (err[0] != null) {
            throw err[0];
        }
        out.flush();
        byte[] body = bytes.toByteArray();
        ByteBuffer file = ByteBuffer.allocate(body.length + 4);
        file.put(body).putInt(RecordCodec.crc(body, 0, body.length)).flip();
        Path tmp = dir.resolve(FILE + ".tmp");
        try (FileHandle h = io.open(tmp, true)) {
            h.truncate(0);
            h.write(file, 0);
            h.force();
        }
        io.rename(tmp, dir.resolve(FILE));
        io.syncDirectory(dir);
    }

    /**
     * Loads a valid snapshot into the empty {@code index} and {@code blocks}; returns null (leaving them empty) when
     * there is none or it is not valid.
     *
     * @param onDisk the ids of the block files present
     */
    static Loaded load(FileIO io, Path dir, BlockSet blocks, Set<Long> onDisk, MessageIndex index) {
        Path file = dir.resolve(FILE);
        if (!io.exists(file)) {
            return null;
        }
        try {
            byte[] buf;
            try (FileHandle h = io.open(file, false)) {
                long size = h.size();
                if (size < 72 || size > Integer.MAX_VALUE - 8) {
                    return null;
                }
                buf = new byte[(int) size];
                if (h.read(ByteBuffer.wrap(buf), 0) != buf.length) {
                    return null;
                }
            }
            ByteBuffer b = ByteBuffer.wrap(buf);
            if (RecordCodec.crc(buf, 0, buf.length - 4) != b.getInt(buf.length - 4)
                    || b.getInt() != MAGIC || b.getInt() != VERSION) {
                return null;
            }
            long lastBlock = b.getLong();
            long lastBlockEnd = b.getLong();
            long lastRecord = b.getLong();
            long lastSeq = b.getLong();
            long lastTime = b.getLong();
            long lostMsgs = b.getLong();
            long lostBytes = b.getLong();
            int n = b.getInt();
            long[][] listed = new long[n][];
            Set<Long> ids = new HashSet<>();
            for (int i = 0; i < n; i++) {
                listed[i] = new long[]{b.getLong(), b.getLong(), b.getLong(), b.getLong()};
                ids.add(listed[i][0]);
            }
            if (!consistent(io, blocks, onDisk, listed, ids, lastBlock, lastBlockEnd, lastRecord)) {
                return null;
            }
            Map<Long, Block> byId = new HashMap<>();
            for (long[] l : listed) {
                Block blk = blocks.add(l[0]);
                blk.end = l[1];
                blk.minSeq = l[2];
                blk.maxSeq = l[3];
                blk.deadUnknown(); // which records are dead is not in the snapshot
                byId.put(blk.id, blk);
            }
            Block lastBlk = byId.get(lastBlock);
            if (lastBlk != null) {
                lastBlk.lastRecordOffset = lastRecord;
            }
            long m = b.getLong();
            Map<String, String> subjects = new HashMap<>();
            for (long i = 0; i < m; i++) {
                long seq = b.getLong();
                long time = b.getLong();
                long ttl = b.getLong();
                long size = b.getLong();
                Block blk = byId.get(b.getLong());
                long offset = b.getLong();
                int length = b.getInt();
                byte[] subj = new byte[Short.toUnsignedInt(b.getShort())];
                b.get(subj);
                String subject = subjects.computeIfAbsent(new String(subj, StandardCharsets.UTF_8), s -> s);
                if (blk == null || seq < index.nextSeq()) {
                    throw new IllegalStateException("snapshot entry " + seq + " is inconsistent");
                }
                index.skipTo(seq);
                index.add(new MessageIndex.Entry(subject, seq, time, ttl, size, new RecordRef(blk, offset, length)));
                blk.liveBytes += length;
            }
            index.restoreLast(lastSeq, lastTime);
            return new Loaded(lastBlock, lastBlockEnd, lostMsgs, lostBytes);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static boolean consistent(FileIO io, BlockSet blocks, Set<Long> onDisk, long[][] listed, Set<Long> ids,
                                      long lastBlock, long lastBlockEnd, long lastRecord) throws IOException {
        for (long id : onDisk) {
            if (id <= lastBlock && !ids.contains(id)) {
                return false; // a block the snapshot does not know
            }
        }
        for (long[] l : listed) {
            if (!onDisk.contains(l[0])) {
                return false;
            }
            long size = io.size(blocks.pathOf(l[0]));
            if (l[0] == lastBlock ? size < l[1] : size != l[1]) {
                return false;
            }
        }
        if (lastBlock == 0) {
            return listed.length == 0;
        }
        if (!ids.contains(lastBlock)) {
            return false;
        }
        if (lastRecord < 0) {
            return lastBlockEnd == 0;
        }
        int len = (int) (lastBlockEnd - lastRecord);
        if (len < RecordCodec.OVERHEAD) {
            return false;
        }
        byte[] rec = new byte[len];
        try (FileHandle h = io.open(blocks.pathOf(lastBlock), false)) {
            if (h.read(ByteBuffer.wrap(rec), lastRecord) != len) {
                return false;
            }
        }
        return RecordCodec.validLength(rec, 0, len) == len;
    }
}
