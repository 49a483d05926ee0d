package io.natsj.server.protocol;

import java.util.Objects;

/**
 * A protocol violation found while decoding an op's argument (e.g. malformed CONNECT JSON), carrying the
 * {@link ProtocolError} that says whether nats-server sends {@code -ERR} before closing.
 *
 * <p>Threading: immutable.
 */
public final class ProtocolException extends RuntimeException {

    private final ProtocolError error;

    public ProtocolException(ProtocolError error, String detail, Throwable cause) {
        super(detail, cause);
        this.error = Objects.requireNonNull(error, "error");
    }

    public ProtocolError error() {
        return error;
    }
}
