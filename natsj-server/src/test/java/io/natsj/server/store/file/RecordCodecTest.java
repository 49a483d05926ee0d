package io.natsj.server.store.file;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The record format of docs/storage-format.md: field positions, checksum, flags, erasing. */
@Timeout(10)
class RecordCodecTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aMessageRoundTripsAndItsFieldsLieWhereTheFormatSays() {
        byte[] rec = RecordCodec.encode(0, 42, 1_000L, 5_000L, "orders.é", b("NATS/1.0\r\n\r\n"), b("payload"));
        int subjLen = "orders.é".getBytes(StandardCharsets.UTF_8).length;
        assertThat(rec).hasSize(RecordCodec.OVERHEAD + subjLen + 12 + 7);
        ByteBuffer bb = ByteBuffer.wrap(rec);
        assertThat(bb.getInt(0)).isEqualTo(rec.length);
        assertThat(rec[4]).isZero();
        assertThat(rec[5]).isEqualTo((byte) RecordCodec.VERSION);
        assertThat(bb.getShort(6)).isEqualTo((short) subjLen);
        assertThat(bb.getLong(8)).isEqualTo(42);
        assertThat(bb.getLong(16)).isEqualTo(1_000);
        assertThat(bb.getLong(24)).isEqualTo(5_000);
        assertThat(bb.getInt(32)).isEqualTo(12);
        assertThat(new String(rec, 36, subjLen, StandardCharsets.UTF_8)).isEqualTo("orders.é");

        assertThat(RecordCodec.validLength(rec, 0, rec.length)).isEqualTo(rec.length);
        BlockRecord r = RecordCodec.decodeChecked(rec);
        assertThat(r.isLiveMessage()).isTrue();
        assertThat(r.seq()).isEqualTo(42);
        assertThat(r.timestamp()).isEqualTo(1_000);
        assertThat(r.ttl()).isEqualTo(5_000);
        assertThat(r.subject()).isEqualTo("orders.é");
        assertThat(r.headers()).isEqualTo(b("NATS/1.0\r\n\r\n"));
        assertThat(r.data()).isEqualTo(b("payload"));
        assertThat(r.length()).isEqualTo(rec.length);
    }

    @Test
    void emptyPartsTakeNoBytes() {
        byte[] rec = RecordCodec.encode(0, 1, 0, 0, "a", null, null);
        assertThat(rec).hasSize(RecordCodec.OVERHEAD + 1);
        BlockRecord r = RecordCodec.decodeChecked(rec);
        assertThat(r.headers()).isEmpty();
        assertThat(r.data()).isEmpty();
    }

    @Test
    void tombstonesAndSkipMarkersCarryTheStreamsLastSequence() {
        BlockRecord t = RecordCodec.decodeChecked(RecordCodec.tombstone(7, 9, 123));
        assertThat(t.isTombstone()).isTrue();
        assertThat(t.isLiveMessage()).isFalse();
        assertThat(t.seq()).isEqualTo(7);
        assertThat(t.ttl()).as("last sequence").isEqualTo(9);
        assertThat(t.timestamp()).as("last time").isEqualTo(123);
        BlockRecord s = RecordCodec.decodeChecked(RecordCodec.skip(100, 55));
        assertThat(s.isSkip()).isTrue();
        assertThat(s.seq()).isEqualTo(100);
        assertThat(s.timestamp()).isEqualTo(55);
        assertThat(RecordCodec.skip(1, 0)).hasSize(RecordCodec.OVERHEAD);
    }

    @Test
    void anyFlippedBitOrMissingByteIsDetected() {
        byte[] rec = RecordCodec.encode(0, 3, 9, 0, "s", b("h"), b("data"));
        for (int i = 0; i < rec.length; i++) {
            byte[] bad = rec.clone();
            bad[i] ^= 0x10;
            assertThat(RecordCodec.validLength(bad, 0, bad.length)).as("byte %d flipped", i).isEqualTo(-1);
        }
        assertThat(RecordCodec.validLength(rec, 0, rec.length - 1)).isEqualTo(-1);
        assertThat(RecordCodec.validLength(rec, 0, 10)).isEqualTo(-1);
        assertThatThrownBy(() -> RecordCodec.decodeChecked(java.util.Arrays.copyOf(rec, rec.length - 1)))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void recordsAreFoundInsideALargerBuffer() {
        byte[] a = RecordCodec.encode(0, 1, 0, 0, "a", null, b("x"));
        byte[] c = RecordCodec.encode(0, 2, 0, 0, "b", null, b("yy"));
        byte[] buf = new byte[a.length + c.length];
        System.arraycopy(a, 0, buf, 0, a.length);
        System.arraycopy(c, 0, buf, a.length, c.length);
        assertThat(RecordCodec.validLength(buf, 0, buf.length)).isEqualTo(a.length);
        assertThat(RecordCodec.validLength(buf, a.length, buf.length)).isEqualTo(c.length);
        assertThat(RecordCodec.decode(buf, a.length).seq()).isEqualTo(2);
        buf[3] ^= 1; // damage the first record's length
        assertThat(BlockScanner.nextValidAfter(buf, 0, buf.length)).isEqualTo(a.length);
    }

    @Test
    void erasingZeroesHeadersAndPayloadAndKeepsTheRecordValid() {
        byte[] rec = RecordCodec.encode(0, 5, 1, 0, "subj", b("NATS/1.0\r\nK: v\r\n\r\n"), b("secret"));
        byte[] erased = RecordCodec.erased(rec);
        assertThat(erased).hasSameSizeAs(rec);
        assertThat(new String(erased, StandardCharsets.ISO_8859_1)).doesNotContain("secret").doesNotContain("K: v");
        BlockRecord r = RecordCodec.decodeChecked(erased);
        assertThat(r.isErased()).isTrue();
        assertThat(r.isLiveMessage()).isFalse();
        assertThat(r.seq()).isEqualTo(5);
        assertThat(r.data()).containsOnly(0);
    }

    @Test
    void subjectsLongerThanTheFieldAreRefused() {
        assertThatThrownBy(() -> RecordCodec.encode(0, 1, 0, 0, "a".repeat(70_000), null, null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
