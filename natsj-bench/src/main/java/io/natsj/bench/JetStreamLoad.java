package io.natsj.bench;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * JetStream load through the official Java client: synchronous publish latency and asynchronous publish throughput
 * with a bounded number of acknowledgements in flight, each on a fresh stream that is deleted afterwards.
 *
 * <p>Threading: the caller's thread plus the client's threads.
 */
final class JetStreamLoad {

    private static final int IN_FLIGHT = 1000;

    private JetStreamLoad() {
    }

    private static String createStream(Connection nc, boolean memory) throws Exception {
        JetStreamManagement jsm = nc.jetStreamManagement();
        String name = "BENCH" + System.nanoTime();
        jsm.addStream(StreamConfiguration.builder().name(name).subjects(name + ".>")
                .storageType(memory ? StorageType.Memory : StorageType.File).build());
        return name;
    }

    /** The {@code percentile} latency in microseconds of {@code n} sequential publishes. */
    static double syncLatency(String url, int n, int size, int percentile) throws Exception {
        byte[] payload = new byte[size];
        try (Connection nc = Scenario.connect(url)) {
            String stream = createStream(nc, false);
            JetStream js = nc.jetStream();
            String subject = stream + ".sync";
            for (int i = 0; i < Math.min(1000, n); i++) {
                js.publish(subject, payload);
            }
            long[] lat = new long[n];
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                js.publish(subject, payload);
                lat[i] = System.nanoTime() - t0;
            }
            nc.jetStreamManagement().deleteStream(stream);
            return Stats.percentile(lat, percentile) / 1000.0;
        }
    }

    /** Messages per second of {@code n} asynchronous publishes with at most {@value #IN_FLIGHT} unacknowledged. */
    static double asyncThroughput(String url, int n, int size, boolean memory) throws Exception {
        byte[] payload = new byte[size];
        try (Connection nc = Scenario.connect(url)) {
            String stream = createStream(nc, memory);
            JetStream js = nc.jetStream();
            String subject = stream + ".async";
            Semaphore window = new Semaphore(IN_FLIGHT);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            long t0 = System.nanoTime();
            for (int i = 0; i < n && failure.get() == null; i++) {
                if (!window.tryAcquire(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("no ack for 30 s");
                }
                CompletableFuture<PublishAck> ack = js.publishAsync(subject, payload);
                ack.whenComplete((a, t) -> {
                    if (t != null) {
                        failure.compareAndSet(null, t);
                    }
                    window.release();
                });
            }
            if (!window.tryAcquire(IN_FLIGHT, 60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("acks missing after 60 s");
            }
            double rate = n / Scenario.seconds(t0);
            if (failure.get() != null) {
                throw new IllegalStateException("publish failed", failure.get());
            }
            nc.jetStreamManagement().deleteStream(stream);
            return rate;
        }
    }

    private static String filled(Connection nc, int n, int size) throws Exception {
        String stream = createStream(nc, true);
        JetStream js = nc.jetStream();
        byte[] payload = new byte[size];
        Semaphore window = new Semaphore(IN_FLIGHT);
        for (int i = 0; i < n; i++) {
            window.acquire();
            js.publishAsync(stream + ".c", payload).whenComplete((a, t) -> window.release());
        }
        window.acquire(IN_FLIGHT);
        return stream;
    }

    /** Messages per second a durable pull consumer receives and acknowledges, fetching 500 at a time. */
    static double pullConsume(String url, int n, int size) throws Exception {
        try (Connection nc = Scenario.connect(url)) {
            String stream = filled(nc, n, size);
            nc.jetStreamManagement().addOrUpdateConsumer(stream, io.nats.client.api.ConsumerConfiguration.builder()
                    .durable("bench").ackPolicy(io.nats.client.api.AckPolicy.Explicit).build());
            io.nats.client.JetStreamSubscription sub = nc.jetStream().subscribe(null,
                    io.nats.client.PullSubscribeOptions.bind(stream, "bench"));
            long t0 = System.nanoTime();
            int got = 0;
            while (got < n) {
                java.util.List<io.nats.client.Message> batch = sub.fetch(500, java.time.Duration.ofSeconds(10));
                if (batch.isEmpty()) {
                    throw new IllegalStateException("pull consumer stalled at " + got);
                }
                for (io.nats.client.Message m : batch) {
                    m.ack();
                }
                got += batch.size();
            }
            double rate = n / Scenario.seconds(t0);
            nc.jetStreamManagement().deleteStream(stream);
            return rate;
        }
    }

    /** Messages per second an ordered consumer reads. */
    static double orderedConsume(String url, int n, int size) throws Exception {
        try (Connection nc = Scenario.connect(url)) {
            String stream = filled(nc, n, size);
            io.nats.client.OrderedConsumerContext occ = nc.getStreamContext(stream)
                    .createOrderedConsumer(new io.nats.client.api.OrderedConsumerConfiguration());
            long t0 = System.nanoTime();
            int got = 0;
            try (io.nats.client.IterableConsumer it = occ.iterate()) {
                while (got < n) {
                    if (it.nextMessage(java.time.Duration.ofSeconds(10)) == null) {
                        throw new IllegalStateException("ordered consumer stalled at " + got);
                    }
                    got++;
                }
            }
            double rate = n / Scenario.seconds(t0);
            nc.jetStreamManagement().deleteStream(stream);
            return rate;
        }
    }
}
