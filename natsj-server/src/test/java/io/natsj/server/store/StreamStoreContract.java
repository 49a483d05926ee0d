package io.natsj.server.store;

import io.natsj.server.util.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The behaviour every {@link StreamStore} must have: one suite, run against each implementation by a subclass
 * that says how to open (and, for persistent stores, reopen) a store.
 */
@Timeout(30)
public abstract class StreamStoreContract {

    protected final ManualClock clock = new ManualClock();
    protected StreamStore store;

    /** Opens a store with these limits (the same storage each time it is called in one test, for reopening). */
    protected abstract StreamStore open(StoreLimits limits);

    /** Whether the store keeps its messages across {@link StreamStore#close()} and a new {@link #open}. */
    protected abstract boolean persistent();

    @BeforeEach
    void openStore() {
        store = open(StoreLimits.NONE);
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    /** Closes the store and opens it again on the same storage. */
    protected StreamStore reopen(StoreLimits limits) {
        store.close();
        store = open(limits);
        return store;
    }

    protected static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    protected StoredMessage put(String subject, String data) {
        return store.store(subject, null, bytes(data), 0);
    }

    private static String text(StoredMessage m) {
        return new String(m.data(), StandardCharsets.UTF_8);
    }

    private List<Long> seqs(String filter) {
        List<Long> out = new ArrayList<>();
        for (StoredMessage m = store.loadNext(filter, 1); m != null; m = store.loadNext(filter, m.seq() + 1)) {
            out.add(m.seq());
        }
        return out;
    }

    // ---- storing and loading -------------------------------------------------------------------------------------

    @Test
    void sequencesStartAtOneAndTimestampsComeFromTheClock() {
        StoredMessage a = put("orders.new", "one");
        clock.advance(Duration.ofMillis(5));
        StoredMessage b = store.store("orders.paid", bytes("NATS/1.0\r\nA: b\r\n\r\n"), bytes("two"), 0);
        assertThat(a.seq()).isEqualTo(1);
        assertThat(b.seq()).isEqualTo(2);
        assertThat(a.timestamp()).isEqualTo(clock.epochNanos() - 5_000_000);
        assertThat(b.timestamp()).isEqualTo(clock.epochNanos());
        StoredMessage loaded = store.load(2);
        assertThat(loaded.subject()).isEqualTo("orders.paid");
        assertThat(loaded.headers()).isEqualTo(bytes("NATS/1.0\r\nA: b\r\n\r\n"));
        assertThat(text(loaded)).isEqualTo("two");
        assertThat(loaded.timestamp()).isEqualTo(b.timestamp());
        assertThat(store.load(1).hasHeaders()).isFalse();
    }

    @Test
    void emptyPayloadsAndLargePayloadsRoundTrip() {
        byte[] big = new byte[3 * 1024 * 1024 + 7];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31);
        }
        store.store("empty", null, null, 0);
        store.store("big", null, big, 0);
        assertThat(store.load(1).data()).isEmpty();
        assertThat(store.load(2).data()).isEqualTo(big);
    }

    @Test
    void missingSequencesLoadAsNull() {
        put("a", "1");
        assertThat(store.load(0)).isNull();
        assertThat(store.load(2)).isNull();
        assertThat(store.load(-5)).isNull();
    }

    @Test
    void stateCountsMessagesBytesSubjectsAndTimes() {
        StreamState empty = store.state();
        assertThat(empty.msgs()).isZero();
        assertThat(empty.firstSeq()).as("a new stream reports 0, as nats-server").isZero();
        assertThat(empty.lastSeq()).isZero();
        assertThat(empty.firstTime()).isZero();
        put("a.1", "x");
        clock.advance(Duration.ofSeconds(1));
        store.store("a.2", bytes("NATS/1.0\r\n\r\n"), bytes("yy"), 0);
        put("a.1", "zzz");
        StreamState s = store.state();
        assertThat(s.msgs()).isEqualTo(3);
        assertThat(s.bytes()).isEqualTo(StreamStore.messageSize(store.type(), "a.1", null, bytes("x"))
                + StreamStore.messageSize(store.type(), "a.2", bytes("NATS/1.0\r\n\r\n"), bytes("yy"))
                + StreamStore.messageSize(store.type(), "a.1", null, bytes("zzz")));
        assertThat(s.firstSeq()).isEqualTo(1);
        assertThat(s.lastSeq()).isEqualTo(3);
        assertThat(s.firstTime()).isEqualTo(store.load(1).timestamp());
        assertThat(s.lastTime()).isEqualTo(store.load(3).timestamp());
        assertThat(s.lastTime() - s.firstTime()).isEqualTo(1_000_000_000L);
        assertThat(s.numSubjects()).isEqualTo(2);
        assertThat(s.numDeleted()).isZero();
    }

    // ---- filtered reads ------------------------------------------------------------------------------------------

    private void fillOrders() {
        put("orders.eu.new", "1");
        put("orders.us.new", "2");
        put("orders.eu.paid", "3");
        put("billing.eu", "4");
        put("orders.eu.new", "5");
    }

    @Test
    void loadNextFollowsFiltersWithWildcards() {
        fillOrders();
        assertThat(seqs(">")).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(seqs(null)).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(seqs("orders.eu.new")).containsExactly(1L, 5L);
        assertThat(seqs("orders.*.new")).containsExactly(1L, 2L, 5L);
        assertThat(seqs("orders.>")).containsExactly(1L, 2L, 3L, 5L);
        assertThat(seqs("*.eu")).containsExactly(4L);
        assertThat(seqs("nothing")).isEmpty();
        assertThat(store.loadNext("orders.eu.new", 2).seq()).isEqualTo(5);
        assertThat(store.loadNext(">", 6)).isNull();
    }

    @Test
    void loadLastAndPrevious() {
        fillOrders();
        assertThat(store.loadLast("orders.eu.new").seq()).isEqualTo(5);
        assertThat(store.loadLast("orders.us.*").seq()).isEqualTo(2);
        assertThat(store.loadLast(">").seq()).isEqualTo(5);
        assertThat(store.loadLast("none")).isNull();
        assertThat(store.loadPrevious("orders.eu.new", 4).seq()).isEqualTo(1);
        assertThat(store.loadPrevious(">", 4).seq()).isEqualTo(4);
        assertThat(store.loadPrevious("billing.eu", 3)).isNull();
    }

    @Test
    void filteredStateAndSubjectTotals() {
        fillOrders();
        assertThat(store.filteredState(1, "orders.eu.*")).isEqualTo(new SubjectState(3, 1, 5));
        assertThat(store.filteredState(2, "orders.eu.new")).isEqualTo(new SubjectState(1, 5, 5));
        assertThat(store.filteredState(1, ">")).isEqualTo(new SubjectState(5, 1, 5));
        assertThat(store.filteredState(1, "x")).isEqualTo(SubjectState.EMPTY);
        assertThat(store.subjectTotals(">")).isEqualTo(Map.of("orders.eu.new", 2L, "orders.us.new", 1L,
                "orders.eu.paid", 1L, "billing.eu", 1L));
        assertThat(store.subjectTotals("orders.*.new")).isEqualTo(Map.of("orders.eu.new", 2L, "orders.us.new", 1L));
    }

    @Test
    void sequenceAtOrAfterATime() {
        long t0 = clock.epochNanos();
        put("a", "1");
        clock.advance(Duration.ofSeconds(10));
        put("a", "2");
        clock.advance(Duration.ofSeconds(10));
        put("a", "3");
        assertThat(store.sequenceAtOrAfter(t0 - 1)).isEqualTo(1);
        assertThat(store.sequenceAtOrAfter(t0 + 1)).isEqualTo(2);
        assertThat(store.sequenceAtOrAfter(t0 + 10_000_000_000L)).isEqualTo(2);
        assertThat(store.sequenceAtOrAfter(t0 + 30_000_000_000L)).isEqualTo(4);
    }

    // ---- removal -------------------------------------------------------------------------------------------------

    @Test
    void removingInteriorMessagesLeavesCountedGaps() {
        fillOrders();
        assertThat(store.remove(2)).isTrue();
        assertThat(store.erase(4)).isTrue();
        assertThat(store.remove(2)).isFalse();
        assertThat(store.remove(99)).isFalse();
        assertThat(store.load(2)).isNull();
        assertThat(store.load(4)).isNull();
        StreamState s = store.state();
        assertThat(s.msgs()).isEqualTo(3);
        assertThat(s.numDeleted()).isEqualTo(2);
        assertThat(store.deleted()).containsExactly(2L, 4L);
        assertThat(s.numSubjects()).isEqualTo(2);
        assertThat(seqs(">")).containsExactly(1L, 3L, 5L);
    }

    @Test
    void removingTheFirstMovesItAndRemovingTheLastKeepsTheLastSequence() {
        fillOrders();
        store.remove(1);
        store.remove(2);
        assertThat(store.state().firstSeq()).isEqualTo(3);
        assertThat(store.state().numDeleted()).isZero();
        store.remove(5);
        assertThat(store.state().lastSeq()).isEqualTo(5);
        assertThat(store.state().numDeleted()).as("last - first + 1 - msgs").isEqualTo(1);
        assertThat(store.deleted()).containsExactly(5L);
        assertThat(put("n", "6").seq()).isEqualTo(6);
        assertThat(store.deleted()).containsExactly(5L);
    }

    @Test
    void removingEverythingLeavesAnEmptyStreamThatKeepsItsSequence() {
        put("a", "1");
        put("a", "2");
        store.remove(1);
        store.remove(2);
        StreamState s = store.state();
        assertThat(s.msgs()).isZero();
        assertThat(s.bytes()).isZero();
        assertThat(s.firstSeq()).isEqualTo(3);
        assertThat(s.lastSeq()).isEqualTo(2);
        assertThat(s.numSubjects()).isZero();
        assertThat(put("a", "3").seq()).isEqualTo(3);
    }

    // ---- purge ---------------------------------------------------------------------------------------------------

    @Test
    void purgeAllMovesFirstPastLast() {
        fillOrders();
        assertThat(store.purge(null, 0, 0)).isEqualTo(5);
        StreamState s = store.state();
        assertThat(s.msgs()).isZero();
        assertThat(s.firstSeq()).isEqualTo(6);
        assertThat(s.lastSeq()).isEqualTo(5);
        assertThat(s.numDeleted()).isZero();
        assertThat(put("a", "x").seq()).isEqualTo(6);
    }

    @Test
    void purgeBySubjectFilter() {
        fillOrders();
        assertThat(store.purge("orders.*.new", 0, 0)).isEqualTo(3);
        assertThat(seqs(">")).containsExactly(3L, 4L);
        assertThat(store.state().firstSeq()).isEqualTo(3);
        assertThat(store.state().numSubjects()).isEqualTo(2);
    }

    @Test
    void purgeBelowASequenceIsExclusive() {
        fillOrders();
        assertThat(store.purge(null, 4, 0)).isEqualTo(3);
        assertThat(seqs(">")).containsExactly(4L, 5L);
        assertThat(store.state().firstSeq()).isEqualTo(4);
        assertThat(store.purge("orders.>", 6, 0)).isEqualTo(1);
        assertThat(seqs(">")).containsExactly(4L);
    }

    @Test
    void purgeKeepingTheNewest() {
        fillOrders();
        assertThat(store.purge(null, 0, 2)).isEqualTo(3);
        assertThat(seqs(">")).containsExactly(4L, 5L);
        put("orders.eu.new", "6");
        put("orders.eu.new", "7");
        assertThat(store.purge("orders.eu.new", 0, 1)).isEqualTo(2);
        assertThat(seqs(">")).containsExactly(4L, 7L);
    }

    // ---- limits and expiry ---------------------------------------------------------------------------------------

    @Test
    void maxMsgsDiscardsTheOldest() {
        store = reopenEmpty(new StoreLimits(3, -1, 0, -1));
        for (int i = 1; i <= 5; i++) {
            put("s", Integer.toString(i));
        }
        assertThat(seqs(">")).containsExactly(3L, 4L, 5L);
        assertThat(store.state().firstSeq()).isEqualTo(3);
    }

    @Test
    void maxBytesDiscardsTheOldest() {
        long one = StreamStore.messageSize(store.type(), "s", null, bytes("0123456789"));
        store = reopenEmpty(new StoreLimits(-1, one * 2, 0, -1));
        for (int i = 0; i < 4; i++) {
            put("s", "0123456789");
        }
        assertThat(store.state().msgs()).isEqualTo(2);
        assertThat(store.state().bytes()).isEqualTo(one * 2);
        assertThat(seqs(">")).containsExactly(3L, 4L);
    }

    @Test
    void maxMsgsPerSubjectDiscardsTheOldestOfThatSubject() {
        store = reopenEmpty(new StoreLimits(-1, -1, 0, 2));
        put("a", "1");
        put("b", "2");
        put("a", "3");
        put("a", "4");
        put("b", "5");
        assertThat(seqs("a")).containsExactly(3L, 4L);
        assertThat(seqs("b")).containsExactly(2L, 5L);
    }

    @Test
    void tighterLimitsApplyAtOnce() {
        for (int i = 0; i < 10; i++) {
            put("s." + (i % 2), "x");
        }
        store.updateLimits(new StoreLimits(6, -1, 0, -1));
        assertThat(store.state().msgs()).isEqualTo(6);
        store.updateLimits(new StoreLimits(-1, -1, 0, 2));
        assertThat(seqs(">")).containsExactly(7L, 8L, 9L, 10L);
    }

    @Test
    void maxAgeExpiresOldMessagesWhenExpireRuns() {
        store = reopenEmpty(new StoreLimits(-1, -1, Duration.ofSeconds(10).toNanos(), -1));
        put("a", "1");
        clock.advance(Duration.ofSeconds(6));
        put("a", "2");
        assertThat(store.expire()).isEqualTo(store.load(1).timestamp() + 10_000_000_000L);
        clock.advance(Duration.ofSeconds(5));
        long next = store.expire();
        assertThat(seqs(">")).containsExactly(2L);
        assertThat(next).isEqualTo(store.load(2).timestamp() + 10_000_000_000L);
        clock.advance(Duration.ofSeconds(5));
        assertThat(store.expire()).isZero();
        assertThat(store.state().msgs()).isZero();
        assertThat(store.state().lastSeq()).isEqualTo(2);
    }

    @Test
    void perMessageTtlExpiresOnlyThatMessage() {
        store.store("a", null, bytes("short"), Duration.ofSeconds(2).toNanos());
        put("a", "forever");
        assertThat(store.expire()).isEqualTo(store.load(1).timestamp() + 2_000_000_000L);
        clock.advance(Duration.ofSeconds(3));
        assertThat(store.expire()).isZero();
        assertThat(seqs(">")).containsExactly(2L);
    }

    @Test
    void neverTtlOutlivesMaxAge() {
        store = reopenEmpty(new StoreLimits(-1, -1, Duration.ofSeconds(1).toNanos(), -1));
        store.store("a", null, bytes("keep"), -1);
        put("a", "goes");
        clock.advance(Duration.ofSeconds(2));
        store.expire();
        assertThat(seqs(">")).containsExactly(1L);
    }

    @Test
    void expiryHandsOverEachMessageThatWasTheLastOfItsSubject() {
        store = reopenEmpty(new StoreLimits(-1, -1, Duration.ofSeconds(10).toNanos(), -1));
        byte[] hdr = bytes("NATS/1.0\r\nX: 1\r\n\r\n");
        put("a", "older");
        store.store("a", hdr, bytes("own ttl, taken by age"), Duration.ofMinutes(1).toNanos());
        store.store("b", null, bytes("own ttl"), Duration.ofSeconds(2).toNanos());
        put("b", "stays");
        store.store("c", null, bytes("never"), -1);
        clock.advance(Duration.ofSeconds(3));
        put("d", "young");
        List<StoredMessage> last = new ArrayList<>();
        store.expire(last::add);
        assertThat(last).as("b keeps a message").isEmpty();
        assertThat(seqs(">")).containsExactly(1L, 2L, 4L, 5L, 6L);
        clock.advance(Duration.ofSeconds(8));
        store.expire(last::add);
        assertThat(seqs(">")).containsExactly(5L, 6L);
        assertThat(last).extracting(StoredMessage::seq).containsExactly(2L, 4L);
        assertThat(last.get(0).headers()).isEqualTo(hdr);
        assertThat(text(last.get(0))).isEqualTo("own ttl, taken by age");
        assertThat(last.get(1).subject()).isEqualTo("b");
    }

    @Test
    void expiryByItsOwnTtlHandsOverTheLastOfASubject() {
        byte[] hdr = bytes("NATS/1.0\r\nNats-TTL: 1s\r\n\r\n");
        store.store("a", hdr, bytes("x"), Duration.ofSeconds(1).toNanos());
        clock.advance(Duration.ofSeconds(2));
        List<StoredMessage> last = new ArrayList<>();
        assertThat(store.expire(last::add)).isZero();
        assertThat(last).extracting(StoredMessage::seq).containsExactly(1L);
        assertThat(last.get(0).headers()).isEqualTo(hdr);
        assertThat(store.state().msgs()).isZero();
    }

    @Test
    void skipToMovesTheNextSequence() {
        store.skipTo(100);
        StreamState s = store.state();
        assertThat(s.firstSeq()).isEqualTo(100);
        assertThat(s.lastSeq()).isEqualTo(99);
        assertThat(put("a", "x").seq()).isEqualTo(100);
        assertThat(store.state().firstSeq()).isEqualTo(100);
        assertThat(store.state().numDeleted()).isZero();
    }

    @Test
    void aClosedStoreRefusesWork() {
        store.close();
        assertThatThrownBy(() -> put("a", "x")).isInstanceOf(StoreException.class);
        store = null;
    }

    // ---- restart (persistent stores) -----------------------------------------------------------------------------

    @Test
    void everythingComesBackAfterARestart() {
        assumeTrue(persistent(), "not a persistent store");
        fillOrders();
        store.store("hdr", bytes("NATS/1.0\r\nNats-Msg-Id: 7\r\n\r\n"), bytes("h"), Duration.ofHours(1).toNanos());
        store.remove(2);
        StreamState before = store.state();
        reopen(StoreLimits.NONE);
        assertThat(store.state()).isEqualTo(before);
        assertThat(store.deleted()).containsExactly(2L);
        assertThat(seqs(">")).containsExactly(1L, 3L, 4L, 5L, 6L);
        assertThat(store.load(6).headers()).isEqualTo(bytes("NATS/1.0\r\nNats-Msg-Id: 7\r\n\r\n"));
        assertThat(store.load(6).ttlNanos()).isEqualTo(Duration.ofHours(1).toNanos());
        assertThat(store.subjectTotals("orders.eu.*")).isEqualTo(Map.of("orders.eu.new", 2L, "orders.eu.paid", 1L));
        assertThat(put("after", "restart").seq()).isEqualTo(7);
    }

    @Test
    void aMessageStillToExpireIsHandedOverAfterARestart() {
        assumeTrue(persistent(), "not a persistent store");
        byte[] hdr = bytes("NATS/1.0\r\nNats-TTL: 5s\r\n\r\n");
        store.store("a", hdr, bytes("x"), Duration.ofSeconds(5).toNanos());
        reopen(StoreLimits.NONE);
        clock.advance(Duration.ofSeconds(6));
        List<StoredMessage> last = new ArrayList<>();
        store.expire(last::add);
        assertThat(last).extracting(StoredMessage::seq).containsExactly(1L);
        assertThat(last.get(0).headers()).isEqualTo(hdr);
    }

    @Test
    void anEmptiedStreamKeepsItsSequencesAcrossARestart() {
        assumeTrue(persistent(), "not a persistent store");
        fillOrders();
        store.purge(null, 0, 0);
        reopen(StoreLimits.NONE);
        assertThat(store.state().firstSeq()).isEqualTo(6);
        assertThat(store.state().lastSeq()).isEqualTo(5);
        assertThat(put("a", "x").seq()).isEqualTo(6);
        store.remove(6);
        reopen(StoreLimits.NONE);
        assertThat(store.state().lastSeq()).isEqualTo(6);
        assertThat(put("a", "y").seq()).isEqualTo(7);
    }

    @Test
    void manyMessagesSurviveARestart() {
        assumeTrue(persistent(), "not a persistent store");
        for (int i = 1; i <= 20_000; i++) {
            put("load." + (i % 50), "message-" + i);
        }
        for (int i = 2; i <= 20_000; i += 3) {
            store.remove(i);
        }
        StreamState before = store.state();
        reopen(StoreLimits.NONE);
        assertThat(store.state()).isEqualTo(before);
        assertThat(text(store.load(19_999))).isEqualTo("message-19999");
        assertThat(store.load(19_997)).as("removed: 2, 5, ... 19_997, 20_000").isNull();
        assertThat(store.subjectTotals("load.7")).containsOnlyKeys("load.7");
    }

    /** Replaces the store opened before the test with a fresh, empty one with other limits. */
    protected StreamStore reopenEmpty(StoreLimits limits) {
        store.delete();
        store = open(limits);
        return store;
    }
}
