package io.natsj.server.store.file;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Encodes and decodes the records of a block file. All integers are big-endian; every record is self-delimiting and
 * checksummed, so a block can be scanned from its start without any other file.
 *
 * <pre>
 *  offset       size  field
 *  0            4     L       total record length in bytes, this field and the checksum included (u32, ≥ 40)
 *  4            1     flags   bit 0 TOMBSTONE, bit 1 ERASED, bit 2 SKIP; other bits 0
 *  5            1     version format version, 1
 *  6            2     S       subject length in bytes (u16)
 *  8            8     seq     sequence (tombstone: the removed one; skip: the stream's next sequence)
 *  16           8     time    Unix epoch nanoseconds (tombstone/skip: the stream's last timestamp)
 *  24           8     ttl     message TTL in nanoseconds, 0 none, -1 never (tombstone: stream's last sequence)
 *  32           4     H       header block length in bytes (u32)
 *  36           S     subject UTF-8
 *  36+S         H     headers the NATS/1.0 header block
 *  36+S+H       D     payload D = L - 40 - S - H
 *  L-4          4     crc     CRC-32C of bytes [0, L-4)
 *
 *  +------+-----+---+-----+--------+--------+--------+------+---------+---------+---------+-------+
 *  | L:4  |fl:1 |v:1| S:2 | seq:8  | time:8 | ttl:8  | H:4  | subject | headers | payload | crc:4 |
 *  +------+-----+---+-----+--------+--------+--------+------+---------+---------+---------+-------+
 * </pre>
 *
 * <p>Threading: stateless; safe for any thread.
 */
public final class RecordCodec {

    /** The record removes the message with its sequence. */
    public static final int TOMBSTONE = 0x01;
    /** The message's headers and payload were overwritten with zeros; it is gone. */
    public static final int ERASED = 0x02;
    /** A marker that carries the stream's next sequence and last time (block start, skip, purge). */
    public static final int SKIP = 0x04;

    /** The format version written in byte 5. */
    public static final int VERSION = 1;
    /** Bytes before the subject. */
    public static final int HEADER_SIZE = 36;
    /** Fixed bytes of every record: the header and the checksum. */
    public static final int OVERHEAD = HEADER_SIZE + 4;
    /** Longest subject in bytes. */
    public static final int MAX_SUBJECT = 0xFFFF;

    private RecordCodec() {
    }

    /** Encodes a record. */
    public static byte[] encode(int flags, long seq, long timestamp, long ttl, String subject, byte[] headers,
                                byte[] data) {
        byte[] subj = subject == null ? new byte[0] : subject.getBytes(StandardCharsets.UTF_8);
        if (subj.length > MAX_SUBJECT) {
            throw new IllegalArgumentException("subject longer than " + MAX_SUBJECT + " bytes");
        }
        int hdrLen = headers == null ? 0 : headers.length;
        int dataLen = data == null ? 0 : data.length;
        long total = (long) OVERHEAD + subj.length + hdrLen + dataLen;
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("record too large: " + total + " bytes");
        }
        byte[] out = new byte[(int) total];
        ByteBuffer b = ByteBuffer.wrap(out);
        b.putInt((int) total).put((byte) flags).put((byte) VERSION).putShort((short) subj.length)
                .putLong(seq).putLong(timestamp).putLong(ttl).putInt(hdrLen).put(subj);
        if (hdrLen > 0) {
            b.put(headers);
        }
        if (dataLen > 0) {
            b.put(data);
        }
        b.putInt(crc(out, 0, out.length - 4));
        return out;
    }

    /** A tombstone for {@code seq}, carrying the stream's last sequence and time. */
    public static byte[] tombstone(long seq, long lastSeq, long lastTime) {
        return encode(TOMBSTONE, seq, lastTime, lastSeq, "", null, null);
    }

    /** A skip marker: the stream's next sequence and last time. */
    public static byte[] skip(long nextSeq, long lastTime) {
        return encode(SKIP, nextSeq, lastTime, 0, "", null, null);
    }

    /**
     * The length of the valid record at {@code off}, or -1 when the bytes up to {@code end} do not hold a whole
     * record with a good checksum there.
     */
    public static int validLength(byte[] buf, int off, int end) {
        if (end - off < OVERHEAD) {
            return -1;
        }
        ByteBuffer b = ByteBuffer.wrap(buf);
        int len = b.getInt(off);
        if (len < OVERHEAD || len > end - off) {
            return -1;
        }
        if ((buf[off + 4] & ~(TOMBSTONE | ERASED | SKIP)) != 0 || buf[off + 5] != VERSION) {
            return -1;
        }
        int subjLen = Short.toUnsignedInt(b.getShort(off + 6));
        int hdrLen = b.getInt(off + 32);
        if (hdrLen < 0 || (long) subjLen + hdrLen > len - OVERHEAD) {
            return -1;
        }
        if (crc(buf, off, len - 4) != b.getInt(off + len - 4)) {
            return -1;
        }
        return len;
    }

    /** The length field of a record at {@code off}, unchecked (-1 when fewer than 4 bytes are there). */
    public static int lengthField(byte[] buf, int off, int end) {
        return end - off < 4 ? -1 : ByteBuffer.wrap(buf).getInt(off);
    }

    /** Decodes the record at {@code off}, which {@link #validLength} accepted. */
    public static BlockRecord decode(byte[] buf, int off) {
        ByteBuffer b = ByteBuffer.wrap(buf);
        int len = b.getInt(off);
        int flags = buf[off + 4] & 0xFF;
        int subjLen = Short.toUnsignedInt(b.getShort(off + 6));
        long seq = b.getLong(off + 8);
        long time = b.getLong(off + 16);
        long ttl = b.getLong(off + 24);
        int hdrLen = b.getInt(off + 32);
        int p = off + HEADER_SIZE;
        String subject = new String(buf, p, subjLen, StandardCharsets.UTF_8);
        p += subjLen;
        byte[] headers = Arrays.copyOfRange(buf, p, p + hdrLen);
        p += hdrLen;
        byte[] data = Arrays.copyOfRange(buf, p, off + len - 4);
        return new BlockRecord(flags, seq, time, ttl, subject, headers, data, len);
    }

    /**
     * Decodes a whole record, checking it.
     *
     * @throws IllegalStateException when the bytes are not one valid record
     */
    public static BlockRecord decodeChecked(byte[] record) {
        if (validLength(record, 0, record.length) != record.length) {
            throw new IllegalStateException("corrupt record");
        }
        return decode(record, 0);
    }

    /** The record with the ERASED flag, its headers and payload zeroed, and a new checksum (same length). */
    public static byte[] erased(byte[] record) {
        byte[] out = record.clone();
        ByteBuffer b = ByteBuffer.wrap(out);
        int subjLen = Short.toUnsignedInt(b.getShort(6));
        out[4] = (byte) (out[4] | ERASED);
        Arrays.fill(out, HEADER_SIZE + subjLen, out.length - 4, (byte) 0);
        b.putInt(out.length - 4, crc(out, 0, out.length - 4));
        return out;
    }

    /** The sequence field of an encoded record. */
    public static long seqOf(byte[] record, int off) {
        return ByteBuffer.wrap(record).getLong(off + 8);
    }

    static int crc(byte[] buf, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(buf, off, len);
        return (int) c.getValue();
    }
}
