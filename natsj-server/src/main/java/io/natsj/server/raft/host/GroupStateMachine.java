package io.natsj.server.raft.host;

import io.natsj.server.raft.Entry;
import io.natsj.server.raft.Snapshot;

/**
 * What a Raft group replicates: entries applied in log order, identically on every replica, and a snapshot of the
 * state so far.
 *
 * <p>Threading: called on the host's thread only.
 */
public interface GroupStateMachine {

    /** Applies a committed entry ({@link Entry.Type#NORMAL}; no-ops and membership entries are not passed). */
    void apply(Entry entry);

    /** The state after every entry applied so far, for a snapshot. */
    byte[] snapshot();

    /** Replaces the state by a snapshot's (installed from the leader, or found at start). */
    void restore(Snapshot snapshot);
}
