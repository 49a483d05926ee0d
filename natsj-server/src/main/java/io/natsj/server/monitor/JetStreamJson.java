package io.natsj.server.monitor;

import io.natsj.server.ServerOptions.JetStreamOptions;
import io.natsj.server.jetstream.JetStream;
import io.natsj.server.jetstream.JetStreamAccountView;
import io.natsj.server.jetstream.JetStreamService;
import io.natsj.server.jetstream.api.JsApiRouter;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JetStream objects {@code /varz} and {@code /jsz} share, with nats-server 2.11's field names, order and
 * {@code omitempty} rules: {@code JetStreamConfig} ({@code config}), {@code JetStreamStats} ({@code stats} in
 * {@code /varz}, the top level of {@code /jsz}) and {@code JSLimitOpts} ({@code limits}).
 *
 * <p>Threading: stateless; reads current values.
 */
final class JetStreamJson {

    private JetStreamJson() {
    }

    /**
     * {@code JetStreamConfig} of a running JetStream: the limits in force (measured from the machine when not
     * configured), {@code <store_dir>/jetstream}, the sync interval in nanoseconds, and {@code compress_ok} (2.11
     * sets it for every server; natsj accepts s2 and stores uncompressed).
     */
    static Map<String, Object> config(JetStream js) {
        JetStreamOptions o = js.options();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("max_memory", js.limits().maxMemory());
        m.put("max_storage", js.limits().maxStore());
        m.put("store_dir", js.storeDirectory().toString());
        long sync = o.syncInterval() == null ? 0 : o.syncInterval().toNanos();
        if (sync != 0) {
            m.put("sync_interval", sync);
        }
        if (o.syncAlways()) {
            m.put("sync_always", true);
        }
        putIfNotEmpty(m, "domain", o.domain());
        m.put("compress_ok", true);
        putIfNotEmpty(m, "unique_tag", o.uniqueTag());
        return m;
    }

    /** {@code JetStreamConfig} of a server without JetStream: Go's zero struct. */
    static Map<String, Object> disabledConfig() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("max_memory", 0);
        m.put("max_storage", 0);
        return m;
    }

    /**
     * {@code JSLimitOpts}: natsj sets none of {@code max_request_batch}, {@code max_ack_pending},
     * {@code max_ha_assets}, {@code max_duplicate_window}, so every field is omitted.
     */
    static Map<String, Object> limits() {
        return new LinkedHashMap<>();
    }

    /**
     * Puts the {@code JetStreamStats} fields into {@code m}: usage and reservations summed over the accounts, the
     * number of accounts, no replicated assets, and the API counters with the API level.
     */
    static void putStats(Map<String, Object> m, List<JetStreamAccountView> accounts) {
        long memory = 0;
        long storage = 0;
        long reservedMemory = 0;
        long reservedStorage = 0;
        long total = 0;
        long errors = 0;
        long inflight = 0;
        for (JetStreamAccountView a : accounts) {
            memory += a.memoryUsed();
            storage += a.storageUsed();
            reservedMemory += a.reservedMemory();
            reservedStorage += a.reservedStorage();
            total += a.apiTotal();
            errors += a.apiErrors();
            inflight += a.apiInflight();
        }
        m.put("memory", memory);
        m.put("storage", storage);
        m.put("reserved_memory", reservedMemory);
        m.put("reserved_storage", reservedStorage);
        m.put("accounts", accounts.size());
        m.put("ha_assets", 0);
        m.put("api", api(JsApiRouter.API_LEVEL, total, errors, inflight));
    }

    /** Zero {@code JetStreamStats}, as a server without JetStream writes them. */
    static void putZeroStats(Map<String, Object> m) {
        putStats(m, List.of());
        m.put("api", api(0, 0, 0, 0));
    }

    /** {@code JetStreamAPIStats}: {@code inflight} only when not zero. */
    static Map<String, Object> api(int level, long total, long errors, long inflight) {
        Map<String, Object> api = new LinkedHashMap<>();
        api.put("level", level);
        api.put("total", total);
        api.put("errors", errors);
        if (inflight != 0) {
            api.put("inflight", inflight);
        }
        return api;
    }

    private static void putIfNotEmpty(Map<String, Object> m, String key, String value) {
        if (value != null && !value.isEmpty()) {
            m.put(key, value);
        }
    }
}
