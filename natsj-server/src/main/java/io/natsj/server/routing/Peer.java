package io.natsj.server.routing;

/**
 * Another server of the cluster, as the routing loop knows it: an identity to tell peers apart (a message that came
 * from a peer never goes back to it). The cluster layer's route to that server implements it.
 *
 * <p>Threading: implementations are safe from any thread.
 */
public interface Peer {

    /** The peer's server name (its id when it has none), for logs. */
    String remoteServerName();
}
