package io.natsj.server.account;

import io.natsj.server.routing.DeliveryBatch;
import io.natsj.server.routing.Subscription;
import io.natsj.server.util.ServerClock;

import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The way back for responses to requests that reached an exporting account through a service import. Each
 * forwarded request gets a one-off reply subject {@code _R_.<account token>.<id>} in the exporter; a response
 * published there is delivered to the requester's own reply subject in the importing account. A singleton
 * mapping ends with its first response; stream and chunked mappings last until their threshold passes, as in
 * nats-server. A JetStream delivery to a one-off reply (a pull request that came through the import) keeps showing
 * the stored message's subject.
 *
 * <p>Threading: register and deliver run on publishers' threads; the table is concurrent. Expired mappings are
 * swept while registering, at most once per second.
 */
final class ResponseRoutes implements ImportRoute {

    private static final String PREFIX = "_R_.";
    private static final long SWEEP_NANOS = Duration.ofSeconds(1).toNanos();
    private static final char[] TOKEN_CHARS =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private record Route(Account importer, String reply, boolean singleton, long expiresNanos) {
    }

    private final Account exporter;
    private final ServerClock clock;
    private final String prefix;
    private final Map<String, Route> routes = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong();
    private volatile long lastSweepNanos;

    ResponseRoutes(Account exporter, ServerClock clock) {
        this.exporter = exporter;
        this.clock = clock;
        this.prefix = PREFIX + randomToken(6) + ".";
        this.lastSweepNanos = clock.nanoTime();
        exporter.index().insert(new Subscription(this, prefix + ">", null, "responses"));
    }

    /** Registers the way back to {@code reply} in {@code importer}; returns the reply subject to forward with. */
    String register(Account importer, String reply, AccountConfig.ResponseType type, Duration threshold) {
        long now = clock.nanoTime();
        sweep(now);
        String subject = prefix + Long.toString(nextId.incrementAndGet(), 36) + randomToken(4);
        routes.put(subject, new Route(importer, reply, type == AccountConfig.ResponseType.SINGLETON,
                now + threshold.toNanos()));
        return subject;
    }

    /** Drops the mapping of {@code subject} (its request reached nobody). */
    void forget(String subject) {
        routes.remove(subject);
    }

    /** Mappings still waiting for a response. */
    int size() {
        return routes.size();
    }

    @Override
    public boolean forward(Subscription sub, String route, String subject, String reply, byte[] buf, int off,
                           int hdrLen, int totalLen, DeliveryBatch batch) {
        Route back = routes.get(route);
        if (back == null) {
            return false;
        }
        if (clock.nanoTime() - back.expiresNanos() > 0) {
            routes.remove(route, back);
            return false;
        }
        if (back.singleton()) {
            routes.remove(route, back);
        }
        return ImportDepth.hop(() -> back.importer().publishReplyAs(back.reply(),
                ImportRoute.shown(route, subject, back.reply()), reply, hdrLen, buf, off, totalLen, batch) > 0);
    }

    @Override
    public boolean hasInterest(String route) {
        Route back = routes.get(route);
        return back != null && clock.nanoTime() - back.expiresNanos() <= 0 && back.importer().hasInterest(back.reply());
    }

    private void sweep(long now) {
        if (now - lastSweepNanos < SWEEP_NANOS) {
            return;
        }
        lastSweepNanos = now;
        for (Iterator<Route> it = routes.values().iterator(); it.hasNext(); ) {
            if (now - it.next().expiresNanos() > 0) {
                it.remove();
            }
        }
    }

    private static String randomToken(int n) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        char[] c = new char[n];
        for (int i = 0; i < n; i++) {
            c[i] = TOKEN_CHARS[r.nextInt(TOKEN_CHARS.length)];
        }
        return new String(c);
    }

    @Override
    public String toString() {
        return "service responses of " + exporter.name();
    }
}
