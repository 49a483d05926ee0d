package io.natsj.server.raft.host;

import io.natsj.server.raft.RaftStorage;
import io.natsj.server.raft.Ready;

import java.io.IOException;

/**
 * A group's log as its host uses it: the core reads it ({@link RaftStorage}), the host writes each {@link Ready}
 * into it and syncs before it sends what depends on persistence.
 *
 * <p>Threading: confined to the host's thread.
 */
public interface GroupStorage extends RaftStorage {

    /** Applies a ready's writes (readable at once, durable after {@link #sync()}). */
    void write(Ready ready) throws IOException;

    /** Makes every write so far durable. */
    void sync() throws IOException;

    /** Releases files. */
    default void close() throws IOException {
    }
}
