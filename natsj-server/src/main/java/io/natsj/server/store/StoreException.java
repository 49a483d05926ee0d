package io.natsj.server.store;

import java.io.IOException;

/** A store that failed to read or write its files, or was used after it was closed. */
public final class StoreException extends RuntimeException {

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, IOException cause) {
        super(message, cause);
    }
}
