package io.natsj.server.cluster;

import io.natsj.server.routing.DeliveryBatch;
import io.natsj.server.routing.Peer;

import java.util.List;

/**
 * One peer server as the interest layer sees it: where interest ({@code RS+}/{@code RS-}) and messages
 * ({@code RMSG}/{@code HMSG}) for that peer go. The route connection layer implements it; with route pooling it picks
 * the connection an account's traffic uses, so the interest layer deals with peers, never with connections.
 *
 * <p>Threading: every method is safe from any thread (publishing connections' readers call
 * {@link #sendMessage} concurrently); protocol written for one account keeps its order.
 */
public interface RouteLink extends Peer {

    /** The peer's server id (INFO {@code server_id}). */
    String remoteServerId();

    /** The peer's server name (INFO {@code server_name}); its id when it has none. */
    @Override
    String remoteServerName();

    /** Sends {@code RS+ <account> <subject>}, or with a queue group {@code RS+ <account> <subject> <queue> <weight>}. */
    void sendSubscribe(String account, String subject, String queue, int weight);

    /** Sends {@code RS- <account> <subject>}, or with a queue group {@code RS- <account> <subject> <queue>}. */
    void sendUnsubscribe(String account, String subject, String queue);

    /**
     * Sends one message as {@code RMSG} (or {@code HMSG} when {@code hdrLen > 0}) with the reply and the queue groups
     * it is meant for on the peer. The message occupies {@code buf[off, off+totalLen)}, its first {@code hdrLen}
     * bytes the header block; the buffer is only valid during the call.
     *
     * @param reply  the reply subject, or null
     * @param queues the queue groups on the peer that get one copy each; empty when none
     * @param batch  the publisher's batch, to flush once at the end of its read batch (as client deliveries do)
     * @return false when the route is closed or refused the message (then it counts as not delivered)
     */
    boolean sendMessage(String account, String subject, String reply, List<String> queues, byte[] buf, int off,
                        int hdrLen, int totalLen, DeliveryBatch batch);

    /** True once the peer's connections are closed; a closed link takes nothing more. */
    boolean isClosed();
}
