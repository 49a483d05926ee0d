package io.natsj.server.routing;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Recent match results by published subject, so that a publish to a known subject costs one hash lookup.
 *
 * <p>Bounded like nats-server's: when it grows past {@value #MAX_ENTRIES} entries, arbitrary entries are dropped
 * until {@value #SWEEP_TO} remain. On a subscription change only the entries whose subject the subscription
 * matches are touched, and they are updated in place (copy on write) rather than dropped: a literal subscription
 * touches at most its own subject's entry, a wildcard one scans the (bounded) cache once. So the churn of
 * request-reply, where every request adds and removes an inbox subscription, leaves the hot entries of other
 * subjects cached.
 *
 * <p>Threading, as {@link SubjectIndex} uses it: {@link #get} from any thread without a lock; {@link #put} only
 * while holding the index's read lock (so a result computed from the trie is stored before any writer can change
 * the trie); {@link #added}, {@link #removed} and {@link #clear} only under the write lock; {@link #sweepIfFull}
 * from any thread (dropping an entry is always safe).
 */
final class MatchCache {

    /** Entries above which the cache is swept. */
    static final int MAX_ENTRIES = 1024;
    /** Entries left after a sweep. */
    static final int SWEEP_TO = 256;

    private final ConcurrentHashMap<String, SubjectMatch> entries = new ConcurrentHashMap<>();
    private final AtomicBoolean sweeping = new AtomicBoolean();

    SubjectMatch get(String subject) {
        return entries.get(subject);
    }

    void put(String subject, SubjectMatch match) {
        entries.put(subject, match);
    }

    /** Drops entries down to {@value #SWEEP_TO} when over {@value #MAX_ENTRIES}; one sweeper at a time. */
    void sweepIfFull() {
        if (entries.size() <= MAX_ENTRIES || !sweeping.compareAndSet(false, true)) {
            return;
        }
        try {
            Iterator<String> it = entries.keySet().iterator();
            while (entries.size() > SWEEP_TO && it.hasNext()) {
                it.next();
                it.remove();
            }
        } finally {
            sweeping.set(false);
        }
    }

    /** Adds {@code sub} to every cached result whose subject it matches. */
    void added(Subscription sub) {
        update(sub, true);
    }

    /** Removes {@code sub} from every cached result whose subject it matches. */
    void removed(Subscription sub) {
        update(sub, false);
    }

    private void update(Subscription sub, boolean add) {
        String filter = sub.subject();
        if (Subjects.isLiteral(filter)) {
            SubjectMatch old = entries.get(filter);
            if (old != null) {
                entries.replace(filter, old, add ? old.withAdded(sub) : old.withRemoved(sub));
            }
            return;
        }
        for (Map.Entry<String, SubjectMatch> e : entries.entrySet()) {
            String subject = e.getKey();
            if (Subjects.matches(filter, subject)) {
                SubjectMatch old = e.getValue();
                // replace, not put: an entry a concurrent sweep dropped stays dropped
                entries.replace(subject, old, add ? old.withAdded(sub) : old.withRemoved(sub));
            }
        }
    }

    void clear() {
        entries.clear();
    }

    int size() {
        return entries.size();
    }

    /** Largest and mean fanout over the cached results (nats-server's /subsz max_fanout and avg_fanout). */
    Fanout fanout() {
        int max = 0;
        long total = 0;
        int n = 0;
        for (SubjectMatch m : entries.values()) {
            int f = m.fanout();
            total += f;
            max = Math.max(max, f);
            n++;
        }
        return new Fanout(max, total > 0 ? (double) total / n : 0.0);
    }

    record Fanout(int max, double avg) {
    }
}
