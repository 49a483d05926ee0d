package io.natsj.server.monitor;

/**
 * One Raft group of this server as monitoring reads it: its name, term, leader (null when none known), whether this
 * server leads it, its commit, applied and last indexes here, how often a new leader was seen, and whether this
 * replica is recovering from damaged storage.
 *
 * <p>Threading: immutable.
 */
public record RaftGroupFacts(String group, long term, String leader, boolean isLeader, long commit, long applied,
                             long last, long leaderChanges, boolean recovering) {
}
