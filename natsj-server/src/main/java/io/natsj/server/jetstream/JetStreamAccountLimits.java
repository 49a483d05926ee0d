package io.natsj.server.jetstream;

/**
 * An account's JetStream limits, nats-server's {@code jetstream {}} block inside an account: -1 means unlimited.
 *
 * <p>Threading: immutable.
 *
 * @param maxMemory            bytes the account's memory streams may hold
 * @param maxStorage             bytes the account's file streams may hold
 * @param maxStreams           number of streams
 * @param maxConsumers         number of consumers per stream
 * @param maxAckPending        the largest {@code max_ack_pending} a consumer may have (and its default)
 * @param memoryMaxStreamBytes the largest {@code max_bytes} of one memory stream
 * @param storageMaxStreamBytes  the largest {@code max_bytes} of one file stream
 * @param maxBytesRequired     whether every stream must set {@code max_bytes}
 */
public record JetStreamAccountLimits(long maxMemory, long maxStorage, int maxStreams, int maxConsumers,
                                     int maxAckPending, long memoryMaxStreamBytes, long storageMaxStreamBytes,
                                     boolean maxBytesRequired) {

    /** No limit at all: what {@code jetstream: enabled} gives an account. */
    public static final JetStreamAccountLimits UNLIMITED =
            new JetStreamAccountLimits(-1, -1, -1, -1, -1, -1, -1, false);

    /** A builder starting from these limits. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.maxMemory = maxMemory;
        b.maxStorage = maxStorage;
        b.maxStreams = maxStreams;
        b.maxConsumers = maxConsumers;
        b.maxAckPending = maxAckPending;
        b.memoryMaxStreamBytes = memoryMaxStreamBytes;
        b.storageMaxStreamBytes = storageMaxStreamBytes;
        b.maxBytesRequired = maxBytesRequired;
        return b;
    }

    /** Mutable builder, starting unlimited; not thread-safe. */
    public static final class Builder {
        private long maxMemory = -1;
        private long maxStorage = -1;
        private int maxStreams = -1;
        private int maxConsumers = -1;
        private int maxAckPending = -1;
        private long memoryMaxStreamBytes = -1;
        private long storageMaxStreamBytes = -1;
        private boolean maxBytesRequired;

        public Builder maxMemory(long v) { maxMemory = v; return this; }
        public Builder maxStorage(long v) { maxStorage = v; return this; }
        public Builder maxStreams(int v) { maxStreams = v; return this; }
        public Builder maxConsumers(int v) { maxConsumers = v; return this; }
        public Builder maxAckPending(int v) { maxAckPending = v; return this; }
        public Builder memoryMaxStreamBytes(long v) { memoryMaxStreamBytes = v; return this; }
        public Builder storageMaxStreamBytes(long v) { storageMaxStreamBytes = v; return this; }
        public Builder maxBytesRequired(boolean v) { maxBytesRequired = v; return this; }

        public JetStreamAccountLimits build() {
            return new JetStreamAccountLimits(maxMemory, maxStorage, maxStreams, maxConsumers, maxAckPending,
                    memoryMaxStreamBytes, storageMaxStreamBytes, maxBytesRequired);
        }
    }
}
