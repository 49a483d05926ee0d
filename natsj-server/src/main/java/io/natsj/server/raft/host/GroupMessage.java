package io.natsj.server.raft.host;

import io.natsj.server.raft.RaftMessage;

/**
 * A Raft message of one group, as hosts exchange them: many groups' messages to one peer travel together.
 *
 * <p>Threading: immutable.
 */
public record GroupMessage(String group, RaftMessage message) {
}
