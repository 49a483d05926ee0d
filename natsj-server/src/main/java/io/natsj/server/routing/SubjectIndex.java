package io.natsj.server.routing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.StampedLock;

/**
 * The subscriptions of one subject space (one account), answering "who is interested in this published subject":
 * a token trie ({@link SubjectTrie}) in front of which sits a bounded cache of match results ({@link MatchCache}).
 *
 * <p>Threading:
 * <ul>
 *   <li>{@link #match} and {@link #hasInterest} may be called by any number of threads at once (every publishing
 *       connection). A cache hit is one {@code ConcurrentHashMap} lookup and a striped counter increment: no lock,
 *       no allocation. A miss walks the trie under the read lock and stores the result in the cache while still
 *       holding it, so no result computed before a change can be stored after it.</li>
 *   <li>{@link #insert}, {@link #remove} and {@link #removeAll} may be called from any thread; they are serialized
 *       by the write lock, which covers both the trie and the cache entries they touch. A matcher racing with a
 *       change sees the state from just before or just after it, never a mix.</li>
 *   <li>{@link #count}, {@link #generation}, {@link #subscriptions} and {@link #stats} may be called from any
 *       thread (monitoring).</li>
 * </ul>
 *
 * <p>Cache maintenance: nats-server's policy (at most 1024 entries, swept to 256; on a change only the entries the
 * changed subscription matches are updated). A global "clear on every change" would make every publisher miss
 * after each request-reply inbox subscribe/unsubscribe; here a literal subscription touches one entry and a
 * wildcard one scans the bounded cache under the write lock. {@link #removeAll} of many subscriptions (a
 * connection closing) clears the cache instead of scanning it once per subscription.
 */
public final class SubjectIndex {

    /** Above this many subscriptions, {@link #removeAll} clears the cache rather than updating it per subscription. */
    static final int BATCH_CLEAR_THRESHOLD = 32;

    private final StampedLock lock = new StampedLock();
    private final SubjectTrie trie = new SubjectTrie();
    /** Null when caching is off. */
    private final MatchCache cache;
    private final LongAdder cacheHits = new LongAdder();
    private final LongAdder cacheMisses = new LongAdder();
    private long inserts;
    private long removes;
    private volatile int count;
    private volatile long generation;
    /** Told of every change, under the write lock (see {@link #listen}); null when nobody listens. */
    private volatile Listener listener;

    /** An index with its match cache, as nats-server runs by default. */
    public SubjectIndex() {
        this(true);
    }

    /**
     * @param cacheEnabled false for nats-server's {@code no_sublist_cache} (alias {@code disable_sublist_cache}): every match walks the trie, which can
     *                     pay off when interest changes far more often than messages are published
     */
    public SubjectIndex(boolean cacheEnabled) {
        this.cache = cacheEnabled ? new MatchCache() : null;
    }

    /**
     * Adds a subscription; adding the same subscription object twice changes nothing.
     *
     * @throws IllegalArgumentException when the subject is not a valid subscribe subject
     *                                  ({@link Subjects#isValidSubscribeSubject}: nats-server answers
     *                                  {@code -ERR 'Invalid Subject'}) or the queue name is not valid
     */
    public void insert(Subscription sub) {
        if (!Subjects.isValidSubscribeSubject(sub.subject())) {
            throw new IllegalArgumentException("invalid subject: " + sub.subject());
        }
        if (sub.queue() != null && !Subjects.isValidQueueName(sub.queue())) {
            throw new IllegalArgumentException("invalid queue name: " + sub.queue());
        }
        long stamp = lock.writeLock();
        try {
            if (trie.insert(sub)) {
                inserts++;
                count = trie.count();
                if (cache != null) {
                    cache.added(sub);
                }
                generation++;
                Listener l = listener;
                if (l != null) {
                    l.inserted(sub);
                }
            }
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** Removes a subscription (by identity); false when it was not in the index. */
    public boolean remove(Subscription sub) {
        long stamp = lock.writeLock();
        try {
            if (!trie.remove(sub)) {
                return false;
            }
            removes++;
            count = trie.count();
            if (cache != null) {
                cache.removed(sub);
            }
            generation++;
            Listener l = listener;
            if (l != null) {
                l.removed(sub);
            }
            return true;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** Removes many subscriptions (e.g. all of a closing connection) under one lock and one generation change. */
    public void removeAll(Collection<Subscription> subs) {
        if (subs.isEmpty()) {
            return;
        }
        boolean perSubscription = cache != null && subs.size() <= BATCH_CLEAR_THRESHOLD;
        long stamp = lock.writeLock();
        try {
            int removed = 0;
            Listener l = listener;
            for (Subscription sub : subs) {
                if (trie.remove(sub)) {
                    removed++;
                    if (perSubscription) {
                        cache.removed(sub);
                    }
                    if (l != null) {
                        l.removed(sub);
                    }
                }
            }
            if (removed > 0) {
                if (!perSubscription && cache != null) {
                    cache.clear();
                }
                removes += removed;
                count = trie.count();
                generation++;
            }
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /**
     * Starts telling {@code l} of every subscription inserted or removed, first replaying the subscriptions there are
     * now as insertions, so that the listener sees the whole history with no change missed or seen twice. The
     * listener is called under the write lock, in the order of the changes; it must be quick and must not change
     * this index. One listener per index; a second call replaces the first.
     */
    public void listen(Listener l) {
        long stamp = lock.writeLock();
        try {
            listener = l;
            List<Subscription> all = new ArrayList<>(trie.count());
            trie.collectAll(all);
            for (Subscription sub : all) {
                l.inserted(sub);
            }
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** Told of the changes of an index (the cluster layer counts local interest with it). */
    public interface Listener {

        /** {@code sub} was added. */
        void inserted(Subscription sub);

        /** {@code sub} was removed. */
        void removed(Subscription sub);
    }

    /**
     * The subscriptions interested in a published subject. Tokens are taken literally: a client publishing to
     * {@code foo.*} reaches subscriptions on {@code foo.*} and {@code foo.>} but not {@code foo.bar}, as with
     * nats-server. A subject with an empty token matches nothing.
     */
    public SubjectMatch match(String literalSubject) {
        MatchCache c = cache;
        if (c != null) {
            SubjectMatch cached = c.get(literalSubject);
            if (cached != null) {
                cacheHits.increment();
                return cached;
            }
        }
        cacheMisses.increment();
        return matchAndCache(literalSubject);
    }

    /**
     * As {@link #match}, without adding the answer to the cache: for subjects used once, such as the reply inbox of
     * a JetStream acknowledgement, where caching would only evict useful entries. A cached answer is still used.
     */
    public SubjectMatch matchOnce(String literalSubject) {
        MatchCache c = cache;
        if (c != null) {
            SubjectMatch cached = c.get(literalSubject);
            if (cached != null) {
                cacheHits.increment();
                return cached;
            }
        }
        cacheMisses.increment();
        if (!Subjects.isWellFormed(literalSubject)) {
            return SubjectMatch.EMPTY;
        }
        long stamp = lock.readLock();
        try {
            return trie.match(literalSubject);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    private SubjectMatch matchAndCache(String subject) {
        if (!Subjects.isWellFormed(subject)) {
            return SubjectMatch.EMPTY;
        }
        SubjectMatch result;
        long stamp = lock.readLock();
        try {
            result = trie.match(subject);
            if (cache != null) {
                cache.put(subject, result);
            }
        } finally {
            lock.unlockRead(stamp);
        }
        if (cache != null) {
            cache.sweepIfFull();
        }
        return result;
    }

    /** Whether anyone is interested in a published subject; counted as a match, and caches like one. */
    public boolean hasInterest(String literalSubject) {
        return !match(literalSubject).isEmpty();
    }

    /** Number of subscriptions. */
    public int count() {
        return count;
    }

    /**
     * Changes with every insert or remove that changed something, and once per {@link #removeAll}: a caller may
     * keep its own match cache keyed on it.
     */
    public long generation() {
        return generation;
    }

    /** A snapshot of all subscriptions, for monitoring; in no particular order. */
    public List<Subscription> subscriptions() {
        long stamp = lock.readLock();
        try {
            List<Subscription> all = new ArrayList<>(trie.count());
            trie.collectAll(all);
            return all;
        } finally {
            lock.unlockRead(stamp);
        }
    }

    /** Counters as nats-server's {@code /subsz} reports them. */
    public Stats stats() {
        long numInserts;
        long numRemoves;
        long stamp = lock.readLock();
        try {
            numInserts = inserts;
            numRemoves = removes;
        } finally {
            lock.unlockRead(stamp);
        }
        long hits = cacheHits.sum();
        long matches = hits + cacheMisses.sum();
        MatchCache.Fanout fanout = cache != null ? cache.fanout() : new MatchCache.Fanout(0, 0.0);
        return new Stats(count, cache != null ? cache.size() : 0, numInserts, numRemoves, matches,
                matches > 0 ? (double) hits / matches : 0.0, fanout.max(), fanout.avg());
    }

    /**
     * Subject index statistics, field for field nats-server's {@code /subsz}.
     *
     * @param numSubscriptions subscriptions stored ({@code num_subscriptions})
     * @param numCache         cached match results ({@code num_cache})
     * @param numInserts       inserts since start ({@code num_inserts})
     * @param numRemoves       removes since start ({@code num_removes})
     * @param numMatches       match lookups since start, hits and misses ({@code num_matches})
     * @param cacheHitRate     cache hits / matches, 0 when none ({@code cache_hit_rate})
     * @param maxFanout        largest fanout (plain subscriptions + queue groups) among cached results
     *                         ({@code max_fanout})
     * @param avgFanout        mean fanout over cached results, 0 when none ({@code avg_fanout})
     */
    public record Stats(int numSubscriptions, int numCache, long numInserts, long numRemoves, long numMatches,
                        double cacheHitRate, int maxFanout, double avgFanout) {

        /** Nothing counted. */
        public static final Stats EMPTY = new Stats(0, 0, 0, 0, 0, 0, 0, 0);

        /** Two indexes' counters together, as nats-server adds up its accounts' sublists. */
        public Stats plus(Stats o) {
            long matches = numMatches + o.numMatches;
            double hits = cacheHitRate * numMatches + o.cacheHitRate * o.numMatches;
            int cached = numCache + o.numCache;
            double fanout = avgFanout * numCache + o.avgFanout * o.numCache;
            return new Stats(numSubscriptions + o.numSubscriptions, cached, numInserts + o.numInserts,
                    numRemoves + o.numRemoves, matches, matches > 0 ? hits / matches : 0.0,
                    Math.max(maxFanout, o.maxFanout), cached > 0 ? fanout / cached : 0.0);
        }
    }
}
