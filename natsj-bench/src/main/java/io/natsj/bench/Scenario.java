package io.natsj.bench;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;

import javax.net.ssl.SSLContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One load scenario run through the official Java client against a server URL, in the style of {@code nats bench}.
 * Each returns one figure: messages per second, or for request-reply the median latency in microseconds.
 *
 * <p>Threading: a scenario runs on the caller's thread plus the client's own threads.
 */
public enum Scenario {
    CORE_PUB16("core-pub16", "publish only, 16 B", "msgs/s", true) {
        @Override
        double run(String url, int scale) throws Exception {
            return publishOnly(url, 2_000_000 / scale, 16);
        }
    },
    CORE_PUB128("core-pub128", "publish only, 128 B", "msgs/s", true) {
        @Override
        double run(String url, int scale) throws Exception {
            return publishOnly(url, 2_000_000 / scale, 128);
        }
    },
    CORE_PUBSUB("core-pubsub", "1 publisher, 1 subscriber, 128 B", "msgs/s", true) {
        @Override
        double run(String url, int scale) throws Exception {
            return fanout(url, url, 1_000_000 / scale, 128, 1);
        }
    },
    CORE_FANOUT("core-fanout", "1 publisher, 4 subscribers, 128 B (received, all subscribers)", "msgs/s", true) {
        @Override
        double run(String url, int scale) throws Exception {
            return fanout(url, url, 400_000 / scale, 128, 4);
        }
    },
    CORE_REQREP("core-reqrep", "request-reply latency p50, 128 B, sequential", "µs", false) {
        @Override
        double run(String url, int scale) throws Exception {
            return requestReply(url, url, 20_000 / scale, 128);
        }
    },
    JS_PUB_SYNC_P50("js-pub-sync-p50", "JetStream sync publish latency p50, file, 128 B", "µs", false) {
        @Override
        double run(String url, int scale) throws Exception {
            return JetStreamLoad.syncLatency(url, 20_000 / scale, 128, 50);
        }
    },
    JS_PUB_SYNC_P99("js-pub-sync-p99", "JetStream sync publish latency p99, file, 128 B", "µs", false) {
        @Override
        double run(String url, int scale) throws Exception {
            return JetStreamLoad.syncLatency(url, 20_000 / scale, 128, 99);
        }
    },
    JS_PUB_ASYNC_FILE("js-pub-async-file", "JetStream async publish, file, 128 B, 1,000 acks in flight", "msgs/s",
            true) {
        @Override
        double run(String url, int scale) throws Exception {
            return JetStreamLoad.asyncThroughput(url, 200_000 / scale, 128, false);
        }
    },
    JS_PUB_ASYNC_MEM("js-pub-async-mem", "JetStream async publish, memory, 128 B, 1,000 acks in flight", "msgs/s",
            true) {
        @Override
        double run(String url, int scale) throws Exception {
            return JetStreamLoad.asyncThroughput(url, 200_000 / scale, 128, true);
        }
    },
    JS_PULL_CONSUME("js-pull-consume", "durable pull consumer, explicit acks, fetch batches of 500, 128 B", "msgs/s",
            true) {
        @Override
        double run(String url, int scale) throws Exception {
            return JetStreamLoad.pullConsume(url, 100_000 / scale, 128);
        }
    },
    JS_ORDERED_CONSUME("js-ordered-consume", "ordered consumer, 128 B", "msgs/s", true) {
        @Override
        double run(String url, int scale) throws Exception {
            return JetStreamLoad.orderedConsume(url, 100_000 / scale, 128);
        }
    },
    CLUSTER_PUBSUB("cluster-pubsub", "1 publisher on server 1, 1 subscriber on server 2, 128 B", "msgs/s", true) {
        @Override
        double run(String url, int scale) throws Exception {
            return run(List.of(url), scale);
        }

        @Override
        double run(List<String> urls, int scale) throws Exception {
            return fanout(urls.get(0), second(urls), messages(scale), 128, 1);
        }

        @Override
        int messages(int scale) {
            return 1_000_000 / scale;
        }
    },
    CLUSTER_FANOUT("cluster-fanout", "1 publisher on server 1, 4 subscribers on server 2, 128 B (received)", "msgs/s",
            true) {
        @Override
        double run(String url, int scale) throws Exception {
            return run(List.of(url), scale);
        }

        @Override
        double run(List<String> urls, int scale) throws Exception {
            return fanout(urls.get(0), second(urls), messages(scale) / 4, 128, 4);
        }

        @Override
        int messages(int scale) {
            return 4 * (400_000 / scale);
        }
    },
    CLUSTER_REQREP("cluster-reqrep", "request-reply latency p50, requester on server 1, responder on server 2, 128 B",
            "µs", false) {
        @Override
        double run(String url, int scale) throws Exception {
            return run(List.of(url), scale);
        }

        @Override
        double run(List<String> urls, int scale) throws Exception {
            return requestReply(urls.get(0), second(urls), 20_000 / scale, 128);
        }

        @Override
        int messages(int scale) {
            int n = 20_000 / scale;
            return n + Math.min(1000, n); // with the unmeasured warm-up requests
        }
    };

    /** Whether the server must run with JetStream. */
    public boolean needsJetStream() {
        return id.startsWith("js-");
    }

    private final String id;
    private final String description;
    private final String unit;
    private final boolean higherIsBetter;

    Scenario(String id, String description, String unit, boolean higherIsBetter) {
        this.id = id;
        this.description = description;
        this.unit = unit;
        this.higherIsBetter = higherIsBetter;
    }

    public String id() { return id; }
    public String description() { return description; }
    public String unit() { return unit; }
    public boolean higherIsBetter() { return higherIsBetter; }

    /** Runs the scenario; {@code scale} divides the message counts (1 = full run). */
    abstract double run(String url, int scale) throws Exception;

    /**
     * Runs the scenario on a cluster whose client URLs are {@code urls} (server 1 first); the cluster scenarios put
     * their clients on servers 1 and 2, the others run on server 1.
     */
    double run(List<String> urls, int scale) throws Exception {
        return run(urls.get(0), scale);
    }

    /**
     * The messages a run delivers to subscribers (for request-reply: the round trips, warm-up included), for the
     * servers' CPU time per message; 0 where not counted.
     */
    int messages(int scale) {
        return 0;
    }

    /** Whether the scenario crosses a route between two servers of a cluster. */
    public boolean needsCluster() {
        return id.startsWith("cluster-");
    }

    /** Scenarios by id, or the groups {@code core}, {@code js} and {@code cluster}. */
    public static List<Scenario> byIdOrGroup(String id) {
        if (id.equals("core") || id.equals("js") || id.equals("cluster")) {
            return Arrays.stream(values()).filter(s -> s.id.startsWith(id + "-")).toList();
        }
        return List.of(byId(id));
    }

    public static Scenario byId(String id) {
        for (Scenario s : values()) {
            if (s.id.equals(id)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown scenario " + id + "; known: "
                + Arrays.stream(values()).map(Scenario::id).toList());
    }

    /** The client side of {@code --tls} runs: trusts the servers' certificate; null for plain connections. */
    private static volatile SSLContext clientTls;

    /** Makes every scenario connect with TLS through {@code context} (null: plain text). */
    static void useTls(SSLContext context) {
        clientTls = context;
    }

    static Connection connect(String url) throws Exception {
        Options.Builder b = new Options.Builder().server(url).noReconnect().bufferSize(256 * 1024)
                .connectionTimeout(Duration.ofSeconds(5));
        SSLContext tls = clientTls;
        if (tls != null) {
            b.sslContext(tls);
        }
        return Nats.connect(b.build());
    }

    static double publishOnly(String url, int n, int size) throws Exception {
        byte[] payload = new byte[size];
        try (Connection pub = connect(url)) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                pub.publish("bench.pub", payload);
            }
            pub.flush(Duration.ofSeconds(60));
            return n / seconds(t0);
        }
    }

    /** {@code n} messages published on {@code pubUrl}, received by each of the subscribers on {@code subUrl}. */
    static double fanout(String pubUrl, String subUrl, int n, int size, int subscribers) throws Exception {
        byte[] payload = new byte[size];
        List<Connection> subs = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(subscribers);
        AtomicLong dropped = new AtomicLong();
        try (Connection pub = connect(pubUrl)) {
            for (int i = 0; i < subscribers; i++) {
                Connection sc = connect(subUrl);
                subs.add(sc);
                AtomicLong got = new AtomicLong();
                Dispatcher d = sc.createDispatcher(m -> {
                    if (got.incrementAndGet() == n) {
                        done.countDown();
                    }
                });
                d.setPendingLimits(-1, -1);
                d.subscribe("bench.fan");
                sc.flush(Duration.ofSeconds(5));
            }
            awaitInterest(pub, subs);
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                pub.publish("bench.fan", payload);
            }
            pub.flush(Duration.ofSeconds(60));
            if (!done.await(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException("subscribers did not receive every message (slow consumer?)");
            }
            double rate = (double) n * subscribers / seconds(t0);
            for (Connection sc : subs) {
                dropped.addAndGet(sc.getStatistics().getDroppedCount());
            }
            if (dropped.get() > 0) {
                throw new IllegalStateException(dropped.get() + " messages dropped by the client");
            }
            return rate;
        } finally {
            for (Connection sc : subs) {
                sc.close();
            }
        }
    }

    /** Median latency of {@code n} sequential requests from {@code requesterUrl} to a responder on the other. */
    static double requestReply(String requesterUrl, String responderUrl, int n, int size) throws Exception {
        byte[] payload = new byte[size];
        try (Connection responder = connect(responderUrl); Connection requester = connect(requesterUrl)) {
            Dispatcher d = responder.createDispatcher(m -> responder.publish(m.getReplyTo(), m.getData()));
            d.subscribe("bench.req");
            responder.flush(Duration.ofSeconds(5));
            awaitInterest(requester, List.of(responder));
            for (int i = 0; i < Math.min(1000, n); i++) {
                requester.request("bench.req", payload, Duration.ofSeconds(5));
            }
            long[] lat = new long[n];
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                if (requester.request("bench.req", payload, Duration.ofSeconds(5)) == null) {
                    throw new IllegalStateException("request timed out");
                }
                lat[i] = System.nanoTime() - t0;
            }
            return Stats.percentile(lat, 50) / 1000.0;
        }
    }

    /** Server 2 of a cluster; server 1 when there is only one. */
    static String second(List<String> urls) {
        return urls.get(Math.min(1, urls.size() - 1));
    }

    /**
     * Returns once messages from {@code pub} reach each of {@code subscribers}, whose subscriptions were made before:
     * on another server of a cluster, interest arrives asynchronously (in order, so a later subscription's arrival
     * shows the earlier ones arrived too).
     */
    static void awaitInterest(Connection pub, List<Connection> subscribers) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (Connection sc : subscribers) {
            Subscription ready = sc.subscribe("bench.ready");
            sc.flush(Duration.ofSeconds(5));
            while (ready.nextMessage(Duration.ofMillis(20)) == null) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("a subscription on another server was not seen within 30 s");
                }
                pub.publish("bench.ready", new byte[0]);
                pub.flush(Duration.ofSeconds(5));
            }
            ready.unsubscribe();
        }
    }

    static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
