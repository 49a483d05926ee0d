package io.natsj.server.raft.store;

import java.util.Objects;

/**
 * One entry of a Raft log as the log file keeps it: its position, the term it was proposed in, a kind byte the
 * consensus layer gives meaning to (a command, a no-op, a membership change), and opaque data.
 *
 * <p>Immutable; the data array is not copied and must not be changed after it is handed over.
 */
public record LogRecord(long index, long term, byte kind, byte[] data) {

    public LogRecord {
        if (index < 1) {
            throw new IllegalArgumentException("index " + index + " < 1");
        }
        if (term < 0) {
            throw new IllegalArgumentException("term " + term + " < 0");
        }
        Objects.requireNonNull(data, "data");
    }
}
