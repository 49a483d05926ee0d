package io.natsj.server.jetstream.cluster;

import java.util.List;
import java.util.Objects;

/**
 * What the meta group decided about one stream or consumer: where its replicas live ({@code group}: the Raft group's
 * name, its peers by server name, file or memory) and its configuration, kept as the API's JSON so the meta layer does
 * not depend on the JetStream types. {@code consumer} is null for a stream.
 *
 * <p>Threading: immutable.
 */
public record Assignment(String account, String stream, String consumer, String config, String group,
                         List<String> peers, boolean memory, long createdEpochNanos) {

    public Assignment {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(group, "group");
        peers = List.copyOf(peers);
    }

    /** The key assignments are kept under: account, stream and (for a consumer) consumer. */
    public Key key() {
        return new Key(account, stream, consumer);
    }

    /** Identifies a stream ({@code consumer} null) or a consumer. */
    public record Key(String account, String stream, String consumer) {
    }
}
