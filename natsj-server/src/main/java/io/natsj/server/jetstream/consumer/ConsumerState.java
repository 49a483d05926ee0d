package io.natsj.server.jetstream.consumer;

import java.util.List;

/**
 * What a durable consumer must remember across a restart: its cursor, what it delivered, its ack floor and each
 * delivery still waiting for an ack (with its delivery count, for {@code max_deliver} and {@code num_redelivered}).
 *
 * @param deliveredConsumer last consumer sequence used
 * @param deliveredStream   stream sequence of the last delivery
 * @param ackFloorConsumer  consumer sequence at the ack floor
 * @param ackFloorStream    stream sequence at the ack floor
 * @param nextStreamSeq     the next stream sequence the consumer will look at
 * @param pending           deliveries waiting for their ack
 */
public record ConsumerState(long deliveredConsumer, long deliveredStream, long ackFloorConsumer, long ackFloorStream,
                            long nextStreamSeq, List<PendingEntry> pending) {

    /** One delivery waiting for its ack. */
    public record PendingEntry(long streamSeq, long consumerSeq, long deliveredAt, int count) {
    }

    /** Where a consumer writes its state. */
    public interface Listener {
        /** Persists {@code state} (atomically replacing the previous one). */
        void save(ConsumerState state);

        /** Whether every change must be on disk before it is confirmed ({@code sync_always}). */
        boolean syncAlways();

        /** Persists a changed configuration (a pause, an update). */
        void saveConfig(ConsumerConfig config, java.time.Instant created);
    }
}
