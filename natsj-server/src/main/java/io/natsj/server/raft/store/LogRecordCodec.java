package io.natsj.server.raft.store;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The byte layout of a Raft log record in a segment file. Big-endian; self-delimiting and checksummed, so a segment is
 * scanned from its start with nothing else.
 *
 * <pre>
 *  offset  size  field
 *  0       4     L      total record length in bytes, this field and the checksum included (u32, ≥ 29)
 *  4       8     index  log index (≥ 1); each record's is one more than the one before it in the segment
 *  12      8     term   the term the entry was proposed in
 *  20      1     kind   entry kind, given meaning by the consensus layer
 *  21      D     data   D = L - 29
 *  L-4     4     crc    CRC-32C of bytes [0, L-4)
 * </pre>
 *
 * <p>Decoding tells a <em>torn</em> end (a write the process or machine died in: fewer bytes than a whole record, or
 * a zero length where the file was extended and never written) from <em>damage</em> (a whole record whose checksum,
 * length or index is wrong: what was written and synced changed afterwards). See {@link Scan}.
 *
 * <p>Threading: stateless; safe for any thread.
 */
public final class LogRecordCodec {

    /** Bytes before the data. */
    public static final int HEADER_SIZE = 21;
    /** Fixed bytes of every record: header and checksum. */
    public static final int OVERHEAD = HEADER_SIZE + 4;
    /** Largest record accepted when reading (a longer length field is damage). */
    public static final int MAX_RECORD = 64 * 1024 * 1024;

    /** What a scan found at a position. */
    public enum Scan {
        /** A whole, valid record. */
        RECORD,
        /** The end of the written bytes: nothing, a partial record, or a zero length (never written). */
        TORN,
        /** A whole record that is not what was written: bad length, checksum or index. */
        DAMAGED
    }

    private LogRecordCodec() {
    }

    /** The encoded size of a record with {@code dataLength} bytes of data. */
    public static int size(int dataLength) {
        return OVERHEAD + dataLength;
    }

    /** Writes {@code r} at the buffer's position, advancing it. */
    public static void encode(LogRecord r, ByteBuffer dst) {
        int start = dst.position();
        int len = size(r.data().length);
        dst.putInt(len).putLong(r.index()).putLong(r.term()).put(r.kind()).put(r.data());
        CRC32C crc = new CRC32C();
        crc.update(dst.duplicate().position(start).limit(start + len - 4));
        dst.putInt((int) crc.getValue());
    }

    /**
     * Classifies the bytes at {@code buf}'s position as a record, a torn end or damage; does not move the position.
     *
     * @param expectedIndex the index the record must carry
     */
    public static Scan check(ByteBuffer buf, long expectedIndex) {
        int avail = buf.remaining();
        if (avail < 4) {
            return Scan.TORN;
        }
        int p = buf.position();
        int len = buf.getInt(p);
        if (len == 0) {
            return Scan.TORN;
        }
        if (len < OVERHEAD || len > MAX_RECORD) {
            return Scan.DAMAGED;
        }
        if (len > avail) {
            return Scan.TORN;
        }
        CRC32C crc = new CRC32C();
        crc.update(buf.duplicate().position(p).limit(p + len - 4));
        if ((int) crc.getValue() != buf.getInt(p + len - 4) || buf.getLong(p + 4) != expectedIndex) {
            return Scan.DAMAGED;
        }
        return Scan.RECORD;
    }

    /** Decodes the record at the buffer's position (checked by {@link #check}), advancing past it. */
    public static LogRecord decode(ByteBuffer buf) {
        int len = buf.getInt();
        long index = buf.getLong();
        long term = buf.getLong();
        byte kind = buf.get();
        byte[] data = new byte[len - OVERHEAD];
        buf.get(data);
        buf.getInt();
        return new LogRecord(index, term, kind, data);
    }
}
