package io.natsj.server.monitor;

import java.util.List;

/**
 * The JetStream meta group as monitoring reads it: whether it is formed yet, the cluster's name, the leader's server
 * name (null when there is none), how many servers it has, and whether this server is recovering from damaged storage
 * (not current), and when this server leads it, the other servers' replication.
 *
 * <p>Threading: immutable.
 */
public record MetaFacts(boolean formed, String cluster, String leader, int size, boolean recovering,
                        List<Replica> replicas) {

    public MetaFacts {
        replicas = replicas == null ? List.of() : List.copyOf(replicas);
    }

    /**
     * Another server of the meta group as its leader (this server) sees it: caught up and heard from within the
     * election timeout ({@code current}), not heard from for a long time ({@code offline}), the time since it last
     * answered, and how many entries it is behind.
     */
    public record Replica(String name, boolean current, boolean offline, long activeNanos, long lag) {
    }
}
