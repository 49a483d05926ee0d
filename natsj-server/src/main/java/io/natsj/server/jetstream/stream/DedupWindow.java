package io.natsj.server.jetstream.stream;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@code Nats-Msg-Id}s a stream stored within its {@code duplicate_window}: a map from id to sequence, and the
 * ids in arrival order so that expired ones leave from the front. Rebuilt after a restart from the stored messages
 * of the last window.
 *
 * <p>Threading: owned by the stream's worker thread.
 */
final class DedupWindow {

    private record Id(String id, long seq, long timestamp) {
    }

    private final Map<String, Id> byId = new HashMap<>();
    private final ArrayDeque<Id> order = new ArrayDeque<>();

    /** The sequence stored under {@code id}, or 0; forgets ids older than {@code windowNanos} first. */
    long lookup(String id, long now, long windowNanos) {
        expire(now, windowNanos);
        Id found = byId.get(id);
        return found == null ? 0 : found.seq;
    }

    void record(String id, long seq, long timestamp) {
        Id entry = new Id(id, seq, timestamp);
        if (byId.put(id, entry) == null) {
            order.addLast(entry);
        }
    }

    void expire(long now, long windowNanos) {
        while (!order.isEmpty() && (windowNanos <= 0 || order.peekFirst().timestamp + windowNanos <= now)) {
            Id oldest = order.pollFirst();
            byId.remove(oldest.id, oldest);
        }
    }

    void clear() {
        byId.clear();
        order.clear();
    }

    int size() {
        return byId.size();
    }
}
