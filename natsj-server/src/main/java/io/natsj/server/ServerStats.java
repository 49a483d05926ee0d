package io.natsj.server;

import java.util.concurrent.atomic.LongAdder;

/**
 * Server-wide counters shown by {@code /varz}: messages and bytes in and out, connections, slow consumers, stale
 * connections. Updated by connection threads once per read batch (not per message) where possible.
 *
 * <p>Threading: every method is safe from any thread.
 */
public final class ServerStats {

    private final LongAdder inMsgs = new LongAdder();
    private final LongAdder inBytes = new LongAdder();
    private final LongAdder outMsgs = new LongAdder();
    private final LongAdder outBytes = new LongAdder();
    private final LongAdder totalConnections = new LongAdder();
    private final LongAdder slowConsumers = new LongAdder();
    private final LongAdder staleConnections = new LongAdder();

    public void addIn(long msgs, long bytes) {
        inMsgs.add(msgs);
        inBytes.add(bytes);
    }

    public void addOut(long msgs, long bytes) {
        outMsgs.add(msgs);
        outBytes.add(bytes);
    }

    public void connectionAccepted() {
        totalConnections.increment();
    }

    public void slowConsumer() {
        slowConsumers.increment();
    }

    public void staleConnection() {
        staleConnections.increment();
    }

    public long inMsgs() { return inMsgs.sum(); }
    public long inBytes() { return inBytes.sum(); }
    public long outMsgs() { return outMsgs.sum(); }
    public long outBytes() { return outBytes.sum(); }
    public long totalConnections() { return totalConnections.sum(); }
    public long slowConsumers() { return slowConsumers.sum(); }
    public long staleConnections() { return staleConnections.sum(); }
}
