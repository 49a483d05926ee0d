package io.natsj.server.jetstream;

import io.natsj.server.store.StorageType;

/**
 * Whether one more message would take an account over its JetStream storage limits: asked by a stream before it
 * stores a message.
 *
 * <p>Threading: safe from any stream's worker.
 */
@FunctionalInterface
public interface AccountUsage {

    /** No limits: nothing is ever refused. */
    AccountUsage UNLIMITED = (type, bytes) -> false;

    /** True when storing {@code bytes} more of {@code type} would exceed the account's limits. */
    boolean wouldExceed(StorageType type, long bytes);
}
