package io.natsj.server.cluster;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.natsj.server.ClusterOptions;
import io.natsj.server.NatsServer;
import io.natsj.server.ServerOptions;
import io.natsj.server.routing.DeliveryBatch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * Embedded natsj servers whose interest layers are connected in a full mesh by in-memory route links: what a route
 * connection does, without sockets. Each direction of each pair has its own thread, so that calls arrive at the other
 * side in the order they were sent, as over a socket, and never on the sender's thread.
 *
 * <p>Threading: built and closed by the test thread; links are used from any thread.
 */
final class InMemoryCluster implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(10);

    private final List<NatsServer> servers = new ArrayList<>();
    private final List<Link> links = new ArrayList<>();
    private final List<Connection> clients = new ArrayList<>();

    /** Starts {@code n} servers from {@code options} (a cluster block is added) and connects them all. */
    static InMemoryCluster start(int n, Supplier<ServerOptions.Builder> options) throws Exception {
        return start(n, i -> options.get());
    }

    /** Starts {@code n} servers, server {@code i} from {@code options.apply(i)}, and connects them all. */
    static InMemoryCluster start(int n, IntFunction<ServerOptions.Builder> options) throws Exception {
        InMemoryCluster cluster = new InMemoryCluster();
        try {
            for (int i = 0; i < n; i++) {
                cluster.servers.add(NatsServer.start(options.apply(i).serverName("s" + i)
                        .cluster(ClusterOptions.listen("127.0.0.1", 0).withName("mem")).build()));
            }
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    cluster.connect(cluster.servers.get(i), cluster.servers.get(j));
                }
            }
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    static ServerOptions.Builder defaults() {
        return ServerOptions.builder().host("127.0.0.1").port(0).noLog(true).disableShortFirstPing(true);
    }

    private void connect(NatsServer a, NatsServer b) {
        Link ab = new Link(a, b);
        Link ba = new Link(b, a);
        ab.reverse = ba;
        ba.reverse = ab;
        links.add(ab);
        links.add(ba);
        a.clusterInterest().routeUp(ab);
        b.clusterInterest().routeUp(ba);
    }

    NatsServer server(int i) {
        return servers.get(i);
    }

    int size() {
        return servers.size();
    }

    /** A jnats connection to server {@code i}, without reconnects, closed with the cluster. */
    Connection connect(int i) throws Exception {
        return connect(i, Options.builder());
    }

    /** A jnats connection to server {@code i} as {@code user}. */
    Connection connect(int i, String user, String password) throws Exception {
        return connect(i, Options.builder().userInfo(user, password));
    }

    private Connection connect(int i, Options.Builder options) throws Exception {
        Connection nc = Nats.connect(options.server(servers.get(i).clientUrl()).noReconnect().build());
        clients.add(nc);
        return nc;
    }

    /** Messages server {@code from} sent to server {@code to} so far (over every link between them). */
    long messagesSent(int from, int to) {
        long n = 0;
        for (Link l : links) {
            if (l.local == servers.get(from) && l.remote == servers.get(to)) {
                n += l.messages.get();
            }
        }
        return n;
    }

    /** Waits until every link has delivered all it was given (nothing a delivery sends goes on another route). */
    void awaitQuiet() throws Exception {
        for (int round = 0; round < 2; round++) {
            for (Link l : links) {
                l.thread.submit(() -> { }).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    /** Takes server {@code i} out of the cluster: its links close, and both sides drop the other's interest. */
    void isolate(int i) throws Exception {
        NatsServer s = servers.get(i);
        for (Link l : links) {
            if (l.local == s || l.remote == s) {
                l.closed = true;
            }
        }
        for (Link l : links) {
            if (l.local == s || l.remote == s) {
                l.local.clusterInterest().routeDown(l);
            }
        }
        awaitQuiet();
    }

    /** Connects server {@code i} to every other server again after {@link #isolate}, as a reconnecting route does. */
    void rejoin(int i) throws Exception {
        for (int j = 0; j < servers.size(); j++) {
            if (j != i) {
                connect(servers.get(i), servers.get(j));
            }
        }
        awaitQuiet();
    }

    @Override
    public void close() {
        for (Connection nc : clients) {
            try {
                nc.close();
            } catch (Exception | Error ignored) {
                // closing anyway
            }
        }
        for (Link l : links) {
            l.closed = true;
            l.thread.shutdownNow();
        }
        for (NatsServer s : servers) {
            s.close();
        }
    }

    /** The link from {@code local} to {@code remote}: what {@code local}'s interest layer sends to. */
    private static final class Link implements RouteLink {

        final NatsServer local;
        final NatsServer remote;
        final ExecutorService thread;
        final AtomicLong messages = new AtomicLong();
        Link reverse;
        volatile boolean closed;

        Link(NatsServer local, NatsServer remote) {
            this.local = local;
            this.remote = remote;
            this.thread = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "mem-route-" + local.serverName() + "-" + remote.serverName());
                t.setDaemon(true);
                return t;
            });
        }

        @Override
        public String remoteServerId() {
            return remote.serverId();
        }

        @Override
        public String remoteServerName() {
            return remote.serverName();
        }

        private void toRemote(Runnable r) {
            if (!closed) {
                thread.execute(() -> {
                    if (!closed) {
                        r.run();
                    }
                });
            }
        }

        @Override
        public void sendSubscribe(String account, String subject, String queue, int weight) {
            toRemote(() -> remote.clusterInterest().remoteSubscribe(reverse, account, subject, queue, weight));
        }

        @Override
        public void sendUnsubscribe(String account, String subject, String queue) {
            toRemote(() -> remote.clusterInterest().remoteUnsubscribe(reverse, account, subject, queue));
        }

        @Override
        public boolean sendMessage(String account, String subject, String reply, List<String> queues, byte[] buf,
                                   int off, int hdrLen, int totalLen, DeliveryBatch batch) {
            if (closed) {
                return false;
            }
            messages.incrementAndGet();
            byte[] copy = Arrays.copyOfRange(buf, off, off + totalLen);
            List<String> q = List.copyOf(queues);
            toRemote(() -> remote.clusterInterest().remoteMessage(reverse, account, subject, reply, q, copy, 0,
                    hdrLen, totalLen, DeliveryBatch.IMMEDIATE));
            return true;
        }

        @Override
        public boolean isClosed() {
            return closed;
        }
    }
}
