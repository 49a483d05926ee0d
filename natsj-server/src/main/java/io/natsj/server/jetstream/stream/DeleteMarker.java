package io.natsj.server.jetstream.stream;

import io.natsj.server.json.GoFormats;

import java.time.Duration;

/**
 * Subject delete markers, as nats-server 2.11.17 (and 2.12) writes and recognises them: the empty message that takes
 * the place of a subject's last message when expiry (max age, or the message's own TTL) removes it, on a stream with
 * {@code subject_delete_marker_ttl}. Only expiry places them; purges and deletes do not.
 *
 * <p>Threading: stateless.
 */
final class DeleteMarker {

    static final String REASON = "Nats-Marker-Reason";
    static final String KV_OPERATION = "KV-Operation";

    private DeleteMarker() {
    }

    /**
     * The marker's headers: {@code Nats-Marker-Reason: MaxAge} (also when the message's own TTL removed it, as
     * nats-server writes), {@code Nats-TTL} as a Go duration of whole seconds, and {@code Nats-Rollup: sub}.
     */
    static byte[] headers(long ttlNanos) {
        return new HeaderBlock.Builder()
                .add(REASON, "MaxAge")
                .add(PublishHeaders.TTL, GoFormats.goDuration(Duration.ofSeconds(ttlNanos / 1_000_000_000L)))
                .add(PublishHeaders.ROLLUP, "sub")
                .build();
    }

    /** The marker's own TTL: {@code subject_delete_marker_ttl} in whole seconds. */
    static long ttlNanos(long markerTtlNanos) {
        return markerTtlNanos / 1_000_000_000L * 1_000_000_000L;
    }

    /**
     * Whether a message is itself a marker, whose expiry leaves no marker behind: it has a non-empty
     * {@code Nats-Marker-Reason}, or it is a key-value purge ({@code KV-Operation: PURGE}).
     */
    static boolean isMarker(byte[] headers) {
        String reason = HeaderBlock.get(headers, REASON);
        return reason != null && !reason.isEmpty() || "PURGE".equals(HeaderBlock.get(headers, KV_OPERATION));
    }
}
