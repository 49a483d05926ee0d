package io.natsj.server.jetstream;

import io.natsj.server.ServerOptions.JetStreamOptions;
import io.natsj.server.jetstream.stream.Stream;
import io.natsj.server.store.StorageType;
import io.natsj.server.store.file.FileStoreOptions;
import io.natsj.server.store.file.FileStreamStore;
import io.natsj.server.store.memory.MemoryStreamStore;
import io.natsj.server.util.ServerClock;

/**
 * Chooses and opens the store of a stream from its storage type.
 *
 * <p>Threading: stateless.
 */
public final class StreamStores {

    private StreamStores() {
    }

    /** The factory the server uses. */
    public static JetStreamService.StoreFactory factory(ServerClock clock, JetStreamOptions options) {
        return (config, dir) -> {
            if (config.storage() == StorageType.MEMORY) {
                return new MemoryStreamStore(clock, Stream.limitsOf(config));
            }
            FileStoreOptions fileOptions = FileStoreOptions.DEFAULTS
                    .withSyncAlways(options.syncAlways())
                    .withSyncInterval(options.syncInterval().toNanos());
            return new FileStreamStore(dir, fileOptions, clock, Stream.limitsOf(config));
        };
    }
}
