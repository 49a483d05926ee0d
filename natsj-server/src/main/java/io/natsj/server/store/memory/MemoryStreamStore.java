package io.natsj.server.store.memory;

import io.natsj.server.store.MessageIndex;
import io.natsj.server.store.StorageType;
import io.natsj.server.store.StoreException;
import io.natsj.server.store.StoreLimits;
import io.natsj.server.store.StoredMessage;
import io.natsj.server.store.StreamState;
import io.natsj.server.store.StreamStore;
import io.natsj.server.store.SubjectState;
import io.natsj.server.util.ServerClock;

import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * A stream store in memory: each {@link MessageIndex} entry holds its {@link StoredMessage}. Nothing survives the
 * process.
 *
 * <p>Threading: safe for any thread; writes take the write lock, reads the read lock.
 */
public final class MemoryStreamStore implements StreamStore {

    private final ServerClock clock;
    private final MessageIndex index = new MessageIndex();
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    public MemoryStreamStore(ServerClock clock, StoreLimits limits) {
        this.clock = clock;
        index.limits(limits);
    }

    @Override
    public StorageType type() {
        return StorageType.MEMORY;
    }

    @Override
    public StoredMessage store(String subject, byte[] headers, byte[] data, long ttlNanos) {
        return write(() -> {
            long seq = index.nextSeq();
            StoredMessage m = new StoredMessage(subject, seq, clock.epochNanos(), headers, data, ttlNanos);
            long size = StreamStore.messageSize(StorageType.MEMORY, subject, m.headers(), m.data());
            index.add(new MessageIndex.Entry(subject, seq, m.timestamp(), ttlNanos, size, m));
            index.enforcePerSubject(subject, e -> { });
            index.enforceLimits(e -> { });
            return m;
        });
    }

    @Override
    public void skipTo(long nextSeq) {
        write(() -> {
            index.skipTo(nextSeq);
            return null;
        });
    }

    @Override
    public StoredMessage load(long seq) {
        return read(() -> message(index.get(seq)));
    }

    @Override
    public StoredMessage loadNext(String filter, long fromSeq) {
        return read(() -> message(index.next(filter, fromSeq)));
    }

    @Override
    public StoredMessage loadLast(String filter) {
        return read(() -> message(index.previous(filter, Long.MAX_VALUE)));
    }

    @Override
    public StoredMessage loadPrevious(String filter, long upToSeq) {
        return read(() -> message(index.previous(filter, upToSeq)));
    }

    private static StoredMessage message(MessageIndex.Entry e) {
        return e == null ? null : (StoredMessage) e.ref;
    }

    @Override
    public boolean remove(long seq) {
        return write(() -> index.remove(seq) != null);
    }

    @Override
    public boolean erase(long seq) {
        return remove(seq);
    }

    @Override
    public long purge(String filter, long upToSeq, long keep) {
        return write(() -> index.purge(filter, upToSeq, keep, e -> { }));
    }

    @Override
    public SubjectState filteredState(long fromSeq, String filter) {
        return read(() -> index.filteredState(fromSeq, filter));
    }

    @Override
    public Map<String, Long> subjectTotals(String filter) {
        return read(() -> index.subjectTotals(filter));
    }

    @Override
    public long sequenceAtOrAfter(long epochNanos) {
        return read(() -> index.sequenceAtOrAfter(epochNanos));
    }

    @Override
    public StreamState state() {
        return read(() -> index.state(0, 0));
    }

    @Override
    public List<Long> deleted() {
        return read(index::deleted);
    }

    @Override
    public void updateLimits(StoreLimits limits) {
        write(() -> {
            index.limits(limits);
            index.enforceLimits(e -> { });
            return null;
        });
    }

    @Override
    public long expire(java.util.function.Consumer<StoredMessage> lastOfSubject) {
        return write(() -> index.expire(clock.epochNanos(), e -> { },
                lastOfSubject == null ? null : e -> lastOfSubject.accept(message(e))));
    }

    @Override
    public void sync() {
        // nothing to make durable
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            closed = true;
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public void delete() {
        lock.writeLock().lock();
        try {
            index.purgeAll(e -> { });
            closed = true;
        } finally {
            lock.writeLock().unlock();
        }
    }

    private <T> T write(Supplier<T> action) {
        lock.writeLock().lock();
        try {
            checkOpen();
            return action.get();
        } finally {
            lock.writeLock().unlock();
        }
    }

    private <T> T read(Supplier<T> action) {
        lock.readLock().lock();
        try {
            checkOpen();
            return action.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new StoreException("store is closed");
        }
    }
}
