package io.natsj.server;

import io.natsj.server.client.ClientConnection;
import io.natsj.server.client.ClosedReason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * nats-server's lame duck mode, the procedure that moves clients off a server gradually before it shuts down: stop
 * accepting clients (the client port closes), tell the routes and the clients (an INFO with {@code "ldm":true}, on
 * which clients reconnect elsewhere), wait {@code lame_duck_grace_period}, then close the clients one by one (in
 * batches when there are more clients than nanoseconds) spread over what remains of {@code lame_duck_duration}
 * (at most one second apart), then shut the server down. With no clients the server shuts down at once.
 *
 * <p>Threading: {@link #run} runs on a thread of its own; every wait ends early when the server shuts down, and
 * the procedure then stops.
 */
final class LameDuckMode {

    private static final Logger LOG = LoggerFactory.getLogger(NatsServer.class);
    private static final long MAX_INTERVAL_NANOS = Duration.ofSeconds(1).toNanos();

    /** What the procedure needs from the server. */
    interface Server {
        /** Closes the client port and returns once no new client can be accepted. */
        void stopAccepting();

        /** The clients connected now. */
        List<ClientConnection> clients();

        /** Sends the lame duck INFO to the routes (the cluster layer's part) and to the clients that take it. */
        void announce();

        /** Waits up to {@code nanos}; true when the server shut down meanwhile. */
        boolean shutDownWithin(long nanos) throws InterruptedException;

        /** Shuts the server down. */
        void shutdown();
    }

    private final Server server;
    private final Duration duration;
    private final Duration gracePeriod;

    LameDuckMode(Server server, Duration duration, Duration gracePeriod) {
        this.server = server;
        this.duration = duration;
        this.gracePeriod = gracePeriod;
    }

    void run() {
        LOG.info("Entering lame duck mode, stop accepting new clients");
        server.stopAccepting();
        List<ClientConnection> clients = server.clients();
        if (clients.isEmpty()) {
            server.shutdown();
            return;
        }
        long[] schedule = schedule(duration.toNanos(), gracePeriod.toNanos(), clients.size());
        long interval = schedule[0];
        long batch = schedule[1];
        server.announce();
        try {
            if (server.shutDownWithin(gracePeriod.toNanos())) {
                return;
            }
            LOG.info("Closing existing clients");
            for (int i = 0; i < clients.size(); i++) {
                clients.get(i).close(ClosedReason.SERVER_SHUTDOWN, true);
                if (i == clients.size() - 1) {
                    break;
                }
                if ((batch == 1 || i % batch == 0) && server.shutDownWithin(pause(interval))) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        server.shutdown();
    }

    /**
     * nats-server's spread: the pause between two closes (nanoseconds) and how many clients are closed per pause,
     * for {@code clients} clients over {@code durationNanos} minus the grace period (one second when nothing remains).
     */
    static long[] schedule(long durationNanos, long graceNanos, int clients) {
        long spread = durationNanos - graceNanos;
        if (spread <= 0) {
            spread = MAX_INTERVAL_NANOS;
        }
        long interval = spread / clients;
        long batch = 1;
        if (interval < 1) {
            interval = 1;
            batch = clients / spread;
        } else if (interval > MAX_INTERVAL_NANOS) {
            interval = MAX_INTERVAL_NANOS;
        }
        return new long[] {interval, batch};
    }

    /** A random pause of at least half the interval, as nats-server's. */
    private static long pause(long interval) {
        long v = ThreadLocalRandom.current().nextLong(interval);
        return Math.max(v, interval / 2);
    }
}
