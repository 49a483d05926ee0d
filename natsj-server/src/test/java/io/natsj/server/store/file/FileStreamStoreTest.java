package io.natsj.server.store.file;

import io.natsj.server.store.StoreLimits;
import io.natsj.server.store.StreamStore;
import io.natsj.server.store.StreamStoreContract;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The store contract, held by the file store on the real disk with 4 KiB blocks so that blocks roll. */
class FileStreamStoreTest extends StreamStoreContract {

    @TempDir
    Path dir;

    @Override
    protected StreamStore open(StoreLimits limits) {
        return new FileStreamStore(dir, FileStoreOptions.DEFAULTS.withBlockSize(4096), clock, limits);
    }

    @Override
    protected boolean persistent() {
        return true;
    }
}
