package io.natsj.server.store.file;

import io.natsj.server.store.StoreException;
import io.natsj.server.store.StoreLimits;
import io.natsj.server.store.StoredMessage;
import io.natsj.server.store.StreamState;
import io.natsj.server.store.io.FaultyFileIO;
import io.natsj.server.util.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the file store recovers after crashes and damage, on a {@link FaultyFileIO}: acknowledged synced writes
 * survive a power cut, a torn tail is cut off, damaged records in the middle are counted as lost and the rest kept,
 * and the index snapshot is only a shortcut (without it, or with a bad one, a rescan gives the same state).
 */
@Timeout(30)
class FileStreamStoreRecoveryTest {

    private static final Path DIR = Path.of("/mem/stream");
    private static final Path BLOCK1 = DIR.resolve("msgs/1.blk");
    private static final Path INDEX = DIR.resolve("msgs/index.db");
    private static final FileStoreOptions SMALL = FileStoreOptions.DEFAULTS.withBlockSize(1024);

    private final ManualClock clock = new ManualClock();
    private FaultyFileIO io = new FaultyFileIO();
    private final List<FileStreamStore> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(FileStreamStoreRecoveryTest::abandon);
    }

    private FileStreamStore open(FileStoreOptions options) {
        FileStreamStore s = new FileStreamStore(io, DIR, options, clock, StoreLimits.NONE);
        opened.add(s);
        return s;
    }

    /** Lets go of a store whose file system crashed: its close may fail. */
    private static void abandon(FileStreamStore s) {
        try {
            s.close();
        } catch (StoreException expected) {
            // its disk is gone
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(StoredMessage m) {
        return new String(m.data(), StandardCharsets.UTF_8);
    }

    private static void fill(FileStreamStore s, int n) {
        for (int i = 1; i <= n; i++) {
            s.store("m." + (i % 3), null, b("payload-" + i), 0);
        }
    }

    /** The offsets of the records of a block file whose sequence is {@code seq} and that are messages. */
    private static int offsetOfMessage(byte[] file, long seq) {
        int p = 0;
        while (p < file.length) {
            int len = RecordCodec.validLength(file, p, file.length);
            assertThat(len).as("valid record at %d", p).isPositive();
            BlockRecord r = RecordCodec.decode(file, p);
            if (r.isLiveMessage() && r.seq() == seq) {
                return p;
            }
            p += len;
        }
        throw new AssertionError("no message " + seq);
    }

    // ---- crashes -------------------------------------------------------------------------------------------------

    @Test
    void everyAcknowledgedSyncAlwaysWriteSurvivesAPowerCut() throws Exception {
        FileStreamStore s = open(SMALL.withSyncAlways(true));
        Set<Long> acked = ConcurrentHashMap.newKeySet();
        CountDownLatch enough = new CountDownLatch(300);
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            writers.add(Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < 1_000; i++) {
                        StoredMessage m = s.store("w", null, b("acked"), 0);
                        acked.add(m.seq());
                        enough.countDown();
                    }
                } catch (StoreException crashed) {
                    // the disk went away under us
                }
            }));
        }
        assertThat(enough.await(20, TimeUnit.SECONDS)).isTrue();
        io = io.crash();
        for (Thread w : writers) {
            w.join(TimeUnit.SECONDS.toMillis(20));
        }
        FileStreamStore after = open(SMALL);
        assertThat(acked).hasSizeGreaterThanOrEqualTo(300);
        for (long seq : acked) {
            assertThat(after.load(seq)).as("acknowledged %d", seq).isNotNull();
        }
        assertThat(after.state().msgs()).isGreaterThanOrEqualTo(acked.size());
        assertThat(after.state().lostMsgs()).isZero();
    }

    @Test
    void concurrentSyncAlwaysWritersShareFsyncs() throws Exception {
        FileStreamStore s = open(FileStoreOptions.DEFAULTS.withSyncAlways(true));
        long before = io.forces();
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            writers.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 200; i++) {
                    s.store("w", null, b("x"), 0);
                }
            }));
        }
        for (Thread w : writers) {
            w.join();
        }
        assertThat(s.state().msgs()).isEqualTo(1_600);
        assertThat(io.forces() - before).as("fsyncs for 1600 writes").isLessThan(1_600);
    }

    @Test
    void withoutSyncAPowerCutLosesOnlyTheUnsyncedTail() {
        FileStreamStore s = open(SMALL);
        fill(s, 20);
        s.sync();
        fill(s, 5);
        io = io.crash();
        abandon(s);
        FileStreamStore after = open(SMALL);
        StreamState st = after.state();
        assertThat(st.msgs()).isBetween(20L, 25L);
        assertThat(st.lostMsgs()).isZero();
        assertThat(text(after.load(20))).isEqualTo("payload-20");
        assertThat(after.store("new", null, b("n"), 0).seq()).isEqualTo(st.lastSeq() + 1);
    }

    @Test
    void aTornTailIsCutOffAndTheStoreWritesOnAfterIt() {
        FileStreamStore s = open(FileStoreOptions.DEFAULTS);
        fill(s, 10);
        s.sync();
        s.store("torn", null, b("this record is only partly on disk"), 0);
        s.sync();
        io = io.crashTearingLastWrite(17);
        abandon(s);
        int tornLength = io.bytes(BLOCK1).length;

        FileStreamStore after = open(FileStoreOptions.DEFAULTS);
        assertThat(io.bytes(BLOCK1).length).as("cut at the torn record").isLessThan(tornLength);
        StreamState st = after.state();
        assertThat(st.msgs()).isEqualTo(10);
        assertThat(st.lastSeq()).isEqualTo(10);
        assertThat(st.lostMsgs()).isZero();
        assertThat(text(after.load(10))).isEqualTo("payload-10");
        assertThat(after.store("next", null, b("after the tear"), 0).seq()).isEqualTo(11);
        after.close();

        FileStreamStore again = open(FileStoreOptions.DEFAULTS);
        assertThat(text(again.load(11))).isEqualTo("after the tear");
        assertThat(again.state().msgs()).isEqualTo(11);
    }

    @Test
    void aFailingDiskFailsTheStoreButKeepsWhatWasAcknowledged() {
        FileStreamStore s = open(SMALL.withSyncAlways(true));
        fill(s, 10);
        io.failWritesAfter(500);
        List<Long> acked = new ArrayList<>();
        assertThatThrownBy(() -> {
            for (int i = 0; i < 1_000; i++) {
                acked.add(s.store("late", null, b("late-" + i), 0).seq());
            }
        }).isInstanceOf(StoreException.class);
        assertThatThrownBy(() -> s.store("refused", null, b("x"), 0)).isInstanceOf(StoreException.class);
        io = io.crash();
        abandon(s);

        FileStreamStore after = open(SMALL);
        assertThat(text(after.load(10))).isEqualTo("payload-10");
        for (long seq : acked) {
            assertThat(after.load(seq)).as("acknowledged %d", seq).isNotNull();
        }
        assertThat(after.state().msgs()).isGreaterThanOrEqualTo(10 + acked.size());
    }

    // ---- damage --------------------------------------------------------------------------------------------------

    @Test
    void aFlippedByteInTheMiddleLosesThatMessageOnly() {
        FileStreamStore s = open(FileStoreOptions.DEFAULTS);
        fill(s, 30);
        s.close();
        byte[] file = io.bytes(BLOCK1);
        int at = offsetOfMessage(file, 12);
        int recordLength = RecordCodec.validLength(file, at, file.length);
        file[at + RecordCodec.HEADER_SIZE + 5] ^= 0x40; // inside the payload
        io.setBytes(BLOCK1, file);
        io.setBytes(INDEX, new byte[0]); // no snapshot: scan

        FileStreamStore after = open(FileStoreOptions.DEFAULTS);
        StreamState st = after.state();
        assertThat(st.lostMsgs()).isEqualTo(1);
        assertThat(st.lostBytes()).isEqualTo(recordLength);
        assertThat(st.msgs()).isEqualTo(29);
        assertThat(st.lastSeq()).isEqualTo(30);
        assertThat(after.load(12)).isNull();
        assertThat(text(after.load(11))).isEqualTo("payload-11");
        assertThat(text(after.load(13))).isEqualTo("payload-13");
        assertThat(after.deleted()).containsExactly(12L);
    }

    @Test
    void aDamagedLengthFieldIsSkippedByLookingForTheNextValidRecord() {
        FileStreamStore s = open(FileStoreOptions.DEFAULTS);
        fill(s, 30);
        s.close();
        byte[] file = io.bytes(BLOCK1);
        int at = offsetOfMessage(file, 20);
        file[at + 1] = 0x33; // the length now claims ~3 MB
        io.setBytes(BLOCK1, file);
        io.setBytes(INDEX, new byte[]{1, 2, 3});

        FileStreamStore after = open(FileStoreOptions.DEFAULTS);
        assertThat(after.state().lostMsgs()).isEqualTo(1);
        assertThat(after.state().msgs()).isEqualTo(29);
        assertThat(text(after.load(21))).isEqualTo("payload-21");
    }

    @Test
    void aTruncatedOlderBlockLosesItsTailAndKeepsTheOtherBlocks() {
        FileStreamStore s = open(SMALL);
        fill(s, 100);
        long blocks = s.blockCount();
        s.close();
        assertThat(blocks).isGreaterThan(3);
        byte[] file = io.bytes(BLOCK1);
        int keepUpTo = offsetOfMessage(file, 5);
        long inBlock1 = 0;
        for (long seq = 1; seq <= 100; seq++) {
            try {
                offsetOfMessage(file, seq);
                inBlock1 = seq;
            } catch (AssertionError notHere) {
                break;
            }
        }
        io.setBytes(BLOCK1, java.util.Arrays.copyOf(file, keepUpTo + 20)); // cut inside message 5
        io.setBytes(INDEX, new byte[0]);

        FileStreamStore after = open(SMALL);
        StreamState st = after.state();
        assertThat(st.lostMsgs()).isEqualTo(inBlock1 - 4);
        assertThat(st.msgs()).isEqualTo(100 - (inBlock1 - 4));
        assertThat(st.firstSeq()).isEqualTo(1);
        assertThat(text(after.load(4))).isEqualTo("payload-4");
        assertThat(after.load(5)).isNull();
        assertThat(text(after.load(inBlock1 + 1))).isEqualTo("payload-" + (inBlock1 + 1));
        assertThat(text(after.load(100))).isEqualTo("payload-100");
    }

    // ---- the index snapshot --------------------------------------------------------------------------------------

    @Test
    void aMissingOrCorruptSnapshotGivesTheSameStateByRescanning() {
        FileStreamStore s = open(SMALL);
        fill(s, 300);
        for (long seq = 1; seq <= 300; seq += 4) {
            s.remove(seq);
        }
        s.erase(150);
        s.skipTo(400);
        s.store("after.skip", b("NATS/1.0\r\n\r\n"), b("h"), 5_000);
        StreamState expected = s.state();
        List<Long> deleted = s.deleted();
        s.close();
        assertThat(io.bytes(INDEX)).isNotNull();

        byte[] snapshot = io.bytes(INDEX);
        snapshot[snapshot.length / 2] ^= 1;
        io.setBytes(INDEX, snapshot);
        FileStreamStore corrupt = open(SMALL);
        assertThat(corrupt.state()).isEqualTo(expected);
        assertThat(corrupt.deleted()).isEqualTo(deleted);
        corrupt.close();

        io.setBytes(INDEX, new byte[0]);
        FileStreamStore missing = open(SMALL);
        assertThat(missing.state()).isEqualTo(expected);
        assertThat(missing.deleted()).isEqualTo(deleted);
        assertThat(missing.load(400).ttlNanos()).isEqualTo(5_000);
        missing.close();

        FileStreamStore withSnapshot = open(SMALL);
        assertThat(withSnapshot.state()).isEqualTo(expected);
        assertThat(text(withSnapshot.load(299))).isEqualTo("payload-299");
    }

    @Test
    void recordsWrittenAfterTheSnapshotAreScannedOnTopOfIt() {
        FileStreamStore s = open(SMALL);
        fill(s, 50);
        s.writeIndexSnapshot();
        fill(s, 50);
        s.remove(10);
        s.remove(60);
        s.sync();
        StreamState expected = s.state();
        io = io.crash();
        abandon(s);

        FileStreamStore after = open(SMALL);
        assertThat(after.state()).isEqualTo(expected);
        assertThat(after.load(10)).isNull();
        assertThat(after.load(60)).isNull();
        assertThat(text(after.load(100))).isEqualTo("payload-50");
    }

    @Test
    void aSnapshotThatDoesNotMatchTheBlocksIsIgnored() {
        FileStreamStore s = open(SMALL);
        fill(s, 40);
        s.close();
        byte[] snapshot = io.bytes(INDEX);
        FileStreamStore more = open(SMALL);
        fill(more, 40);
        more.purge("m.1", 0, 0);
        StreamState expected = more.state();
        more.close();
        io.setBytes(INDEX, snapshot); // an old snapshot, from before compaction rewrote blocks

        FileStreamStore after = open(SMALL);
        assertThat(after.state()).isEqualTo(expected);
    }

    @Test
    void purgingEverythingDeletesTheBlocksAndKeepsTheSequences() {
        FileStreamStore s = open(SMALL);
        fill(s, 100);
        assertThat(s.blockCount()).isGreaterThan(3);
        s.purge(null, 0, 0);
        assertThat(s.blockCount()).isEqualTo(1);
        s.sync();
        io = io.crash();
        abandon(s);
        FileStreamStore after = open(SMALL);
        assertThat(after.state().firstSeq()).isEqualTo(101);
        assertThat(after.state().lastSeq()).isEqualTo(100);
        assertThat(after.state().msgs()).isZero();
    }
    @Test
    void removalsStayRemovedAfterCompactingOnTopOfASnapshot() {
        FileStreamStore s = open(SMALL);
        fill(s, 200);
        for (long seq = 2; seq <= 100; seq += 2) {
            s.remove(seq); // dead records in the first blocks, tombstones in later ones
        }
        s.close();
        FileStreamStore fromSnapshot = open(SMALL); // which records are dead is not in the snapshot
        for (long seq = 101; seq <= 200; seq++) {
            fromSnapshot.remove(seq); // whole blocks die: compaction and tombstone clean-up run
        }
        fromSnapshot.sync();
        StreamState expected = fromSnapshot.state();
        io = io.crash();
        abandon(fromSnapshot);
        io.setBytes(INDEX, new byte[0]);

        FileStreamStore rescanned = open(SMALL);
        assertThat(rescanned.state()).isEqualTo(expected);
        assertThat(rescanned.state().msgs()).isEqualTo(50);
        for (long seq = 1; seq <= 200; seq++) {
            if (seq <= 100 && seq % 2 == 1) {
                assertThat(text(rescanned.load(seq))).isEqualTo("payload-" + seq);
            } else {
                assertThat(rescanned.load(seq)).as("removed %d", seq).isNull();
            }
        }
    }

    @Test
    void leftoversOfAnInterruptedCompactionAreDeletedOnOpen() {
        FileStreamStore s = open(SMALL);
        fill(s, 30);
        StreamState expected = s.state();
        s.close();
        io.setBytes(DIR.resolve("msgs/1.blk.tmp"), new byte[]{9, 9, 9});
        FileStreamStore after = open(SMALL);
        assertThat(after.state()).isEqualTo(expected);
        assertThat(io.allFiles()).noneMatch(p -> p.toString().endsWith(".tmp"));
    }

    @Test
    void aSkipSurvivesAPowerCut() {
        FileStreamStore s = open(SMALL);
        fill(s, 3);
        s.skipTo(100);
        s.sync();
        io = io.crash();
        abandon(s);
        FileStreamStore after = open(SMALL);
        assertThat(after.state().lastSeq()).isEqualTo(99);
        assertThat(after.state().msgs()).isEqualTo(3);
        assertThat(after.store("next", null, b("x"), 0).seq()).isEqualTo(100);
    }
}
