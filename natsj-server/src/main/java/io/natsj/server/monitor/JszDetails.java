package io.natsj.server.monitor;

import io.natsj.server.jetstream.JetStreamAccountView;
import io.natsj.server.jetstream.JetStreamService;
import io.natsj.server.jetstream.api.ApiJson;
import io.natsj.server.jetstream.api.ConsumerInfoJson;
import io.natsj.server.jetstream.api.ConsumerInfoJson.ConfigShape;
import io.natsj.server.jetstream.consumer.Consumer;
import io.natsj.server.jetstream.stream.Stream;
import io.natsj.server.jetstream.stream.StreamConfigJson;
import io.natsj.server.json.GoFormats;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /jsz}'s {@code account_details} entries (nats-server's {@code AccountDetail}) and their
 * {@code stream_detail} entries ({@code StreamDetail}) with {@code consumer_detail} ({@code ConsumerInfo}).
 *
 * <p>As in nats-server 2.11, an account detail's {@code reserved_memory} and {@code reserved_storage} are the
 * account's {@code max_memory} and {@code max_storage} limits written as unsigned 64-bit numbers (so -1, no limit,
 * reads 18446744073709551615), {@code accounts} and {@code ha_assets} are 0, and its {@code api} carries
 * {@code level} 0 with the account's totals. A stream detail has {@code cluster} with this server as
 * {@code leader}; {@code config} only with {@code config=true} (the stored config, without the server's version
 * metadata that API answers add), consumers' {@code config} likewise.
 *
 * <p>Threading: builds a snapshot on the HTTP thread.
 */
final class JszDetails {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final BigInteger TWO_TO_64 = BigInteger.ONE.shiftLeft(64);

    private JszDetails() {
    }

    static Map<String, Object> account(MonitoredServer server, JetStreamAccountView a, JszView.Options opts) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", a.accountName());
        m.put("id", a.accountName());
        m.put("memory", a.memoryUsed());
        m.put("storage", a.storageUsed());
        m.put("reserved_memory", unsigned(a.limits().maxMemory()));
        m.put("reserved_storage", unsigned(a.limits().maxStorage()));
        m.put("accounts", 0);
        m.put("ha_assets", 0);
        m.put("api", JetStreamJson.api(0, a.apiTotal(), a.apiErrors(), 0));
        if (opts.streams()) {
            List<Object> streams = new ArrayList<>();
            for (Stream s : a.streams()) {
                streams.add(stream(server, s, opts));
            }
            if (!streams.isEmpty()) {
                m.put("stream_detail", streams);
            }
        }
        return m;
    }

    /** Go's {@code uint64(int64)}. */
    private static Object unsigned(long v) {
        return v >= 0 ? (Object) v : BigInteger.valueOf(v).add(TWO_TO_64);
    }

    private static ObjectNode stream(MonitoredServer server, Stream s, JszView.Options opts) {
        JetStreamService js = server.jetStreamServer().account(s.context().account().name());
        ObjectNode o = NODES.objectNode();
        o.put("name", s.name());
        o.put("created", GoFormats.time(s.created().getEpochSecond() * 1_000_000_000L + s.created().getNano()));
        o.putObject("cluster").put("leader", server.serverName());
        if (opts.config()) {
            o.set("config", StreamConfigJson.write(s.config()));
        }
        o.set("state", ApiJson.state(s, null, false));
        if (opts.consumers()) {
            List<Consumer> consumers = new ArrayList<>(s.consumers().values());
            consumers.sort(Comparator.comparing(Consumer::name));
            if (!consumers.isEmpty()) {
                ArrayNode arr = o.putArray("consumer_detail");
                ConfigShape shape = opts.config() ? ConfigShape.STORED : ConfigShape.NONE;
                for (Consumer c : consumers) {
                    ConsumerInfoJson.write(arr.addObject(), c, ConsumerInfoJson.read(c), js.context(), shape);
                }
            }
        }
        ApiJson.sources(o, js, s);
        return o;
    }
}
