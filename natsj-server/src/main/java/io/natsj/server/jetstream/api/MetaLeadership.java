package io.natsj.server.jetstream.api;

/**
 * The meta group as the API's meta-leader requests need it (implemented by the cluster layer, given to
 * {@link io.natsj.server.jetstream.JetStream#metaLeadership}): a narrow view, so the API does not depend on Raft.
 *
 * <p>Threading: implementations are safe from any thread.
 */
public interface MetaLeadership {

    /** Whether this server leads the meta group now. */
    boolean isLeader();

    /**
     * Hands leadership to {@code preferred} (a server name), or to another connected server when it is null; returns
     * null once the hand-over has begun, else why it cannot (nats-server's texts: {@code preferred server "x" is
     * already leader}, {@code preferred server "x" not known}, {@code no replacement peer connected}).
     */
    String stepDown(String preferred);

    /** Why a server could not be removed. */
    enum RemoveRefusal { NOT_MEMBER, CHANGE_IN_PROGRESS }

    /**
     * Removes a server from the meta group: by node hash {@code peerId} when given, else by server name; completes
     * with null once the removal is in the group's log, or with why not.
     */
    java.util.concurrent.CompletableFuture<RemoveRefusal> removeServer(String name, String peerId);
}
