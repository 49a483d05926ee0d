package io.natsj.server.jetstream.consumer;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.function.Function;

/**
 * A pull consumer's waiting pull requests, served as nats-server serves its wait queue: the request at the head gets
 * the next message and, when it still wants more and others wait, moves to the back, so that waiting requests take
 * turns message by message; a request whose batch or {@code max_bytes} is used up leaves. A request may also be
 * passed over (it moves to the back without a message: a priority group's rule) or dropped (expired, gone, too small
 * for the message), as the consumer judges it in {@link #next}.
 *
 * <p>Threading: owned by the consumer's worker.
 */
final class WaitQueue implements Iterable<PullRequest> {

    /** What happens to the request at the head when a message is at hand. */
    enum Verdict {
        /** It gets the message. */
        TAKE,
        /** It waits at the back of the queue and the next one is asked. */
        PASS,
        /** It leaves the queue (whoever judged it told its requester, when needed). */
        DROP
    }

    private final ArrayDeque<PullRequest> queue = new ArrayDeque<>();

    /** Appends a request; false (and nothing added) when {@code max} requests already wait ({@code max} 0: no limit). */
    boolean add(PullRequest r, int max) {
        if (isFull(max)) {
            return false;
        }
        queue.addLast(r);
        return true;
    }

    boolean isFull(int max) {
        return max > 0 && queue.size() >= max;
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    int size() {
        return queue.size();
    }

    /** The request at the head, or null. */
    PullRequest peek() {
        return queue.peekFirst();
    }

    /** Moves the head to the back without a delivery. */
    void cycle() {
        if (queue.size() > 1) {
            queue.addLast(queue.pollFirst());
        }
    }

    /** Removes the head. */
    void removeCurrent() {
        queue.pollFirst();
    }

    /**
     * Gives the head one message of {@code size} bytes (which it must have room for) and returns it: its batch and
     * byte budget go down; a request that used up either leaves, one that wants more goes to the back when others
     * wait. When the byte budget reaches exactly zero that message is its last, as nats-server counts.
     */
    PullRequest pop(long size) {
        PullRequest r = queue.peekFirst();
        if (r == null) {
            return null;
        }
        if (r.remainingBytes > 0) {
            r.remainingBytes = Math.max(0, r.remainingBytes - size);
            if (r.remainingBytes == 0) {
                r.remaining = 1;
            }
        }
        r.delivered++;
        r.remaining--;
        if (r.remaining <= 0) {
            queue.pollFirst();
        } else {
            cycle();
        }
        return r;
    }

    /**
     * The request that gets a message of {@code size} bytes, popped ({@link #pop}), or null when none may have it:
     * requests are judged from the head; those passed over go to the back, until each remaining one was passed
     * over once; those dropped leave.
     */
    PullRequest next(long size, Function<PullRequest, Verdict> judge) {
        int passed = 0;
        while (!queue.isEmpty()) {
            switch (judge.apply(queue.peekFirst())) {
                case TAKE -> {
                    return pop(size);
                }
                case DROP -> queue.pollFirst();
                case PASS -> {
                    cycle();
                    if (++passed >= queue.size()) {
                        return null;
                    }
                }
            }
        }
        return null;
    }

    /** The waiting requests from the head; {@link Iterator#remove} takes one out. */
    @Override
    public Iterator<PullRequest> iterator() {
        return queue.iterator();
    }

    void clear() {
        queue.clear();
    }
}
