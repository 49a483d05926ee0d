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
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * A stream store on disk: append-only block files {@code msgs/<id>.blk} of checksummed records (see
 * {@link RecordCodec} and {@code docs/storage-format.md}), with every live message's entry and file position in a
 * {@link MessageIndex} in memory. Removals append tombstones; erase also zeroes the record in place; blocks that
 * are mostly dead are compacted ({@link Compactor}); opening recovers from the files ({@link Recovery}, using the
 * {@link IndexSnapshot} written on close when it is valid).
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
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Set<Block> touched = new LinkedHashSet<>(); // blocks that lost messages in this write
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
        Block current = blocks.current();
        if (current == null || current.end == 0) {
            if (current == null) {
                current = blocks.roll();
                flusher.newFile();
            }
            appendTo(current, RecordCodec.skip(index.nextSeq(), index.lastTime()));
        }
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
            RecordRef ref = append(rec);
            long size = StreamStore.messageSize(StorageType.FILE, subject, m.headers(), m.data());
            index.add(new MessageIndex.Entry(subject, seq, m.timestamp(), ttlNanos, size, ref));
            ref.block().liveBytes += rec.length;
            ref.block().noteMessage(seq);
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
                append(RecordCodec.skip(index.nextSeq(), index.lastTime()));
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
            RecordRef r = (RecordRef) e.ref;
            byte[] original = readRecord(r);
            removed(e);
            buffer.overwrite(r.block(), r.offset(), RecordCodec.erased(original));
            return true;
        });
    }

    @Override
    public long purge(String filter, long upToSeq, long keep) {
        return mutate(() -> {
            boolean all = filter == null || filter.isEmpty() || filter.equals(">");
            if (all && keep <= 0 && (upToSeq <= 0 || upToSeq > index.lastSeq())) {
                long n = index.purge(filter, upToSeq, keep, e -> { });
                resetBlocks();
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
    public long expire() {
        return mutate(() -> index.expire(clock.epochNanos(), this::removed));
    }

    /** Records the removal of an entry the index just dropped: a tombstone, and the block's accounting. */
    private void removed(MessageIndex.Entry e) {
        RecordRef r = (RecordRef) e.ref;
        r.block().liveBytes -= r.length();
        r.block().markDead(e.seq);
        touched.add(r.block());
        append(RecordCodec.tombstone(e.seq, index.lastSeq(), index.lastTime()));
    }

    /** Appends a record to the current block, rolling to a new block first when it would grow past the size. */
    private RecordRef append(byte[] rec) {
        Block cur = blocks.current();
        if (cur.end > RecordCodec.OVERHEAD && cur.end + rec.length > options.blockSize()) {
            touched.add(cur); // no longer written: it may already be worth compacting (e.g. all tombstones)
            cur = blocks.roll();
            flusher.newFile();
            appendTo(cur, RecordCodec.skip(index.nextSeq(), index.lastTime()));
        }
        return appendTo(cur, rec);
    }

    private RecordRef appendTo(Block b, byte[] rec) {
        long offset = b.end;
        b.end += rec.length;
        b.lastRecordOffset = offset;
        buffer.append(b, offset, rec);
        return new RecordRef(b, offset, rec.length);
    }

    /** Purge-all: a new block with a marker of the sequences, made durable, then every older block deleted. */
    private void resetBlocks() {
        List<Block> old = blocks.list();
        Block fresh = blocks.roll();
        flusher.newFile();
        appendTo(fresh, RecordCodec.skip(index.nextSeq(), index.lastTime()));
        flusher.exclusive(() -> {
            io.delete(msgsDir.resolve(IndexSnapshot.FILE));
            flusher.forceDirty();
            for (Block b : old) {
                flusher.forget(b);
                b.closeHandle();
                io.delete(b.path);
                blocks.remove(b);
            }
            io.syncDirectory(msgsDir);
            return null;
        });
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
                if (!touched.isEmpty()) {
                    compactor.offer(touched, index);
                }
            } finally {
                touched.clear();
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
            r = RecordCodec.decodeChecked(readRecord((RecordRef) e.ref));
        } catch (IllegalStateException ex) {
            throw new StoreException("message " + e.seq + " is damaged on disk");
        }
        if (r.seq() != e.seq || !r.isLiveMessage()) {
            throw new StoreException("message " + e.seq + " is not where the index says");
        }
        return r.toMessage();
    }

    /** The bytes of a record: from the write buffer when not yet written, else from its block file. */
    private byte[] readRecord(RecordRef r) {
        byte[] buffered = buffer.find(r.block(), r.offset(), r.length());
        if (buffered != null) {
            return buffered;
        }
        byte[] out = new byte[r.length()];
        try {
            int n = r.block().handle(io, clock.nanoTime()).read(ByteBuffer.wrap(out), r.offset());
            if (n != out.length) {
                throw new StoreException("message record cut short in " + r.block().path);
            }
        } catch (IOException e) {
            throw new StoreException("cannot read " + r.block().path + ": " + e.getMessage(), e);
        }
        return out;
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
        long now = clock.nanoTime();
        lastHousekeepingNanos = now;
        Block current = blocks.current();
        List<Block> idle = new ArrayList<>();
        for (Block b : blocks.all()) {
            if (b != current && b.isIdle(now, options.idleCloseNanos())) {
                idle.add(b);
            }
        }
        if (!idle.isEmpty()) {
            // under the I/O lock so the flusher is not writing through a handle being closed; a closed block that
            // still needs an fsync is reopened for it (fsync covers the file, whichever handle wrote)
            flusher.exclusive(() -> {
                idle.forEach(b -> b.closeIfIdle(now, options.idleCloseNanos()));
                return null;
            });
        }
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
