package io.natsj.server.auth;

import io.natsj.server.util.ServerClock;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The permission checks of one connection of a user with {@link UserPermissions}, with the state nats-server keeps
 * per connection: a cache of publish answers by subject (so that publishing stays a map lookup), the response
 * permits of {@code allow_responses}, and the delivery filter that a wildcard subscription overlapping the
 * subscribe deny list switches on.
 *
 * <p>Threading: {@link #mayPublish} and {@link #maySubscribe} run on the connection's reader thread only (the
 * publish cache is confined to it). {@link #deliveryDenied} and {@link #requestDelivered} run on the threads of
 * the publishers delivering to this connection.
 */
public final class ConnectionPermissions {

    /** nats-server's bound on the publish cache. */
    static final int PUBLISH_CACHE_MAX = 128;
    /** nats-server's bound on the delivery deny cache. */
    static final int DENY_CACHE_MAX = 256;

    private final UserPermissions perms;
    private final boolean restrictsPublish;
    private final ReplyPermits replies;
    private final Map<String, Boolean> publishCache = new LinkedHashMap<>(PUBLISH_CACHE_MAX * 2) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > PUBLISH_CACHE_MAX;
        }
    };
    /** Null until a wildcard subscription overlapping the deny list is allowed; then on for the connection's life. */
    private volatile Map<String, Boolean> denyCache;

    public ConnectionPermissions(UserPermissions perms, ServerClock clock) {
        this.perms = perms;
        this.restrictsPublish = perms.restrictsPublish();
        this.replies = perms.responses() == null ? null : new ReplyPermits(perms.responses(), clock);
    }

    /** Whether this connection may publish to {@code subject} now (uses a response permit when that is what allows it). */
    public boolean mayPublish(String subject) {
        if (!restrictsPublish) {
            return true;
        }
        Boolean cached = publishCache.get(subject);
        boolean allowed;
        if (cached != null) {
            allowed = cached;
        } else {
            allowed = perms.publishAllowed(subject);
            publishCache.put(subject, allowed);
        }
        return allowed || (replies != null && replies.use(subject));
    }

    /** Whether this connection may subscribe to {@code subject} in {@code queue} (null for a plain subscription). */
    public boolean maySubscribe(String subject, String queue) {
        if (!perms.subscribeAllowed(subject, queue)) {
            return false;
        }
        if (denyCache == null && perms.needsDeliveryFilter(subject)) {
            denyCache = new ConcurrentHashMap<>();
        }
        return true;
    }

    /** Whether a message on {@code subject} must be withheld from this connection (subscribe deny list). */
    public boolean deliveryDenied(String subject) {
        Map<String, Boolean> cache = denyCache;
        if (cache == null) {
            return false;
        }
        Boolean denied = cache.get(subject);
        if (denied == null) {
            denied = perms.deliveryDenied(subject);
            if (cache.size() >= DENY_CACHE_MAX) {
                cache.clear();
            }
            cache.put(subject, denied);
        }
        return denied;
    }

    /** A message with reply subject {@code reply} was delivered to this connection: grants a response permit. */
    public void requestDelivered(String reply) {
        if (replies != null && !perms.publishAllowed(reply)) {
            replies.grant(reply);
        }
    }

    /** Whether this connection tracks response permits ({@code allow_responses}). */
    public boolean tracksResponses() {
        return replies != null;
    }
}
