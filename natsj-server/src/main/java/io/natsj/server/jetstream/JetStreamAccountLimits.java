package io.natsj.server.jetstream;

/**
 * An account's JetStream limits, as nats-server's {@code JetStreamAccountLimits} shows them in
 * {@code $JS.API.INFO} and {@code /jsz}: -1 means "no limit of its own" (the server's resources bound the account).
 *
 * @param maxMemory             bytes the account's memory streams may hold
 * @param maxStorage            bytes the account's file streams may hold
 * @param maxStreams            streams the account may create
 * @param maxConsumers          consumers the account may create
 * @param maxAckPending         the largest {@code max_ack_pending} a consumer may ask for
 * @param memoryMaxStreamBytes  the largest {@code max_bytes} a memory stream may ask for
 * @param storageMaxStreamBytes the largest {@code max_bytes} a file stream may ask for
 * @param maxBytesRequired      whether every stream must set {@code max_bytes}
 */
public record JetStreamAccountLimits(long maxMemory, long maxStorage, int maxStreams, int maxConsumers,
                                     int maxAckPending, long memoryMaxStreamBytes, long storageMaxStreamBytes,
                                     boolean maxBytesRequired) {

    /** No limits of the account's own: nats-server's "dynamic" limits, every value -1. */
    public static final JetStreamAccountLimits UNLIMITED =
            new JetStreamAccountLimits(-1, -1, -1, -1, -1, -1, -1, false);
}
