package io.natsj.server.store;

import io.natsj.server.routing.Subjects;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * The in-memory bookkeeping every stream store needs, whatever holds the bytes: one {@link Entry} per live message
 * in a ring indexed by sequence, per-subject counts with first and last sequences, the totals, the limits with
 * discard-old, and the expiry queue for max age and per-message TTL. A store owns one index and keeps, in each
 * entry's {@code ref}, where its bytes are (the message itself in memory, a file position on disk).
 *
 * <p>Every method that removes entries reports each one to the {@code removed} callback given to it, so the store
 * can release the bytes.
 *
 * <p>Threading: not thread-safe; the owning store guards it with its lock.
 */
public final class MessageIndex {

    /** One live message: what the index needs to know without loading it. */
    public static final class Entry {
        public final String subject;
        public final long seq;
        public final long timestamp;
        public final long ttlNanos;
        public final long size;
        /** Where the store keeps the message; opaque to the index. */
        public Object ref;

        public Entry(String subject, long seq, long timestamp, long ttlNanos, long size, Object ref) {
            this.subject = subject;
            this.seq = seq;
            this.timestamp = timestamp;
            this.ttlNanos = ttlNanos;
            this.size = size;
            this.ref = ref;
        }
    }

    /** Per-subject counters. */
    private static final class PerSubject {
        long msgs;
        long first;
        long last;
    }

    private Entry[] ring = new Entry[1024];
    private int head;            // ring index of sequence base
    private int span;            // slots in use from head: sequences base .. base + span - 1 (nulls are gaps)
    private long base = 1;       // sequence of ring[head]
    private long lastSeq;        // last sequence assigned
    private long lastTime;       // timestamp of the last message stored
    private long msgs;
    private long bytes;
    private final Map<String, PerSubject> subjects = new HashMap<>();
    private final PriorityQueue<long[]> ttlQueue = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));
    private StoreLimits limits = StoreLimits.NONE;

    // ---- adding --------------------------------------------------------------------------------------------------

    /** The sequence the next message gets. */
    public long nextSeq() {
        return lastSeq + 1;
    }

    /** Adds the entry for the next sequence (its {@code seq} must be {@link #nextSeq()}). */
    public void add(Entry e) {
        if (e.seq != lastSeq + 1) {
            throw new IllegalArgumentException("sequence " + e.seq + " is not next (" + (lastSeq + 1) + ")");
        }
        if (span == 0) {
            base = e.seq;
        }
        while (base + span < e.seq) {
            append(null); // a gap left by a skip
        }
        append(e);
        lastSeq = e.seq;
        lastTime = e.timestamp;
        msgs++;
        bytes += e.size;
        PerSubject ps = subjects.computeIfAbsent(e.subject, s -> new PerSubject());
        if (ps.msgs == 0) {
            ps.first = e.seq;
        }
        ps.msgs++;
        ps.last = e.seq;
        if (e.ttlNanos > 0) {
            ttlQueue.add(new long[]{e.timestamp + e.ttlNanos, e.seq});
        }
    }

    /** Restores the last sequence and time (recovery of an emptied stream). */
    public void restoreLast(long seq, long time) {
        if (seq > lastSeq) {
            skipTo(seq + 1);
            lastTime = time;
        }
    }

    /** Moves the next sequence to {@code nextSeq}, leaving a gap. */
    public void skipTo(long nextSeq) {
        if (nextSeq <= lastSeq + 1) {
            return;
        }
        lastSeq = nextSeq - 1;
        if (msgs == 0) {
            clearRing(nextSeq);
        }
    }

    private void append(Entry e) {
        if (span == ring.length) {
            Entry[] bigger = new Entry[ring.length * 2];
            for (int i = 0; i < span; i++) {
                bigger[i] = ring[(head + i) % ring.length];
            }
            ring = bigger;
            head = 0;
        }
        ring[(head + span) % ring.length] = e;
        span++;
    }

    private void clearRing(long newBase) {
        Arrays.fill(ring, null);
        if (ring.length > 4096) {
            ring = new Entry[1024];
        }
        head = 0;
        span = 0;
        base = newBase;
    }

    // ---- reading -------------------------------------------------------------------------------------------------

    /** The live entry with {@code seq}, or null. */
    public Entry get(long seq) {
        if (seq < base || seq >= base + span) {
            return null;
        }
        return ring[(int) ((head + (seq - base)) % ring.length)];
    }

    /** The first entry with a sequence ≥ {@code from} matching {@code filter}, or null. */
    public Entry next(String filter, long from) {
        long start = Math.max(from, firstSeq());
        long end = lastSeq;
        if (isLiteral(filter)) {
            PerSubject ps = subjects.get(filter);
            if (ps == null) {
                return null;
            }
            start = Math.max(start, ps.first);
            end = ps.last;
        }
        boolean all = matchesAll(filter);
        for (long s = start; s <= end; s++) {
            Entry e = get(s);
            if (e != null && (all || Subjects.matches(filter, e.subject))) {
                return e;
            }
        }
        return null;
    }

    /** The last entry with a sequence ≤ {@code upTo} matching {@code filter}, or null. */
    public Entry previous(String filter, long upTo) {
        long start = Math.min(upTo, lastSeq);
        long end = firstSeq();
        if (isLiteral(filter)) {
            PerSubject ps = subjects.get(filter);
            if (ps == null) {
                return null;
            }
            start = Math.min(start, ps.last);
            end = Math.max(end, ps.first);
        }
        boolean all = matchesAll(filter);
        for (long s = start; s >= end; s--) {
            Entry e = get(s);
            if (e != null && (all || Subjects.matches(filter, e.subject))) {
                return e;
            }
        }
        return null;
    }

    /** Counts the messages from {@code from} on that match {@code filter}. */
    public SubjectState filteredState(long from, String filter) {
        if (matchesAll(filter) && from <= firstSeq()) {
            return msgs == 0 ? SubjectState.EMPTY : new SubjectState(msgs, firstSeq(), lastLiveSeq());
        }
        boolean all = matchesAll(filter);
        if (all && msgs > 0 && msgs == lastSeq - base + 1) {
            long from2 = Math.max(from, base);
            return from2 > lastSeq ? SubjectState.EMPTY : new SubjectState(lastSeq - from2 + 1, from2, lastSeq);
        }
        long count = 0;
        long first = 0;
        long last = 0;
        for (long s = Math.max(from, firstSeq()); s <= lastSeq; s++) {
            Entry e = get(s);
            if (e != null && (all || Subjects.matches(filter, e.subject))) {
                count++;
                if (first == 0) {
                    first = s;
                }
                last = s;
            }
        }
        return count == 0 ? SubjectState.EMPTY : new SubjectState(count, first, last);
    }

    /** Messages per subject for the subjects matching {@code filter}. */
    public Map<String, Long> subjectTotals(String filter) {
        Map<String, Long> out = new HashMap<>();
        boolean all = matchesAll(filter);
        subjects.forEach((subject, ps) -> {
            if (ps.msgs > 0 && (all || Subjects.matches(filter, subject))) {
                out.put(subject, ps.msgs);
            }
        });
        return out;
    }

    /** The first sequence stored at or after {@code epochNanos}; last + 1 when none. */
    public long sequenceAtOrAfter(long epochNanos) {
        for (long s = firstSeq(); s <= lastSeq; s++) {
            Entry e = get(s);
            if (e != null && e.timestamp >= epochNanos) {
                return s;
            }
        }
        return lastSeq + 1;
    }

    /** First live sequence; last + 1 when empty, 0 for a stream that never had a sequence (as nats-server). */
    public long firstSeq() {
        if (msgs == 0) {
            return lastSeq == 0 ? 0 : lastSeq + 1;
        }
        return base;
    }

    private long lastLiveSeq() {
        for (long s = lastSeq; s >= base; s--) {
            if (get(s) != null) {
                return s;
            }
        }
        return 0;
    }

    /** The counters. */
    public StreamState state(long lostMsgs, long lostBytes) {
        long first = firstSeq();
        Entry firstEntry = msgs == 0 ? null : get(first);
        long numDeleted = msgs == 0 ? 0 : (lastSeq - first + 1) - msgs;
        return new StreamState(msgs, bytes, first, firstEntry == null ? 0 : firstEntry.timestamp, lastSeq,
                lastSeq == 0 ? 0 : lastTime, subjectsWithMessages(), numDeleted, lostMsgs, lostBytes);
    }

    private long subjectsWithMessages() {
        return subjects.size();
    }

    /** The gaps between the first and last sequence. */
    public List<Long> deleted() {
        List<Long> out = new ArrayList<>();
        if (msgs == 0) {
            return out;
        }
        for (long s = base; s <= lastSeq; s++) {
            if (get(s) == null) {
                out.add(s);
            }
        }
        return out;
    }

    /** Every live entry in sequence order. */
    public void forEach(Consumer<Entry> action) {
        for (int i = 0; i < span; i++) {
            Entry e = ring[(head + i) % ring.length];
            if (e != null) {
                action.accept(e);
            }
        }
    }

    public long lastSeq() {
        return lastSeq;
    }

    public long lastTime() {
        return lastTime;
    }

    public long msgs() {
        return msgs;
    }

    public long bytes() {
        return bytes;
    }

    // ---- removing ------------------------------------------------------------------------------------------------

    /** Removes the entry with {@code seq}; returns it, or null when there was none. */
    public Entry remove(long seq) {
        Entry e = get(seq);
        if (e == null) {
            return null;
        }
        ring[(int) ((head + (seq - base)) % ring.length)] = null;
        msgs--;
        bytes -= e.size;
        PerSubject ps = subjects.get(e.subject);
        ps.msgs--;
        if (ps.msgs == 0) {
            subjects.remove(e.subject);
        } else if (ps.first == seq) {
            ps.first = scanForward(e.subject, seq + 1, ps.last);
        } else if (ps.last == seq) {
            ps.last = scanBackward(e.subject, seq - 1, ps.first);
        }
        trimHead();
        return e;
    }

    private long scanForward(String subject, long from, long to) {
        for (long s = from; s <= to; s++) {
            Entry e = get(s);
            if (e != null && e.subject.equals(subject)) {
                return s;
            }
        }
        return to;
    }

    private long scanBackward(String subject, long from, long to) {
        for (long s = from; s >= to; s--) {
            Entry e = get(s);
            if (e != null && e.subject.equals(subject)) {
                return s;
            }
        }
        return to;
    }

    private void trimHead() {
        if (msgs == 0) {
            clearRing(lastSeq + 1);
            return;
        }
        while (span > 0 && ring[head] == null) {
            head = (head + 1) % ring.length;
            span--;
            base++;
        }
    }

    /** Removes everything; the next sequence is unchanged. */
    public long purgeAll(Consumer<Entry> removed) {
        long n = msgs;
        forEach(removed);
        clearRing(lastSeq + 1);
        msgs = 0;
        bytes = 0;
        subjects.clear();
        ttlQueue.clear();
        return n;
    }

    /**
     * Removes the entries matching {@code filter} below {@code upToSeq} (when positive), keeping the newest
     * {@code keep} of them (when positive).
     */
    public long purge(String filter, long upToSeq, long keep, Consumer<Entry> removed) {
        boolean all = matchesAll(filter);
        if (all && keep <= 0 && upToSeq > lastSeq + 1) {
            long n = purgeAll(removed);
            skipTo(upToSeq);
            return n;
        }
        long limit = upToSeq > 0 ? upToSeq - 1 : lastSeq;
        long toRemove = filteredState(0, filter).msgs();
        if (upToSeq > 0) {
            toRemove = 0;
            for (long s = firstSeq(); s <= limit; s++) {
                Entry e = get(s);
                if (e != null && (all || Subjects.matches(filter, e.subject))) {
                    toRemove++;
                }
            }
        }
        if (keep > 0) {
            toRemove -= Math.min(keep, toRemove);
        }
        long n = 0;
        for (long s = firstSeq(); s <= limit && n < toRemove; s++) {
            Entry e = get(s);
            if (e != null && (all || Subjects.matches(filter, e.subject))) {
                removed.accept(remove(s));
                n++;
            }
        }
        return n;
    }

    // ---- limits and expiry ---------------------------------------------------------------------------------------

    public void limits(StoreLimits limits) {
        this.limits = limits;
    }

    public StoreLimits limits() {
        return limits;
    }

    /** Removes the oldest messages while a count or size limit is exceeded. */
    public void enforceLimits(Consumer<Entry> removed) {
        if (limits.maxMsgsPerSubject() > 0) {
            List<String> over = new ArrayList<>();
            subjects.forEach((subject, ps) -> {
                if (ps.msgs > limits.maxMsgsPerSubject()) {
                    over.add(subject);
                }
            });
            for (String subject : over) {
                enforcePerSubject(subject, removed);
            }
        }
        while (limits.maxMsgs() > 0 && msgs > limits.maxMsgs()) {
            removed.accept(remove(firstSeq()));
        }
        while (limits.maxBytes() > 0 && bytes > limits.maxBytes() && msgs > 0) {
            removed.accept(remove(firstSeq()));
        }
    }

    /** Removes the oldest messages of {@code subject} while it holds more than the per-subject limit. */
    public void enforcePerSubject(String subject, Consumer<Entry> removed) {
        long max = limits.maxMsgsPerSubject();
        PerSubject ps = subjects.get(subject);
        while (max > 0 && ps != null && ps.msgs > max) {
            removed.accept(remove(ps.first));
            ps = subjects.get(subject);
        }
    }

    /**
     * Removes the messages past max age or their own TTL at {@code now} (epoch nanos).
     *
     * @return when the next one expires, or 0 when none will
     */
    public long expire(long now, Consumer<Entry> removed) {
        return expire(now, removed, null);
    }

    /**
     * As {@link #expire(long, Consumer)}, handing each message that is the last of its subject to
     * {@code lastOfSubject} just before it is removed (still live, so the store can read it), in the order removed:
     * first those past max age, in sequence order, then those past their own TTL. Null: no report.
     */
    public long expire(long now, Consumer<Entry> removed, Consumer<Entry> lastOfSubject) {
        long maxAge = limits.maxAgeNanos();
        long next = 0;
        if (maxAge > 0) {
            for (long s = firstSeq(); s <= lastSeq && msgs > 0; s++) {
                Entry e = get(s);
                if (e == null || e.ttlNanos < 0) {
                    continue; // a gap, or a message that never expires
                }
                if (e.timestamp + maxAge > now) {
                    next = e.timestamp + maxAge;
                    break;
                }
                expireOne(e, removed, lastOfSubject);
            }
        }
        while (!ttlQueue.isEmpty()) {
            long[] top = ttlQueue.peek();
            Entry e = get(top[1]);
            if (e == null) {
                ttlQueue.poll();
                continue;
            }
            if (top[0] > now) {
                next = next == 0 ? top[0] : Math.min(next, top[0]);
                break;
            }
            ttlQueue.poll();
            expireOne(e, removed, lastOfSubject);
        }
        return next;
    }

    private void expireOne(Entry e, Consumer<Entry> removed, Consumer<Entry> lastOfSubject) {
        if (lastOfSubject != null && subjects.get(e.subject).msgs == 1) {
            lastOfSubject.accept(e);
        }
        removed.accept(remove(e.seq));
    }

    // ---- filters -------------------------------------------------------------------------------------------------

    private static boolean matchesAll(String filter) {
        return filter == null || filter.isEmpty() || filter.equals(">");
    }

    private static boolean isLiteral(String filter) {
        return !matchesAll(filter) && Subjects.isLiteral(filter);
    }
}
