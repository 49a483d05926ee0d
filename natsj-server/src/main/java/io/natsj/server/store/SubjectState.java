package io.natsj.server.store;

/**
 * How many messages match a filter and where they lie: nats-server's {@code SimpleState}.
 *
 * @param msgs  number of messages
 * @param first sequence of the first, 0 when none
 * @param last  sequence of the last, 0 when none
 */
public record SubjectState(long msgs, long first, long last) {

    public static final SubjectState EMPTY = new SubjectState(0, 0, 0);
}
