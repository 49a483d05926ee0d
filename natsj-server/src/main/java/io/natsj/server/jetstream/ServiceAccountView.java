package io.natsj.server.jetstream;

import io.natsj.server.jetstream.api.JsApiRouter;
import io.natsj.server.jetstream.stream.Stream;
import io.natsj.server.store.StorageType;

import java.util.List;

/**
 * The {@link JetStreamAccountView} of the one account a {@link JetStreamService} serves today ({@code $G}): reads the
 * service's streams and its API router's counters at each call.
 *
 * <p>Threading: as the interface says; the service's lookups are lock-free.
 */
record ServiceAccountView(JetStreamService js) implements JetStreamAccountView {

    @Override
    public String accountName() {
        return js.context().account().name();
    }

    @Override
    public List<Stream> streams() {
        return js.streams();
    }

    @Override
    public long memoryUsed() {
        return js.used(StorageType.MEMORY);
    }

    @Override
    public long storageUsed() {
        return js.used(StorageType.FILE);
    }

    @Override
    public long reservedMemory() {
        return js.reserved(StorageType.MEMORY);
    }

    @Override
    public long reservedStorage() {
        return js.reserved(StorageType.FILE);
    }

    @Override
    public long apiTotal() {
        JsApiRouter api = js.api();
        return api == null ? 0 : api.total();
    }

    @Override
    public long apiErrors() {
        JsApiRouter api = js.api();
        return api == null ? 0 : api.errors();
    }

    @Override
    public long apiInflight() {
        JsApiRouter api = js.api();
        return api == null ? 0 : api.inflight();
    }

    @Override
    public JetStreamAccountLimits limits() {
        return js.accountLimits();
    }
}
