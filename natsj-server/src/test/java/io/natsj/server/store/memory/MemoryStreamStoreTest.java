package io.natsj.server.store.memory;

import io.natsj.server.store.StoreLimits;
import io.natsj.server.store.StreamStore;
import io.natsj.server.store.StreamStoreContract;

/** The store contract, held by the memory store. */
class MemoryStreamStoreTest extends StreamStoreContract {

    @Override
    protected StreamStore open(StoreLimits limits) {
        return new MemoryStreamStore(clock, limits);
    }

    @Override
    protected boolean persistent() {
        return false;
    }
}
