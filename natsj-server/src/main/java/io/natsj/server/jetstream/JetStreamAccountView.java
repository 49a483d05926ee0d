package io.natsj.server.jetstream;

import io.natsj.server.jetstream.stream.Stream;

import java.util.List;

/**
 * What monitoring reads about one account's JetStream: its streams, the resources they use and reserve, its limits
 * and its API counters. {@code /jsz}, {@code /varz}, {@code /healthz} and {@code /metrics} build their answers only
 * from these views (one per JetStream-enabled account, from {@code NatsServer.jetStreamAccounts()}), so they need no
 * change when accounts gain JetStream contexts of their own.
 *
 * <p>Threading: every method may be called from any thread at any time and reads current values (no snapshot is
 * kept); values read one after the other may come from slightly different moments.
 */
public interface JetStreamAccountView {

    /** The account's name, e.g. {@code $G}. */
    String accountName();

    /** The account's streams, sorted by name. */
    List<Stream> streams();

    /** Bytes held by the account's memory streams. */
    long memoryUsed();

    /** Bytes held by the account's file streams. */
    long storageUsed();

    /** Bytes reserved by the account's memory streams that set {@code max_bytes}. */
    long reservedMemory();

    /** Bytes reserved by the account's file streams that set {@code max_bytes}. */
    long reservedStorage();

    /** JetStream API requests of the account answered so far. */
    long apiTotal();

    /** Those of them answered with an error. */
    long apiErrors();

    /** API requests received and not answered yet. */
    long apiInflight();

    /** The account's limits. */
    JetStreamAccountLimits limits();

    /** Consumers over all the account's streams. */
    default int consumerCount() {
        int n = 0;
        for (Stream s : streams()) {
            n += s.consumers().size();
        }
        return n;
    }
}
