package io.natsj.server.raft.store;

import io.natsj.server.store.io.FaultyFileIO;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileRaftLogTest {

    private static final Path DIR = Path.of("/groups/S-1");
    /** Small segments: about four 20-byte records each, so every test spans several files. */
    private static final long SEGMENT = 4 * LogRecordCodec.size(20);

    private FaultyFileIO io = new FaultyFileIO();

    private static LogRecord rec(long index, long term) {
        return new LogRecord(index, term, (byte) 1, String.format("entry-%014d", index).getBytes(StandardCharsets.UTF_8));
    }

    private static List<LogRecord> recs(long from, long to, long term) {
        List<LogRecord> out = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            out.add(rec(i, term));
        }
        return out;
    }

    private FileRaftLog open(long snapshotIndex) throws IOException {
        return FileRaftLog.open(io, DIR, SEGMENT, snapshotIndex);
    }

    private static void assertHolds(FileRaftLog log, long from, long to, long term) throws IOException {
        assertThat(log.firstIndex()).isEqualTo(from);
        assertThat(log.lastIndex()).isEqualTo(to);
        List<LogRecord> read = log.read(from, to, Long.MAX_VALUE);
        assertThat(read).extracting(LogRecord::index).containsExactlyElementsOf(
                recs(from, to, term).stream().map(LogRecord::index).toList());
        for (LogRecord r : read) {
            assertThat(r.data()).isEqualTo(rec(r.index(), term).data());
        }
    }

    private void flip(Path file, int offset) {
        byte[] b = io.bytes(file);
        b[offset] ^= 0x10;
        io.setBytes(file, b);
    }

    private List<Path> segments() {
        return io.allFiles().stream().filter(p -> p.toString().endsWith(".seg")).toList();
    }

    @Test
    void appendedRecordsReadBackAcrossSegmentsAndAfterReopening() throws IOException {
        try (FileRaftLog log = open(0)) {
            assertThat(log.firstIndex()).isEqualTo(1);
            assertThat(log.lastIndex()).isZero();
            log.append(recs(1, 10, 1));
            log.append(recs(11, 13, 2));
            log.sync();
            assertThat(log.term(10)).isEqualTo(1);
            assertThat(log.term(11)).isEqualTo(2);
            assertThat(log.term(14)).isEqualTo(-1);
            assertThat(log.read(12).term()).isEqualTo(2);
        }
        assertThat(segments()).hasSizeGreaterThan(2);
        try (FileRaftLog log = open(0)) {
            assertThat(log.damaged()).isFalse();
            assertThat(log.lastIndex()).isEqualTo(13);
            assertThat(log.term(10)).isEqualTo(1);
            assertThat(log.term(13)).isEqualTo(2);
            assertThat(log.read(1, 10, Long.MAX_VALUE)).extracting(LogRecord::data)
                    .containsExactlyElementsOf(recs(1, 10, 1).stream().map(LogRecord::data).toList());
        }
    }

    @Test
    void readStopsAtTheByteBudgetButAlwaysReturnsOneRecord() throws IOException {
        try (FileRaftLog log = open(0)) {
            log.append(recs(1, 12, 1));
            assertThat(log.read(1, 12, 3L * LogRecordCodec.size(20))).hasSize(3);
            assertThat(log.read(5, 12, 1)).hasSize(1);
        }
    }

    @Test
    void appendsMustContinueTheLog() throws IOException {
        try (FileRaftLog log = open(0)) {
            log.append(recs(1, 3, 1));
            assertThatThrownBy(() -> log.append(recs(5, 6, 1))).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> log.append(List.of(rec(4, 0)))).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aConflictingSuffixIsReplacedDurably() throws IOException {
        try (FileRaftLog log = open(0)) {
            log.append(recs(1, 9, 1));
            log.truncateAfter(5);
            assertThat(log.lastIndex()).isEqualTo(5);
            log.append(recs(6, 7, 3));
            log.sync();
        }
        io = io.crash();
        try (FileRaftLog log = open(0)) {
            assertThat(log.damaged()).isFalse();
            assertThat(log.lastIndex()).isEqualTo(7);
            assertThat(log.term(5)).isEqualTo(1);
            assertThat(log.term(6)).isEqualTo(3);
        }
    }

    @Test
    void aCrashLosesOnlyWhatWasNotSyncedAndIsNotDamage() throws IOException {
        try (FileRaftLog log = open(0)) {
            log.append(recs(1, 5, 1));
            log.sync();
            log.append(recs(6, 7, 1)); // in the segment that 5 began
        }
        io = io.crash();
        try (FileRaftLog log = open(0)) {
            assertThat(log.damaged()).isFalse();
            assertHolds(log, 1, 5, 1);
            log.append(recs(6, 7, 2)); // and the log goes on
            assertThat(log.term(7)).isEqualTo(2);
        }
    }

    @Test
    void aTornLastWriteIsCutQuietly() throws IOException {
        try (FileRaftLog log = open(0)) {
            log.append(recs(1, 2, 1));
            log.sync();
            log.append(recs(3, 3, 1));
        }
        io = io.crashTearingLastWrite(10);
        try (FileRaftLog log = open(0)) {
            assertThat(log.damaged()).isFalse();
            assertHolds(log, 1, 2, 1);
        }
    }

    @Test
    void aChangedByteInASyncedRecordIsDamageAndEverythingFromItIsCut() throws IOException {
        try (FileRaftLog log = open(0)) {
            log.append(recs(1, 12, 1));
            log.sync();
        }
        flip(segments().get(1), LogRecordCodec.size(20) + 30); // the second segment holds 5..8: inside record 6
        try (FileRaftLog log = open(0)) {
            assertThat(log.damaged()).isTrue();
            assertHolds(log, 1, 5, 1);
            log.append(recs(6, 6, 2));
            log.sync();
        }
        assertThat(segments()).hasSize(2);
        io = io.crash();
        try (FileRaftLog log = open(0)) {
            assertThat(log.damaged()).as("remembered across a crash until cleared").isTrue();
            assertThat(log.lastIndex()).isEqualTo(6);
            log.clearDamaged();
        }
        io = io.crash();
        try (FileRaftLog log = open(0)) {
            assertThat(log.damaged()).isFalse();
        }
    }

    @Test
    void aDamagedLastRecordIsDamageNotATornWrite() throws IOException {
        try (FileRaftLog log = open(0)) {
            log.append(recs(1, 3, 1));
            log.sync();
        }
        Path only = segments().getFirst();
        flip(only, io.bytes(only).length - 6);
        try (FileRaftLog log = open(0)) {
            assertThat(log.damaged()).isTrue();
            assertHolds(log, 1, 2, 1);
        }
    }

    @Test
    void aMissingSegmentIsDamageAndWhatFollowsItIsDropped() throws IOException {
        try (FileRaftLog log = open(0)) {
            log.append(recs(1, 12, 1));
            log.sync();
        }
        io.delete(segments().get(1));
        try (FileRaftLog log = open(0)) {
            assertThat(log.damaged()).isTrue();
            assertHolds(log, 1, 4, 1);
        }
        assertThat(segments()).hasSize(1);
    }

    @Test
    void termsGoingDownAlongTheLogAreDamage() throws IOException {
        try (FileRaftLog log = open(0)) {
            log.append(recs(1, 2, 5));
            log.sync();
        }
        Path only = segments().getFirst();
        byte[] b = io.bytes(only);
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(b.length);
        LogRecordCodec.encode(rec(1, 5), buf);
        LogRecordCodec.encode(rec(2, 4), buf); // a valid record, an impossible term
        io.setBytes(only, buf.array());
        try (FileRaftLog log = open(0)) {
            assertThat(log.damaged()).isTrue();
            assertThat(log.lastIndex()).isEqualTo(1);
        }
    }

    @Test
    void compactionDropsWholeSegmentsBelowTheSnapshot() throws IOException {
        try (FileRaftLog log = open(0)) {
            log.append(recs(1, 12, 1));
            log.compactTo(6);
            assertThat(log.firstIndex()).isEqualTo(5); // 5..8 share a segment with 6
            assertThat(log.term(5)).isEqualTo(1);
            log.sync();
        }
        try (FileRaftLog log = open(6)) {
            assertThat(log.damaged()).isFalse();
            assertHolds(log, 5, 12, 1);
            log.compactTo(12);
            assertThat(log.firstIndex()).isEqualTo(13);
            assertThat(log.lastIndex()).isEqualTo(12);
            log.sync();
        }
        try (FileRaftLog log = open(12)) {
            assertThat(log.lastIndex()).isEqualTo(12);
            log.append(recs(13, 13, 2));
        }
    }

    @Test
    void aResetLogContinuesAfterTheInstalledSnapshot() throws IOException {
        try (FileRaftLog log = open(0)) {
            log.append(recs(1, 6, 1));
            log.resetTo(100);
            log.append(recs(101, 102, 4));
            log.sync();
        }
        try (FileRaftLog log = open(100)) {
            assertThat(log.damaged()).isFalse();
            assertThat(log.firstIndex()).isEqualTo(101);
            assertThat(log.lastIndex()).isEqualTo(102);
            assertThat(log.term(102)).isEqualTo(4);
        }
    }

    @Test
    void aLogEndingBeforeTheSnapshotContinuesAfterIt() throws IOException {
        try (FileRaftLog log = open(0)) {
            log.append(recs(1, 6, 1));
            log.sync();
        }
        try (FileRaftLog log = open(50)) {
            assertThat(log.damaged()).isFalse();
            assertThat(log.lastIndex()).isEqualTo(50);
            assertThat(log.firstIndex()).isEqualTo(51);
        }
        assertThat(segments()).isEmpty();
    }

    @Test
    void aLogStartingBeyondTheSnapshotHasLostEntries() throws IOException {
        try (FileRaftLog log = open(0)) {
            log.append(recs(1, 12, 1));
            log.compactTo(8);
            log.sync();
        }
        try (FileRaftLog log = open(3)) { // the snapshot at 8 was lost, an older one remains
            assertThat(log.damaged()).isTrue();
            assertThat(log.lastIndex()).isEqualTo(3);
        }
    }
}
