package io.natsj.server.store.file;

import io.natsj.server.store.io.FileHandle;
import io.natsj.server.store.io.FileIO;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Reads a block file and finds its valid records, also past damage: the next valid record after a bad one is looked
 * for at the end its length field claims, then at every following byte.
 *
 * <p>Threading: stateless; safe for any thread.
 */
final class BlockScanner {

    private BlockScanner() {
    }

    /** The bytes of a block file from {@code from} to its end. */
    static byte[] readFrom(FileIO io, Block block, long from) throws IOException {
        try (FileHandle h = io.open(block.path, false)) {
            long size = h.size();
            if (size - from > Integer.MAX_VALUE - 8) {
                throw new IOException(block.path + " is too large to scan");
            }
            byte[] buf = new byte[(int) Math.max(0, size - from)];
            h.read(ByteBuffer.wrap(buf), from);
            return buf;
        }
    }

    /** The offset of the first valid record after the damaged one at {@code bad}, or -1 when none is left. */
    static int nextValidAfter(byte[] buf, int bad, int end) {
        int claimed = RecordCodec.lengthField(buf, bad, end);
        if (claimed >= RecordCodec.OVERHEAD && (long) bad + claimed < end
                && RecordCodec.validLength(buf, bad + claimed, end) > 0) {
            return bad + claimed;
        }
        for (int p = bad + 1; p + RecordCodec.OVERHEAD <= end; p++) {
            if (RecordCodec.validLength(buf, p, end) > 0) {
                return p;
            }
        }
        return -1;
    }
}
