package io.natsj.server.store.file;

import io.natsj.server.store.MessageIndex;
import io.natsj.server.store.StoreException;
import io.natsj.server.store.io.FileIO;
import io.natsj.server.util.ServerClock;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The block files as one log of records: appends go to the current block through the {@link WriteBuffer} (rolling
 * to a new block, which starts with a skip marker, when the next record would pass the block size); reads come from
 * the buffer or the block file; removals append tombstones and keep the blocks' accounting; a purge of everything
 * replaces all blocks with a fresh one.
 *
 * <p>Threading: guarded by the store's lock: appends, removals and resets under the write lock, reads under the read
 * lock (positional reads on the block's handle).
 */
final class BlockLog {

    private final FileIO io;
    private final Path dir;
    private final FileStoreOptions options;
    private final ServerClock clock;
    private final BlockSet blocks;
    private final WriteBuffer buffer;
    private final Flusher flusher;
    private final Set<Block> touched = new LinkedHashSet<>();

    BlockLog(FileIO io, Path dir, FileStoreOptions options, ServerClock clock, BlockSet blocks, WriteBuffer buffer,
             Flusher flusher) {
        this.io = io;
        this.dir = dir;
        this.options = options;
        this.clock = clock;
        this.blocks = blocks;
        this.buffer = buffer;
        this.flusher = flusher;
    }

    /** After recovery: makes sure there is a current block that starts with a skip marker. */
    void start(MessageIndex index) {
        Block current = blocks.current();
        if (current == null) {
            current = blocks.roll();
            flusher.newFile();
        }
        if (current.end == 0) {
            appendTo(current, RecordCodec.skip(index.nextSeq(), index.lastTime()));
        }
    }

    /** Appends a message record for {@code seq} and counts it live. */
    RecordRef appendMessage(long seq, byte[] rec, MessageIndex index) {
        RecordRef ref = append(rec, index);
        ref.block().liveBytes += rec.length;
        ref.block().noteMessage(seq);
        return ref;
    }

    /** Appends a skip marker carrying the index's next sequence and last time. */
    void appendSkip(MessageIndex index) {
        append(RecordCodec.skip(index.nextSeq(), index.lastTime()), index);
    }

    /** Records the removal of an entry the index just dropped: its block's accounting, and a tombstone. */
    void removed(MessageIndex.Entry e, MessageIndex index) {
        RecordRef r = (RecordRef) e.ref;
        r.block().liveBytes -= r.length();
        r.block().markDead(e.seq);
        touched.add(r.block());
        append(RecordCodec.tombstone(e.seq, index.lastSeq(), index.lastTime()), index);
    }

    /** Overwrites a removed message's record in place with its erased form (zeroed headers and payload). */
    void erase(RecordRef r) {
        buffer.overwrite(r.block(), r.offset(), RecordCodec.erased(read(r)));
    }

    /** Blocks that lost messages or stopped being current since the last {@link #clearTouched}. */
    Set<Block> touched() {
        return touched;
    }

    void clearTouched() {
        touched.clear();
    }

    private RecordRef append(byte[] rec, MessageIndex index) {
        Block cur = blocks.current();
        if (cur.end > RecordCodec.OVERHEAD && cur.end + rec.length > options.blockSize()) {
            touched.add(cur); // no longer written: it may already be worth compacting (e.g. all tombstones)
            cur = blocks.roll();
            flusher.newFile();
            appendTo(cur, RecordCodec.skip(index.nextSeq(), index.lastTime()));
        }
        return appendTo(cur, rec);
    }

    private RecordRef appendTo(Block b, byte[] rec) {
        long offset = b.end;
        b.end += rec.length;
        b.lastRecordOffset = offset;
        buffer.append(b, offset, rec);
        return new RecordRef(b, offset, rec.length);
    }

    /** The bytes of a record: from the write buffer when not yet written, else from its block file. */
    byte[] read(RecordRef r) {
        byte[] buffered = buffer.find(r.block(), r.offset(), r.length());
        if (buffered != null) {
            return buffered;
        }
        byte[] out = new byte[r.length()];
        try {
            int n = r.block().handle(io, clock.nanoTime()).read(ByteBuffer.wrap(out), r.offset());
            if (n != out.length) {
                throw new StoreException("message record cut short in " + r.block().path);
            }
        } catch (IOException e) {
            throw new StoreException("cannot read " + r.block().path + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** Purge of everything: a new block with a skip marker, made durable, then every older block deleted. */
    void reset(MessageIndex index) {
        List<Block> old = blocks.list();
        Block fresh = blocks.roll();
        flusher.newFile();
        appendTo(fresh, RecordCodec.skip(index.nextSeq(), index.lastTime()));
        flusher.exclusive(() -> {
            io.delete(dir.resolve(IndexSnapshot.FILE));
            flusher.forceDirty();
            for (Block b : old) {
                flusher.forget(b);
                b.closeHandle();
                io.delete(b.path);
                blocks.remove(b);
            }
            io.syncDirectory(dir);
            return null;
        });
    }

    /** Closes the handles of blocks other than the current one unused for the idle time. */
    void closeIdle() {
        long now = clock.nanoTime();
        Block current = blocks.current();
        List<Block> idle = new ArrayList<>();
        for (Block b : blocks.all()) {
            if (b != current && b.isIdle(now, options.idleCloseNanos())) {
                idle.add(b);
            }
        }
        if (!idle.isEmpty()) {
            // under the I/O lock so the flusher is not writing through a handle being closed; a closed block that
            // still needs an fsync is reopened for it (fsync covers the file, whichever handle wrote)
            flusher.exclusive(() -> {
                idle.forEach(b -> b.closeIfIdle(now, options.idleCloseNanos()));
                return null;
            });
        }
    }
}
