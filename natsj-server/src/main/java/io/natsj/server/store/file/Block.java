package io.natsj.server.store.file;

import io.natsj.server.store.io.FileHandle;
import io.natsj.server.store.io.FileIO;

import java.io.IOException;
import java.nio.file.Path;
import java.util.BitSet;

/**
 * One block file {@code msgs/<id>.blk}: its accounting and its lazily opened handle.
 *
 * <p>Threading: the counters are guarded by the store's write lock (read under its read lock); the handle is guarded
 * by this object's monitor, so readers under the read lock and the flusher can open it concurrently, while closing
 * happens only under the store's write lock together with the flusher's I/O lock.
 */
final class Block {

    final long id;
    final Path path;
    /** Bytes appended, including records still in the write buffer. */
    long end;
    /** Bytes of the live message records in this block. */
    long liveBytes;
    /** Bytes of the tombstones the last compaction had to keep. */
    long keptBytes;
    /** Smallest and largest sequence of a message record physically in the file (dead ones included). */
    long minSeq = Long.MAX_VALUE;
    long maxSeq;
    /** Offset of the last record appended, -1 when none. */
    long lastRecordOffset = -1;
    /** The dead message records in the file, by {@code seq - minSeq}, when {@link #deadExact}. */
    private final BitSet dead = new BitSet();
    /** False when this block's dead records are unknown (loaded from a snapshot): then any in range may be dead. */
    private boolean deadExact = true;

    private FileHandle handle;
    private long lastUsedNanos;

    Block(long id, Path path) {
        this.id = id;
        this.path = path;
    }

    /** Notes a message record with {@code seq} lying in the file. */
    void noteMessage(long seq) {
        minSeq = Math.min(minSeq, seq);
        maxSeq = Math.max(maxSeq, seq);
    }

    /** Whether a message record with {@code seq} may lie in the file. */
    boolean mayHold(long seq) {
        return seq >= minSeq && seq <= maxSeq;
    }

    /** Notes that the message record of {@code seq} in this file is now dead (removed from the index). */
    void markDead(long seq) {
        if (mayHold(seq)) {
            dead.set((int) (seq - minSeq));
        }
    }

    /** Whether the dead message record of {@code seq} may still lie in this file (so its tombstone is needed). */
    boolean mayHoldDead(long seq) {
        return mayHold(seq) && (!deadExact || dead.get((int) (seq - minSeq)));
    }

    /** From now on, which records are dead is not known exactly (the block was loaded from a snapshot). */
    void deadUnknown() {
        deadExact = false;
    }

    /** After compaction: the file holds {@code end} bytes, only live messages (noted again) and kept tombstones. */
    void resetAfterRewrite(long newEnd, long kept, long lastOffset) {
        end = newEnd;
        keptBytes = kept;
        lastRecordOffset = lastOffset;
        minSeq = Long.MAX_VALUE;
        maxSeq = 0;
        dead.clear();
        deadExact = true;
    }

    /** Bytes not belonging to live messages or kept tombstones. */
    long deadBytes() {
        return end - liveBytes - keptBytes;
    }

    /** The open handle, opening (and creating) the file when needed. */
    synchronized FileHandle handle(FileIO io, long nowNanos) throws IOException {
        if (handle == null) {
            handle = io.open(path, true);
        }
        lastUsedNanos = nowNanos;
        return handle;
    }

    synchronized boolean isOpen() {
        return handle != null;
    }

    /** Whether the handle is open and unused for {@code idleNanos}. */
    synchronized boolean isIdle(long nowNanos, long idleNanos) {
        return handle != null && nowNanos - lastUsedNanos >= idleNanos;
    }

    /** Closes the handle when unused for {@code idleNanos}; returns whether it did. */
    synchronized boolean closeIfIdle(long nowNanos, long idleNanos) {
        if (handle != null && nowNanos - lastUsedNanos >= idleNanos) {
            closeHandle();
            return true;
        }
        return false;
    }

    /** Closes the handle (reopened on the next use). */
    synchronized void closeHandle() {
        if (handle != null) {
            try {
                handle.close();
            } catch (IOException ignored) {
                // nothing left to flush through a handle we give up
            }
            handle = null;
        }
    }

    @Override
    public String toString() {
        return "block " + id;
    }
}
