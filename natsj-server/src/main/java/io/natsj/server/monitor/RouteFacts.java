package io.natsj.server.monitor;

import io.natsj.server.routing.Subscription;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One route connection as monitoring shows it ({@code /routez}, {@code /varz}, {@code /metrics}): a snapshot taken
 * when asked, filled by the cluster layer.
 *
 * @param rid           the connection's id (nats-server numbers routes with its client ids)
 * @param remoteId      the peer's server id
 * @param remoteName    the peer's server name
 * @param didSolicit    this server dialed the connection
 * @param isConfigured  the peer is one of the configured routes (not learned by gossip)
 * @param ip            the peer's address on this connection
 * @param port          the peer's port on this connection
 * @param start         when the connection was made
 * @param lastActivity  when it last carried anything
 * @param rtt           the last measured round trip, or null when none yet
 * @param pendingBytes  bytes queued for the peer
 * @param subscriptions the peer's interest this connection carried (its remote subscriptions)
 * @param account       the account a pinned per-account route carries, or empty
 * @param compression   the compression mode in use ({@code off})
 */
public record RouteFacts(long rid, String remoteId, String remoteName, boolean didSolicit, boolean isConfigured,
                         String ip, int port, Instant start, Instant lastActivity, Duration rtt, long pendingBytes,
                         long inMsgs, long outMsgs, long inBytes, long outBytes, List<AccountSubscription> subscriptions,
                         String account, String compression) {

    public RouteFacts {
        subscriptions = subscriptions == null ? List.of() : List.copyOf(subscriptions);
        account = account == null ? "" : account;
    }

    /** A remote subscription with the account it belongs to. */
    public record AccountSubscription(String account, Subscription subscription) {
    }
}
