package io.natsj.server.monitor;

import io.natsj.server.jetstream.JetStream;
import io.natsj.server.jetstream.JetStreamAccountView;
import io.natsj.server.jetstream.JetStreamService;
import io.natsj.server.jetstream.api.ConsumerInfoJson;
import io.natsj.server.jetstream.consumer.Consumer;
import io.natsj.server.jetstream.stream.Stream;
import io.natsj.server.store.StreamState;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * JetStream's metrics for {@code /metrics}, read at scrape time from the accounts' views, the streams' stores and
 * the consumers' counters (the same values {@code /jsz} shows): whether JetStream runs and its limits; per account
 * ({@code account} label) usage, reservations, stream and consumer counts and API counters; per stream
 * ({@code stream}) messages, bytes, sequences, subjects and consumers; per consumer ({@code consumer}) pending,
 * ack-pending, redelivered, waiting and its delivered and ack-floor sequences. Names in {@code docs/monitoring.md}.
 *
 * <p>Threading: {@link #collect} runs on the HTTP thread of each scrape; each consumer's counters are read once per
 * scrape, on its worker.
 */
final class JetStreamMetrics implements MultiCollector {

    private final MonitoredServer server;

    JetStreamMetrics(MonitoredServer server) {
        this.server = server;
    }

    @Override
    public MetricSnapshots collect() {
        String id = server.serverId();
        MetricSet m = new MetricSet();
        JetStream js = server.jetStreamServer();
        Labels srv = Labels.of("server_id", id);
        m.gauge("natsj_jetstream_enabled", "1 when JetStream runs, else 0", srv, js == null ? 0 : 1);
        if (js != null) {
            m.gauge("natsj_jetstream_max_memory_bytes", "Bytes memory streams may hold on this server", srv,
                    js.limits().maxMemory());
            m.gauge("natsj_jetstream_max_storage_bytes", "Bytes file streams may hold on this server", srv,
                    js.limits().maxStore());
        }
        for (JetStreamAccountView a : server.jetStreamAccounts()) {
            account(m, id, a);
        }
        return m.snapshots();
    }

    private static void account(MetricSet m, String id, JetStreamAccountView a) {
        Labels acc = Labels.of("server_id", id, "account", a.accountName());
        List<Stream> streams = a.streams();
        m.gauge("natsj_account_jetstream_memory_bytes", "Bytes held by the account's memory streams", acc,
                a.memoryUsed());
        m.gauge("natsj_account_jetstream_storage_bytes", "Bytes held by the account's file streams", acc,
                a.storageUsed());
        m.gauge("natsj_account_jetstream_reserved_memory_bytes",
                "Bytes reserved by the account's memory streams with max_bytes", acc, a.reservedMemory());
        m.gauge("natsj_account_jetstream_reserved_storage_bytes",
                "Bytes reserved by the account's file streams with max_bytes", acc, a.reservedStorage());
        m.gauge("natsj_account_jetstream_streams", "Streams of the account", acc, streams.size());
        m.gauge("natsj_account_jetstream_consumers", "Consumers of the account", acc, a.consumerCount());
        m.counter("natsj_account_jetstream_api_requests", "JetStream API requests answered", acc, a.apiTotal());
        m.counter("natsj_account_jetstream_api_errors", "JetStream API requests answered with an error", acc,
                a.apiErrors());
        m.gauge("natsj_account_jetstream_api_inflight", "JetStream API requests received and not yet answered", acc,
                a.apiInflight());
        for (Stream s : streams) {
            stream(m, acc.add("stream", s.name()), s);
        }
    }

    private static void stream(MetricSet m, Labels labels, Stream s) {
        StreamState st = s.store().state();
        m.gauge("natsj_stream_messages", "Messages stored in the stream", labels, st.msgs());
        m.gauge("natsj_stream_bytes", "Bytes stored in the stream", labels, st.bytes());
        m.gauge("natsj_stream_first_seq", "Sequence of the stream's first message", labels, st.firstSeq());
        m.gauge("natsj_stream_last_seq", "Sequence of the stream's last message", labels, st.lastSeq());
        m.gauge("natsj_stream_subjects", "Distinct subjects stored in the stream", labels, st.numSubjects());
        m.gauge("natsj_stream_deleted_messages", "Messages deleted inside the stream's sequence range", labels,
                st.numDeleted());
        List<Consumer> consumers = new ArrayList<>(s.consumers().values());
        consumers.sort(Comparator.comparing(Consumer::name));
        m.gauge("natsj_stream_consumers", "Consumers of the stream", labels, consumers.size());
        for (Consumer c : consumers) {
            consumer(m, labels.add("consumer", c.name()), ConsumerInfoJson.read(c));
        }
    }

    private static void consumer(MetricSet m, Labels labels, Consumer.Info i) {
        m.gauge("natsj_consumer_num_pending", "Messages matching the consumer not delivered yet", labels,
                i.numPending());
        m.gauge("natsj_consumer_num_ack_pending", "Messages delivered and waiting for their ack", labels,
                i.numAckPending());
        m.gauge("natsj_consumer_num_redelivered", "Messages delivered more than once and not acked", labels,
                i.numRedelivered());
        m.gauge("natsj_consumer_num_waiting", "Pull requests waiting", labels, i.numWaiting());
        m.gauge("natsj_consumer_delivered_stream_seq", "Stream sequence of the last delivered message", labels,
                i.deliveredStream());
        m.gauge("natsj_consumer_delivered_consumer_seq", "Consumer sequence of the last delivery", labels,
                i.deliveredConsumer());
        m.gauge("natsj_consumer_ack_floor_stream_seq", "Stream sequence up to which every message is acked",
                labels, i.ackFloorStream());
        m.gauge("natsj_consumer_ack_floor_consumer_seq", "Consumer sequence up to which every delivery is acked",
                labels, i.ackFloorConsumer());
    }
}
