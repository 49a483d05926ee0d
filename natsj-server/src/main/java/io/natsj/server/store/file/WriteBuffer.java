package io.natsj.server.store.file;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Encoded records waiting to be written to their block files, in order. Consecutive appends to one block share one
 * growing byte array; in-place overwrites (erase) are separate pieces. Each added piece gets a ticket (1, 2, ...);
 * the flusher reports the tickets written and fsynced.
 *
 * <p>The flusher {@linkplain #drain() drains} everything at once into an in-flight batch that stays readable until
 * {@link #written()}, so a reader always finds a record either here or in its file.
 *
 * <p>Threading: every method is synchronized on this object; critical sections are short (copying bytes).
 */
final class WriteBuffer {

    /** Bytes to write at {@code offset} of {@code block}; {@code bytes[0, length)} is valid. */
    static final class Piece {
        final Block block;
        final long offset;
        byte[] bytes;
        int length;
        final boolean append;

        Piece(Block block, long offset, byte[] bytes, boolean append) {
            this.block = block;
            this.offset = offset;
            this.bytes = bytes;
            this.length = bytes.length;
            this.append = append;
        }

        boolean covers(Block b, long off, int len) {
            return block == b && off >= offset && off + len <= offset + length;
        }
    }

    /** A drained batch and the last ticket it holds. */
    record Batch(List<Piece> pieces, long lastTicket) {
    }

    private List<Piece> pending = new ArrayList<>();
    private List<Piece> inFlight = List.of();
    private long tickets;
    private long pendingBytes;

    /** Adds a record appended at the end of {@code block}; returns its ticket. */
    synchronized long append(Block block, long offset, byte[] record) {
        Piece last = pending.isEmpty() ? null : pending.get(pending.size() - 1);
        if (last != null && last.append && last.block == block && last.offset + last.length == offset
                && (long) last.length + record.length < Integer.MAX_VALUE - 8) {
            int need = last.length + record.length;
            if (need > last.bytes.length) {
                last.bytes = Arrays.copyOf(last.bytes, Math.max(need, Math.min(Integer.MAX_VALUE - 8,
                        last.bytes.length * 2)));
            }
            System.arraycopy(record, 0, last.bytes, last.length, record.length);
            last.length = need;
        } else {
            pending.add(new Piece(block, offset, record.clone(), true));
        }
        pendingBytes += record.length;
        return ++tickets;
    }

    /** Adds an overwrite of bytes already appended; returns its ticket. */
    synchronized long overwrite(Block block, long offset, byte[] bytes) {
        pending.add(new Piece(block, offset, bytes, false));
        pendingBytes += bytes.length;
        return ++tickets;
    }

    synchronized boolean isEmpty() {
        return pending.isEmpty();
    }

    synchronized long pendingBytes() {
        return pendingBytes;
    }

    /** The last ticket handed out. */
    synchronized long lastTicket() {
        return tickets;
    }

    /** Moves everything pending into the in-flight batch and returns it (the previous batch must be written). */
    synchronized Batch drain() {
        inFlight = pending;
        pending = new ArrayList<>();
        pendingBytes = 0;
        return new Batch(inFlight, tickets);
    }

    /** The in-flight batch is in its files. */
    synchronized void written() {
        inFlight = List.of();
    }

    /** Forgets everything not yet written (the store is being deleted or has failed). */
    synchronized void discard() {
        pending = new ArrayList<>();
        inFlight = List.of();
        pendingBytes = 0;
    }

    /** The bytes {@code [offset, offset + length)} of {@code block} when they are not yet in the file, else null. */
    synchronized byte[] find(Block block, long offset, int length) {
        byte[] hit = findIn(pending, block, offset, length);
        return hit != null ? hit : findIn(inFlight, block, offset, length);
    }

    private static byte[] findIn(List<Piece> pieces, Block block, long offset, int length) {
        for (int i = pieces.size() - 1; i >= 0; i--) {
            Piece p = pieces.get(i);
            if (p.covers(block, offset, length)) {
                int from = (int) (offset - p.offset);
                return Arrays.copyOfRange(p.bytes, from, from + length);
            }
        }
        return null;
    }
}
