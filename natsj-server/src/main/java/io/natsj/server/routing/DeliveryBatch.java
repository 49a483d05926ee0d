package io.natsj.server.routing;

/**
 * Collects the subscribers written to during one read batch of a publisher, so that each is flushed once at the
 * end of the batch instead of once per message (nats-server's "pcd" set).
 *
 * <p>Threading: owned by one publishing thread.
 */
public interface DeliveryBatch {

    /** Asks for {@code f} to be flushed when the batch ends; registering twice is harmless. */
    void flushLater(Flushable f);

    /** Something with buffered output. */
    interface Flushable {
        /** Signals the output to be written now (typically wakes a writer thread); must not block for long. */
        void flushNow();
    }

    /** A batch that flushes at once; for internal publishers outside a read loop. */
    DeliveryBatch IMMEDIATE = Flushable::flushNow;
}
