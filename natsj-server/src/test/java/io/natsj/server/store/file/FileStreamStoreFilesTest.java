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
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The file store's own behaviour on disk, beyond the contract: blocks roll at their size, compaction reclaims dead
 * space, erase really overwrites, idle files are closed, the interval fsync runs, and readers see writes at once.
 */
@Timeout(30)
class FileStreamStoreFilesTest {

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock();
    private final List<FileStreamStore> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(FileStreamStore::close);
    }

    private FileStreamStore open(FileStoreOptions options, StoreLimits limits) {
        FileStreamStore s = new FileStreamStore(dir, options, clock, limits);
        opened.add(s);
        return s;
    }

    private FileStreamStore open(long blockSize) {
        return open(FileStoreOptions.DEFAULTS.withBlockSize(blockSize), StoreLimits.NONE);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(StoredMessage m) {
        return new String(m.data(), StandardCharsets.UTF_8);
    }

    private List<Path> blockFiles() throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve("msgs"))) {
            return s.filter(p -> p.toString().endsWith(".blk")).sorted().toList();
        }
    }

    private long bytesOnDisk() throws IOException {
        long n = 0;
        for (Path p : blockFiles()) {
            n += Files.size(p);
        }
        return n;
    }

    @Test
    void blocksRollAtTheConfiguredSizeAndABigRecordGetsABlockOfItsOwn() throws IOException {
        FileStreamStore s = open(1024);
        for (int i = 0; i < 100; i++) {
            s.store("roll", null, b("message number " + i), 0);
        }
        s.store("big", null, new byte[5000], 0);
        s.store("after", null, b("small"), 0);
        s.sync();
        List<Path> files = blockFiles();
        assertThat(files.size()).isEqualTo(s.blockCount()).isGreaterThan(5);
        assertThat(files).allSatisfy(f -> assertThat(Files.size(f)).satisfiesAnyOf(
                size -> assertThat(size).isLessThanOrEqualTo(1024),
                size -> assertThat(size).isGreaterThan(5000)));
        assertThat(s.load(101).data()).hasSize(5000);
        assertThat(text(s.load(102))).isEqualTo("small");
    }

    @Test
    void compactionShrinksMostlyDeadBlocksDeletesDeadOnesAndKeepsReadsRight() throws IOException {
        FileStreamStore s = open(1024);
        for (int i = 1; i <= 400; i++) {
            s.store("c", null, b("payload-" + i), 0);
        }
        s.sync();
        int blocksBefore = s.blockCount();
        long bytesBefore = bytesOnDisk();
        for (long seq = 1; seq <= 100; seq++) {
            s.remove(seq); // whole blocks die
        }
        for (long seq = 101; seq <= 400; seq += 2) {
            s.remove(seq); // every other message of the rest
        }
        s.sync();
        assertThat(dir.resolve("msgs/1.blk")).as("a dead block is deleted").doesNotExist();
        long oldBlocksBytes = 0;
        for (Path f : blockFiles()) {
            if (BlockSet.idOf(f) <= blocksBefore) {
                oldBlocksBytes += Files.size(f);
            }
        }
        assertThat(oldBlocksBytes).as("the old blocks hold 150 of 400 messages").isLessThan(bytesBefore / 2);
        for (long seq = 102; seq <= 400; seq += 2) {
            assertThat(text(s.load(seq))).isEqualTo("payload-" + seq);
        }
        StreamState before = s.state();
        s.close();
        Files.delete(dir.resolve("msgs/index.db"));
        FileStreamStore again = open(1024);
        assertThat(again.state()).isEqualTo(before);
        assertThat(text(again.load(400))).isEqualTo("payload-400");
        assertThat(again.load(101)).isNull();
    }

    @Test
    void discardingUnderALimitKeepsTheDiskBounded() throws IOException {
        FileStreamStore s = open(FileStoreOptions.DEFAULTS.withBlockSize(1024), new StoreLimits(50, -1, 0, -1));
        for (int i = 1; i <= 5_000; i++) {
            s.store("bounded", null, b("payload-" + i), 0);
        }
        s.sync();
        assertThat(s.state().msgs()).isEqualTo(50);
        assertThat(bytesOnDisk()).as("50 live messages and their tombstones").isLessThan(50 * 1024);
        StreamState before = s.state();
        s.close();
        Files.delete(dir.resolve("msgs/index.db"));
        assertThat(open(1024).state()).isEqualTo(before);
    }

    @Test
    void updatingKeysUnderAPerSubjectLimitDropsTombstonesOnceTheirMessagesAreCompactedAway() throws IOException {
        StoreLimits onePerKey = new StoreLimits(-1, -1, 0, 1);
        FileStreamStore s = open(FileStoreOptions.DEFAULTS.withBlockSize(1024), onePerKey);
        for (int i = 1; i <= 3_000; i++) {
            // every third message is a key written once; the others update 20 hot keys, dying amid live ones
            String key = i % 3 == 0 ? "cold." + i : "hot." + (i % 20);
            s.store("kv." + key, null, b("value-" + i), 0);
        }
        s.sync();
        StreamState before = s.state();
        assertThat(before.msgs()).isEqualTo(1_000 + 20);
        assertThat(bytesOnDisk()).as("live values, with few tombstones left").isLessThan(2 * before.bytes());
        s.close();
        Files.delete(dir.resolve("msgs/index.db"));
        FileStreamStore again = open(FileStoreOptions.DEFAULTS.withBlockSize(1024), onePerKey);
        assertThat(again.state()).isEqualTo(before);
        assertThat(again.subjectTotals("kv.hot.*")).hasSize(20).allSatisfy((k, v) -> assertThat(v).isEqualTo(1));
        assertThat(text(again.loadLast("kv.hot.0"))).isEqualTo("value-2980");
    }

    @Test
    void eraseOverwritesThePayloadInTheBlockFile() throws IOException {
        FileStreamStore s = open(FileStoreOptions.DEFAULTS.withBlockSize(1024), StoreLimits.NONE);
        s.store("e", null, b("top-secret-written"), 0);
        s.sync();
        s.store("e", null, b("top-secret-buffered"), 0);
        s.store("e", null, b("kept"), 0);
        assertThat(s.erase(1)).isTrue();
        assertThat(s.erase(2)).isTrue();
        s.sync();
        StringBuilder all = new StringBuilder();
        for (Path f : blockFiles()) {
            all.append(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
        }
        assertThat(all.toString()).doesNotContain("top-secret").contains("kept");
        s.close();
        FileStreamStore again = open(1024);
        assertThat(again.load(1)).isNull();
        assertThat(again.load(2)).isNull();
        assertThat(again.state().msgs()).isEqualTo(1);
        assertThat(again.state().lostMsgs()).isZero();
    }

    @Test
    void idleBlockFilesAreClosedAndReopenedOnRead() {
        FileStreamStore s = open(FileStoreOptions.DEFAULTS.withBlockSize(1024)
                .withIdleClose(Duration.ofSeconds(5).toNanos()), StoreLimits.NONE);
        for (int i = 1; i <= 200; i++) {
            s.store("idle", null, b("payload-" + i), 0);
        }
        s.sync();
        for (long seq = 1; seq <= 200; seq += 20) {
            s.load(seq);
        }
        assertThat(s.openFiles()).isGreaterThan(3);
        clock.advance(Duration.ofSeconds(6));
        s.closeIdleFiles();
        assertThat(s.openFiles()).isEqualTo(1);
        assertThat(text(s.load(1))).isEqualTo("payload-1");
        assertThat(s.openFiles()).isEqualTo(2);
    }

    @Test
    void withoutSyncAlwaysTheFlusherFsyncsEveryInterval() {
        FaultyFileIO io = new FaultyFileIO();
        FileStreamStore s = new FileStreamStore(io, Path.of("/mem/interval"),
                FileStoreOptions.DEFAULTS.withSyncInterval(Duration.ofSeconds(1).toNanos()), clock, StoreLimits.NONE);
        s.store("i", null, b("x"), 0);
        long forces = io.forces();
        await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(5)).until(() -> io.forces() == forces);
        clock.advance(Duration.ofSeconds(2));
        s.store("i", null, b("y"), 0);
        await().atMost(Duration.ofSeconds(5)).until(() -> io.forces() > forces);
        FaultyFileIO crashed = io.crash();
        assertThatThrownBy(s::close).isInstanceOf(StoreException.class);
        FileStreamStore after = new FileStreamStore(crashed, Path.of("/mem/interval"), FileStoreOptions.DEFAULTS,
                clock, StoreLimits.NONE);
        assertThat(after.state().msgs()).isEqualTo(2);
        after.close();
    }

    @Test
    void readersRunningBesideAWriterAlwaysSeeWholeMessages() throws Exception {
        FileStreamStore s = open(4096);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread reader = Thread.ofPlatform().start(() -> {
            try {
                long seen = 0;
                while (seen < 3_000) {
                    StoredMessage last = s.loadLast(">");
                    if (last != null) {
                        assertThat(text(last)).isEqualTo("payload-" + last.seq());
                        StoredMessage next = s.loadNext(">", Math.max(1, last.seq() - 50));
                        assertThat(text(next)).isEqualTo("payload-" + next.seq());
                        seen = last.seq();
                    }
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        for (int i = 1; i <= 3_000; i++) {
            s.store("rw", null, b("payload-" + i), 0);
        }
        reader.join(20_000);
        assertThat(failure.get()).isNull();
    }
    @Test
    void readersSeeRightMessagesWhileTheFlusherCompactsBlocks() throws Exception {
        FileStreamStore s = open(1024);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            long salt = r;
            readers.add(Thread.ofPlatform().start(() -> {
                java.util.SplittableRandom random = new java.util.SplittableRandom(salt);
                try {
                    while (!done.get()) {
                        StreamState st = s.state();
                        if (st.msgs() == 0) {
                            continue;
                        }
                        long seq = st.firstSeq() + random.nextLong(st.lastSeq() - st.firstSeq() + 1);
                        StoredMessage m = s.load(seq);
                        if (m != null) {
                            assertThat(text(m)).isEqualTo("payload-" + seq);
                        }
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            }));
        }
        for (int i = 1; i <= 3_000; i++) {
            s.store("c", null, b("payload-" + i), 0);
            if (i % 2 == 0) {
                s.remove(i - 1); // every block ends up half dead: compaction work for the flusher
            }
        }
        done.set(true);
        for (Thread r : readers) {
            r.join(20_000);
        }
        assertThat(failure.get()).isNull();
        s.sync();
        for (long seq = 2; seq <= 3_000; seq += 2) {
            assertThat(text(s.load(seq))).isEqualTo("payload-" + seq);
        }
    }
}
