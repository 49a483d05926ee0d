package io.natsj.server.raft;

import java.util.List;

/**
 * A batch of work the core hands to its runtime ({@link RaftNode#ready()}). The runtime, on the group's thread:
 * <ol>
 *   <li>writes, in this order: {@link #snapshot()} (replaces the whole log), {@link #compaction()} (keep the
 *       snapshot, drop the entries it covers), {@link #entries()} (drop every stored entry from the first one's
 *       index on, then append: this is how a conflicting suffix is truncated; {@link #truncateFrom()} says when that
 *       drops something), {@link #hardState()} when not null;
 *       the writes must be readable through {@link RaftStorage} at once, synced or not;</li>
 *   <li>calls {@link RaftNode#advance(Ready)} (no other input to the node between {@code ready()} and
 *       {@code advance});</li>
 *   <li>sends {@link #messages()} at once: a leader's appends travel while its own disk syncs the same entries;</li>
 *   <li>syncs. Syncs complete in the order of the readies. Once this ready's writes and all earlier ones are synced
 *       (even when this ready wrote nothing) it sends {@link #messagesAfterPersist()} (votes and acknowledgements,
 *       which promise that the term, vote and entries survive a crash) and reports
 *       {@link RaftNode#persisted(long, long)} with {@link #persistIndex()} and {@link #persistTerm()} when
 *       {@code persistIndex() > 0};</li>
 *   <li>applies {@link #snapshot()} (if any) and then {@link #committedEntries()} to the state machine, in order, and
 *       reports {@link RaftNode#applied(long)}. Committed entries are already synced locally.</li>
 * </ol>
 * Nothing is lost if the process dies at any point: what was not synced is simply gone, and the core restarts from
 * what the storage holds.
 *
 * <p>{@code truncateFrom}: the first stored index the entries replace (their first index, when the storage already
 * holds entries there), or 0 when they only extend the log.
 *
 * <p>Threading: immutable.
 */
public record Ready(HardState hardState, Snapshot snapshot, Snapshot compaction, List<Entry> entries,
                   long truncateFrom, List<RaftMessage> messages, List<RaftMessage> messagesAfterPersist,
                   List<Entry> committedEntries) {

    public Ready {
        entries = List.copyOf(entries);
        messages = List.copyOf(messages);
        messagesAfterPersist = List.copyOf(messagesAfterPersist);
        committedEntries = List.copyOf(committedEntries);
    }

    /** True when writing {@link #entries()} replaces stored entries (a follower's conflicting suffix). */
    public boolean truncates() {
        return truncateFrom > 0;
    }

    /** The index to report to {@link RaftNode#persisted} once this ready is synced; 0 when nothing to report. */
    public long persistIndex() {
        if (!entries.isEmpty()) {
            return entries.getLast().index();
        }
        return snapshot != null ? snapshot.index() : 0;
    }

    /** The term that goes with {@link #persistIndex()}. */
    public long persistTerm() {
        if (!entries.isEmpty()) {
            return entries.getLast().term();
        }
        return snapshot != null ? snapshot.term() : 0;
    }
}
