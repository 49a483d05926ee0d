package io.natsj.server.monitor;

/**
 * The JetStream meta group as monitoring reads it: whether it is formed yet, the cluster's name, the leader's server
 * name (null when there is none), how many servers it has, and whether this server is recovering from damaged storage
 * (not current).
 *
 * <p>Threading: immutable.
 */
public record MetaFacts(boolean formed, String cluster, String leader, int size, boolean recovering) {
}
