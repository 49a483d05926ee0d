package io.natsj.server.auth;

import io.natsj.server.auth.Permissions.ResponsePermission;
import io.natsj.server.util.ServerClock;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The temporary publish permits of one connection whose user has {@code allow_responses}: each request delivered
 * to the connection (a message with a reply subject) grants publishing to that reply subject, up to
 * {@code max} times and within {@code expires} of the delivery, as nats-server tracks them.
 *
 * <p>Entries that are used up or expired are dropped when used, and swept every 4096 new permits or once a second.
 *
 * <p>Threading: {@link #grant} runs on the threads of publishers delivering to this connection, {@link #use} on the
 * connection's reader thread; both synchronize on this object.
 */
final class ReplyPermits {

    private static final int SWEEP_AFTER_GRANTS = 4096;
    private static final long SWEEP_INTERVAL_NANOS = 1_000_000_000L;

    private final int maxMsgs;
    private final long expiresNanos;
    private final ServerClock clock;
    private final Map<String, Permit> permits = new HashMap<>();
    private int grantsSinceSweep;
    private long lastSweepNanos;

    private static final class Permit {
        final long grantedNanos;
        int used;

        Permit(long grantedNanos) {
            this.grantedNanos = grantedNanos;
        }
    }

    ReplyPermits(ResponsePermission permission, ServerClock clock) {
        this.maxMsgs = permission.maxMsgs();
        this.expiresNanos = permission.expires().toNanos();
        this.clock = clock;
        this.lastSweepNanos = clock.nanoTime();
    }

    /** A request with reply subject {@code reply} was delivered: (re)starts its permit. */
    synchronized void grant(String reply) {
        long now = clock.nanoTime();
        permits.put(reply, new Permit(now));
        if (++grantsSinceSweep > SWEEP_AFTER_GRANTS || now - lastSweepNanos > SWEEP_INTERVAL_NANOS) {
            sweep(now);
        }
    }

    /** Uses one response to {@code subject}: true when a live permit allowed it. */
    synchronized boolean use(String subject) {
        Permit p = permits.get(subject);
        if (p == null) {
            return false;
        }
        p.used++;
        if (usedUp(p) || expired(p, clock.nanoTime())) {
            permits.remove(subject);
            return false;
        }
        return true;
    }

    /** Number of permits held (for tests). */
    synchronized int size() {
        return permits.size();
    }

    private void sweep(long now) {
        for (Iterator<Permit> it = permits.values().iterator(); it.hasNext(); ) {
            Permit p = it.next();
            if ((maxMsgs > 0 && p.used >= maxMsgs) || expired(p, now)) {
                it.remove();
            }
        }
        grantsSinceSweep = 0;
        lastSweepNanos = now;
    }

    private boolean usedUp(Permit p) {
        return maxMsgs > 0 && p.used > maxMsgs;
    }

    private boolean expired(Permit p, long now) {
        return expiresNanos > 0 && now - p.grantedNanos > expiresNanos;
    }
}
