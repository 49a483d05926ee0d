package io.natsj.server.raft.host;

import java.util.List;

/**
 * How a {@link RaftHost} reaches the hosts of other servers: one call per peer per round of work carries every
 * group's messages to that peer (heartbeats and appends of thousands of groups share one send). Delivery may fail
 * silently, be late, duplicated or reordered: Raft copes. What arrives is handed to the peer's
 * {@link RaftHost#receive}.
 *
 * <p>Threading: called on the host's thread; must not block on the network for long (queue and return).
 */
public interface RaftTransport {

    /** Sends {@code messages} (all addressed to server {@code peer}) on their way. */
    void send(String peer, List<GroupMessage> messages);
}
