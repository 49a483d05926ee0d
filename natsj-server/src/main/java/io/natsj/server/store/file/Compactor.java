package io.natsj.server.store.file;

import io.natsj.server.store.MessageIndex;
import io.natsj.server.store.io.FileHandle;
import io.natsj.server.store.io.FileIO;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reclaims the space of removed messages in blocks that are no longer written: a block more than half dead is
 * rewritten with only its live message records and the tombstones still needed (those whose dead message record
 * still lies in another block), into {@code <id>.blk.tmp}, fsynced and renamed over the block; a block left with
 * nothing is deleted. Skip markers of old blocks are dropped (the current block starts with a newer one).
 *
 * <p>Writers only {@linkplain #offer queue} candidate blocks; the flusher thread (or {@code sync()}/{@code close()})
 * runs the queue, so a reader or writer thread never waits for a rewrite it caused. Whenever a run drops message
 * records, the blocks holding kept tombstones are revisited, as some of those tombstones are no longer needed.
 *
 * <p>Threading: called under the store's write lock; the file work runs under the flusher's I/O lock.
 */
final class Compactor {

    /** What compacting one block did. */
    private enum Outcome { UNCHANGED, REWRITTEN, DELETED }

    /** A live record moving to {@code offset} of the rewritten block. */
    private record Moved(MessageIndex.Entry entry, long offset, int length) {
    }

    private final FileIO io;
    private final Path dir;
    private final BlockSet blocks;
    private final Flusher flusher;
    private final Set<Block> queued = new LinkedHashSet<>();
    private volatile boolean hasQueued;

    Compactor(FileIO io, Path dir, BlockSet blocks, Flusher flusher) {
        this.io = io;
        this.dir = dir;
        this.blocks = blocks;
        this.flusher = flusher;
    }

    /**
     * Whether {@code b} is worth compacting: not the current block, and more than half dead or without live
     * messages. The block holding the stream's first message is only deleted once it is fully dead, not rewritten:
     * discard-old empties it from the front, so a rewrite would soon be wasted.
     */
    boolean worthIt(Block b, MessageIndex index) {
        if (b == blocks.current() || !blocks.contains(b) || b.end == 0) {
            return false;
        }
        if (b.liveBytes == 0) {
            return true;
        }
        MessageIndex.Entry first = index.get(index.firstSeq());
        if (first != null && ((RecordRef) first.ref).block() == b) {
            return false;
        }
        return b.deadBytes() * 2 > b.end;
    }

    /** Queues blocks that lost messages (or stopped being current) to be looked at by {@link #runQueued}. */
    void offer(Collection<Block> touched, MessageIndex index) {
        for (Block b : touched) {
            if (worthIt(b, index)) {
                queued.add(b);
            }
        }
        hasQueued = !queued.isEmpty();
    }

    /** Whether {@link #runQueued} has work; readable without the store's lock. */
    boolean hasQueued() {
        return hasQueued;
    }

    /** Compacts the queued blocks that are still worth it, then revisits blocks with kept tombstones. */
    void runQueued(MessageIndex index) {
        List<Block> todo = new ArrayList<>(queued);
        queued.clear();
        hasQueued = false;
        boolean dropped = false;
        for (Block b : todo) {
            if (worthIt(b, index)) {
                dropped |= compactOne(b, index) != Outcome.UNCHANGED;
            }
        }
        while (dropped) {
            dropped = false;
            for (Block b : blocks.list()) {
                boolean mostlyTombstones = b.keptBytes > 0 && (b.deadBytes() + b.keptBytes) * 2 > b.end;
                if ((mostlyTombstones || b.liveBytes == 0) && worthItIgnoringKept(b)
                        && compactOne(b, index) != Outcome.UNCHANGED) {
                    dropped = true;
                }
            }
        }
    }

    private boolean worthItIgnoringKept(Block b) {
        return b != blocks.current() && blocks.contains(b) && b.end > 0;
    }

    private Outcome compactOne(Block b, MessageIndex index) {
        return flusher.exclusive(() -> {
            byte[] buf = BlockScanner.readFrom(io, b, 0);
            int end = (int) Math.min(buf.length, b.end);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            List<Moved> moved = new ArrayList<>();
            long kept = 0;
            long lastOffset = -1;
            int p = 0;
            while (p < end) {
                int len = RecordCodec.validLength(buf, p, end);
                if (len < 0) {
                    p = BlockScanner.nextValidAfter(buf, p, end); // damage found on recovery: drop it
                    if (p < 0) {
                        break;
                    }
                    continue;
                }
                int flags = buf[p + 4];
                long seq = RecordCodec.seqOf(buf, p);
                boolean keep = false;
                if ((flags & (RecordCodec.TOMBSTONE | RecordCodec.SKIP | RecordCodec.ERASED)) == 0) {
                    MessageIndex.Entry e = index.get(seq);
                    if (e != null && e.ref instanceof RecordRef r && r.block() == b && r.offset() == p) {
                        moved.add(new Moved(e, out.size(), len));
                        keep = true;
                    }
                } else if ((flags & RecordCodec.TOMBSTONE) != 0 && neededElsewhere(b, seq)) {
                    kept += len;
                    keep = true;
                }
                if (keep) {
                    lastOffset = out.size();
                    out.write(buf, p, len);
                }
                p += len;
            }
            if (out.size() == end) {
                b.keptBytes = kept; // nothing to drop: every tombstone is still needed
                return Outcome.UNCHANGED;
            }
            io.delete(dir.resolve(IndexSnapshot.FILE)); // offsets are about to change
            flusher.forget(b);
            b.closeHandle();
            if (out.size() == 0) {
                io.delete(b.path);
                io.syncDirectory(dir);
                blocks.remove(b);
                return Outcome.DELETED;
            }
            Path tmp = dir.resolve(b.path.getFileName() + ".tmp");
            try (FileHandle h = io.open(tmp, true)) {
                h.truncate(0);
                h.write(ByteBuffer.wrap(out.toByteArray()), 0);
                h.force();
            }
            io.rename(tmp, b.path);
            io.syncDirectory(dir);
            b.resetAfterRewrite(out.size(), kept, lastOffset);
            for (Moved m : moved) {
                m.entry().ref = new RecordRef(b, m.offset(), m.length());
                b.noteMessage(m.entry().seq);
            }
            return Outcome.REWRITTEN;
        });
    }

    /** Whether the dead message record of {@code seq} may still lie in a block other than {@code self}. */
    private boolean neededElsewhere(Block self, long seq) {
        for (Block o : blocks.all()) {
            if (o != self && o.mayHoldDead(seq)) {
                return true;
            }
        }
        return false;
    }
}
