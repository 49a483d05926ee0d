package io.natsj.server.jetstream.api;

import io.natsj.server.jetstream.JetStreamAccountLimits;
import io.natsj.server.jetstream.JetStreamService;
import io.natsj.server.jetstream.api.JsApiRouter.Request;
import io.natsj.server.store.StorageType;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code $JS.API.INFO}: the account's JetStream usage ({@code memory}, {@code storage}, reservations, stream and
 * consumer counts), its limits (-1: none), the domain and the API counters; in an account without JetStream,
 * "JetStream not enabled for account" (503, 10039).
 *
 * <p>Threading: concurrent handler; reads only.
 */
final class AccountApi {

    private final JetStreamService js;
    private final JsApiRouter router;

    AccountApi(JetStreamService js, JsApiRouter router) {
        this.js = js;
        this.router = router;
    }

    void info(Request r) {
        router.guarded(r, "account_info_response", () -> {
            router.requireJetStream();
            router.respond(r, usage());
        });
    }

    private ObjectNode usage() {
        ObjectNode o = ApiJson.response("account_info_response");
        o.put("memory", js.used(StorageType.MEMORY));
        o.put("storage", js.used(StorageType.FILE));
        o.put("reserved_memory", js.reserved(StorageType.MEMORY));
        o.put("reserved_storage", js.reserved(StorageType.FILE));
        o.put("streams", js.streams().size());
        o.put("consumers", js.streams().stream().mapToInt(s -> s.consumers().size()).sum());
        JetStreamAccountLimits l = js.accountLimits();
        ObjectNode limits = o.putObject("limits");
        limits.put("max_memory", l.maxMemory());
        limits.put("max_storage", l.maxStorage());
        limits.put("max_streams", l.maxStreams());
        limits.put("max_consumers", l.maxConsumers());
        limits.put("max_ack_pending", l.maxAckPending());
        limits.put("memory_max_stream_bytes", l.memoryMaxStreamBytes());
        limits.put("storage_max_stream_bytes", l.storageMaxStreamBytes());
        limits.put("max_bytes_required", l.maxBytesRequired());
        String domain = js.context().domain();
        if (domain != null && !domain.isEmpty()) {
            o.put("domain", domain);
        }
        ObjectNode api = o.putObject("api");
        api.put("level", JsApiRouter.API_LEVEL);
        api.put("total", router.total());
        api.put("errors", router.errors());
        return o;
    }
}
