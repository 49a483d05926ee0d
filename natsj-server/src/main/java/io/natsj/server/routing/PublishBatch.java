package io.natsj.server.routing;


import java.util.Arrays;

/**
 * The set of outbound queues written to during one read batch of a connection; each is flushed once when the batch
 * ends (nats-server's coalesced flush). Deduplicates by identity with a linear scan, since a batch rarely touches more
 * than a handful of connections; switches to no dedup cost beyond that.
 *
 * <p>Threading: owned by one connection's reader thread.
 */
public final class PublishBatch implements DeliveryBatch {

    private Flushable[] pending = new Flushable[8];
    private int size;

    @Override
    public void flushLater(Flushable f) {
        for (int i = size - 1; i >= 0; i--) {
            if (pending[i] == f) {
                return;
            }
        }
        if (size == pending.length) {
            pending = Arrays.copyOf(pending, size * 2);
        }
        pending[size++] = f;
    }

    /** Flushes every registered queue once and empties the batch. */
    public void flushAll() {
        for (int i = 0; i < size; i++) {
            pending[i].flushNow();
            pending[i] = null;
        }
        size = 0;
    }
}
