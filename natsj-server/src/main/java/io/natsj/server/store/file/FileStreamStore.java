package io.natsj.server.store.file;

import io.natsj.server.store.MessageIndex;
import io.natsj.server.store.StorageType;
import io.natsj.server.store.StoreException;
import io.natsj.server.store.StoreLimits;
import io.natsj.server.store.StoredMessage;
import io.natsj.server.store.StreamState;
import io.natsj.server.store.StreamStore;
import io.natsj.server.store.SubjectState;
import io.natsj.server.store.io.DiskFileIO;
import io.natsj.server.store.io.FileIO;
import io.natsj.server.util.ServerClock;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * A stream store on disk: append-only block files {@code msgs/<id>.blk} of checksummed records (see
 * {@link RecordCodec} and {@code docs/storage-format.md}), with every live message's entry and file position in a
 * {@link MessageIndex} in memory. Removals append tombstones; erase also zeroes the record in place; blocks that
 * are mostly dead are compacted ({@link Compactor}); opening recovers from the files ({@link Recovery}, using the
 * {@link IndexSnapshot} written on close when it is valid). {@link BlockLog} appends and reads the records.
 *
 * <p>Writes encode the record and append it to the {@link WriteBuffer} under the write lock and return; the
 * {@link Flusher} thread writes the buffer to the files. With {@code syncAlways} a write then waits, without the
 * lock, until the flusher's next fsync covers it, so concurrent writers share fsyncs. Reads of records still in the
 * buffer are served from it.
 *
 * <p>Threading: safe for any thread, shaped like {@code MemoryStreamStore}: writes take the write lock, reads the
 * read lock (file reads are positional, so readers run in parallel).
 */
public final class FileStreamStore implements StreamStore {

    static final String MSGS_DIR = "msgs";
    /** Without syncAlways, a writer waits for the flusher once this many bytes are waiting to be written. */
    static final long MAX_BUFFERED_BYTES = 32L << 20;

    private final FileIO io;
    private final Path msgsDir;
    private final FileStoreOptions options;
    private final ServerClock clock;
    private final MessageIndex index;
    private final BlockSet blocks;
    private final WriteBuffer buffer = new WriteBuffer();
    private final Flusher flusher;
    private final Compactor compactor;
    private final BlockLog log;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final long lostMsgs;
    private final long lostBytes;
    private boolean closed;
    private volatile long lastHousekeepingNanos;

    /** Opens (or creates) the store in {@code dir} on the real disk. */
    public FileStreamStore(Path dir, FileStoreOptions options, ServerClock clock, StoreLimits limits) {
        this(DiskFileIO.INSTANCE, dir, options, clock, limits);
    }

    /** Opens (or creates) the store in {@code dir}, recovering what its files hold. */
    public FileStreamStore(FileIO io, Path dir, FileStoreOptions options, ServerClock clock, StoreLimits limits) {
        this.io = io;
        this.msgsDir = dir.resolve(MSGS_DIR);
        this.options = options;
        this.clock = clock;
        Recovery recovery = new Recovery(io, msgsDir);
        try {
            io.createDirectories(msgsDir);
            recovery.run();
        } catch (IOException e) {
            throw new StoreException("cannot open the file store in " + dir + ": " + e.getMessage(), e);
        }
        this.index = recovery.index;
        this.blocks = recovery.blocks;
        this.lostMsgs = recovery.lostMsgs;
        this.lostBytes = recovery.lostBytes;
        this.flusher = new Flusher(io, msgsDir, options, clock, buffer, this::housekeeping,
                dir.getFileName() == null ? "store" : dir.getFileName().toString());
        this.compactor = new Compactor(io, msgsDir, blocks, flusher);
        this.log = new BlockLog(io, msgsDir, options, clock, blocks, buffer, flusher);
        log.start(index);
        flusher.start();
        index.limits(limits);
        mutate(() -> {
            index.enforceLimits(this::removed);
            return null;
        });
    }

    @Override
    public StorageType type() {
        return StorageType.FILE;
    }

    // ---- writing -------------------------------------------------------------------------------------------------

    @Override
    public StoredMessage store(String subject, byte[] headers, byte[] data, long ttlNanos) {
        return mutate(() -> {
            long seq = index.nextSeq();
            StoredMessage m = new StoredMessage(subject, seq, clock.epochNanos(), headers, data, ttlNanos);
            byte[] rec = RecordCodec.encode(0, seq, m.timestamp(), ttlNanos, subject, m.headers(), m.data());
            RecordRef ref = log.appendMessage(seq, rec, index);
            long size = StreamStore.messageSize(StorageType.FILE, subject, m.headers(), m.data());
            index.add(new MessageIndex.Entry(subject, seq, m.timestamp(), ttlNanos, size, ref));
            index.enforcePerSubject(subject, this::removed);
            index.enforceLimits(this::removed);
            return m;
        });
    }

    @Override
    public void skipTo(long nextSeq) {
        mutate(() -> {
            if (nextSeq > index.nextSeq()) {
                index.skipTo(nextSeq);
                log.appendSkip(index);
            }
            return null;
        });
    }

    @Override
    public boolean remove(long seq) {
        return mutate(() -> {
            MessageIndex.Entry e = index.remove(seq);
            if (e != null) {
                removed(e);
            }
            return e != null;
        });
    }

    @Override
    public boolean erase(long seq) {
        return mutate(() -> {
            MessageIndex.Entry e = index.remove(seq);
            if (e == null) {
                return false;
            }
            removed(e);
            log.erase((RecordRef) e.ref);
            return true;
        });
    }

    @Override
    public long purge(String filter, long upToSeq, long keep) {
        return mutate(() -> {
            boolean all = filter == null || filter.isEmpty() || filter.equals(">");
            if (all && keep <= 0 && (upToSeq <= 0 || upToSeq > index.lastSeq())) {
                long n = index.purge(filter, upToSeq, keep, e -> { });
                log.reset(index);
                return n;
            }
            return index.purge(filter, upToSeq, keep, this::removed);
        });
    }

    @Override
    public void updateLimits(StoreLimits limits) {
        mutate(() -> {
            index.limits(limits);
            index.enforceLimits(this::removed);
            return null;
        });
    }

    @Override
    public long expire(java.util.function.Consumer<StoredMessage> lastOfSubject) {
        return mutate(() -> index.expire(clock.epochNanos(), this::removed,
                lastOfSubject == null ? null : e -> reportLast(e, lastOfSubject)));
    }

    private void reportLast(MessageIndex.Entry e, java.util.function.Consumer<StoredMessage> lastOfSubject) {
        StoredMessage m;
        try {
            m = message(e);
        } catch (StoreException damaged) {
            return; // unreadable: it goes without a report, and the expiry goes on
        }
        lastOfSubject.accept(m);
    }

    private void removed(MessageIndex.Entry e) {
        log.removed(e, index);
    }

    /**
     * Runs a write under the write lock, queues what it touched for compaction, then waits for durability if
     * configured.
     */
    private <T> T mutate(Supplier<T> action) {
        T result;
        long ticket;
        lock.writeLock().lock();
        try {
            checkOpen();
            flusher.checkHealthy();
            try {
                result = action.get();
                compactor.offer(log.touched(), index);
            } finally {
                log.clearTouched();
            }
            ticket = buffer.lastTicket();
        } finally {
            lock.writeLock().unlock();
        }
        flusher.signal();
        if (options.syncAlways()) {
            flusher.awaitDurable(ticket);
        } else if (buffer.pendingBytes() > MAX_BUFFERED_BYTES) {
            flusher.awaitWritten(ticket); // back-pressure: the disk is slower than the writers
        }
        return result;
    }

    // ---- reading -------------------------------------------------------------------------------------------------

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

    private StoredMessage message(MessageIndex.Entry e) {
        if (e == null) {
            return null;
        }
        BlockRecord r;
        try {
            r = RecordCodec.decodeChecked(log.read((RecordRef) e.ref));
        } catch (IllegalStateException ex) {
            throw new StoreException("message " + e.seq + " is damaged on disk");
        }
        if (r.seq() != e.seq || !r.isLiveMessage()) {
            throw new StoreException("message " + e.seq + " is not where the index says");
        }
        return r.toMessage();
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
        return read(() -> index.state(lostMsgs, lostBytes));
    }

    @Override
    public List<Long> deleted() {
        return read(index::deleted);
    }

    // ---- files ---------------------------------------------------------------------------------------------------

    /** Also runs the compactions waiting for the flusher thread, then writes and fsyncs everything. */
    @Override
    public void sync() {
        lock.writeLock().lock();
        try {
            checkOpen();
            compactor.runQueued(index);
        } finally {
            lock.writeLock().unlock();
        }
        flusher.flush(true);
    }

    /** Writes {@code msgs/index.db} so the next open need not scan the blocks (done on close; callable any time). */
    public void writeIndexSnapshot() {
        lock.writeLock().lock();
        try {
            checkOpen();
            snapshotLocked();
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void snapshotLocked() {
        flusher.exclusive(() -> {
            flusher.forceDirty();
            IndexSnapshot.write(io, msgsDir, index, blocks, lostMsgs, lostBytes);
            return null;
        });
    }

    /** Closes the handles of blocks not used for the idle time (the current block's stays open). */
    public void closeIdleFiles() {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closeIdleLocked();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void closeIdleLocked() {
        lastHousekeepingNanos = clock.nanoTime();
        log.closeIdle();
    }

    /** How many block files are open (for tests and monitoring). */
    public int openFiles() {
        lock.readLock().lock();
        try {
            return blocks.openHandles();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** How many block files the store has. */
    public int blockCount() {
        lock.readLock().lock();
        try {
            return blocks.all().size();
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Run by the flusher thread between batches: the queued compactions, and every second or so closing idle files
     * (only when the store's lock is free).
     */
    private void housekeeping() {
        if (compactor.hasQueued() && lockForHousekeeping()) {
            try {
                if (!closed) {
                    compactor.runQueued(index);
                }
            } catch (StoreException e) {
                // a failed compaction leaves the block as it was (a *.tmp left behind is deleted on open)
            } finally {
                lock.writeLock().unlock();
            }
        }
        long now = clock.nanoTime();
        if (now - lastHousekeepingNanos < Math.min(options.idleCloseNanos(), 1_000_000_000L)) {
            return;
        }
        if (lock.writeLock().tryLock()) {
            try {
                if (!closed) {
                    closeIdleLocked();
                }
            } catch (StoreException e) {
                // the flusher reports write failures to the writers
            } finally {
                lock.writeLock().unlock();
            }
        }
    }

    /** The write lock within a few milliseconds, or false (close() holds it while it waits for the flusher). */
    private boolean lockForHousekeeping() {
        try {
            return lock.writeLock().tryLock(5, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            StoreException failure = null;
            try {
                compactor.runQueued(index);
            } catch (StoreException e) {
                failure = e;
            }
            try {
                flusher.stop();
                if (failure == null) {
                    snapshotLocked();
                }
            } catch (StoreException e) {
                failure = e;
            } finally {
                blocks.closeAll();
            }
            if (failure != null) {
                throw failure;
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public void delete() {
        lock.writeLock().lock();
        try {
            closed = true;
            flusher.stopNow();
            blocks.closeAll();
            for (Path f : io.list(msgsDir)) {
                io.delete(f);
            }
            io.delete(msgsDir);
        } catch (IOException e) {
            throw new StoreException("cannot delete " + msgsDir + ": " + e.getMessage(), e);
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
