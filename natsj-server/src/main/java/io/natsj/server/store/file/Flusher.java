package io.natsj.server.store.file;

import io.natsj.server.store.StoreException;
import io.natsj.server.store.io.FileIO;
import io.natsj.server.util.ServerClock;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Writes the {@link WriteBuffer} to the block files on a thread of its own, and fsyncs: after every batch when
 * {@code syncAlways} is set (group commit: every record that arrived while the previous fsync ran shares the next
 * one), else every {@code syncIntervalNanos} of the store's clock. Between batches it runs the store's housekeeping
 * (closing idle files).
 *
 * <p>All file writes, truncations, renames and deletes of a store go through {@link #exclusive}, under one I/O lock,
 * so the flusher thread never writes a file that compaction is replacing.
 *
 * <p>Threading: {@link #awaitDurable} blocks the calling thread until its ticket is fsynced; the other methods are
 * safe from any thread. Lock order: the store's lock, then the I/O lock, then the buffer's monitor.
 */
final class Flusher {

    /** Work done under the I/O lock. */
    interface IoAction<T> {
        T run() throws IOException;
    }

    private static final long IDLE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final FileIO io;
    private final Path dir;
    private final FileStoreOptions options;
    private final ServerClock clock;
    private final WriteBuffer buffer;
    private final Runnable housekeeping;
    private final ReentrantLock ioLock = new ReentrantLock();
    private final ReentrantLock stateLock = new ReentrantLock();
    private final Condition work = stateLock.newCondition();
    private final Condition progress = stateLock.newCondition();
    private final Set<Block> dirty = new LinkedHashSet<>(); // written, not yet fsynced; guarded by ioLock
    private final Thread thread;
    private boolean dirEntriesDirty;                          // guarded by ioLock
    private long lastSyncNanos;                               // guarded by ioLock
    private volatile long writtenTicket;
    private volatile long durableTicket;
    private volatile IOException failure;
    private volatile boolean stopping;
    private volatile boolean idle;                            // waiting for work with an empty buffer

    Flusher(FileIO io, Path dir, FileStoreOptions options, ServerClock clock, WriteBuffer buffer,
            Runnable housekeeping, String name) {
        this.io = io;
        this.dir = dir;
        this.options = options;
        this.clock = clock;
        this.buffer = buffer;
        this.housekeeping = housekeeping;
        this.lastSyncNanos = clock.nanoTime();
        this.thread = Thread.ofVirtual().name("natsj-flusher-" + name).unstarted(this::loop);
    }

    void start() {
        thread.start();
    }

    /**
     * Wakes the flusher: the buffer has something. Without {@code syncAlways} only an idle flusher is woken; one
     * already gathering records for its next write is left to its short delay, so a stream of small writes costs
     * one wake-up per write batch, not one per record.
     */
    void signal() {
        if (!options.syncAlways() && !idle) {
            return;
        }
        stateLock.lock();
        try {
            work.signal();
        } finally {
            stateLock.unlock();
        }
    }

    /** Throws when a write failed earlier: the store must not accept more. */
    void checkHealthy() {
        IOException f = failure;
        if (f != null) {
            throw new StoreException("store failed to write: " + f.getMessage(), f);
        }
    }

    /** Blocks until the record with {@code ticket} is fsynced. */
    void awaitDurable(long ticket) {
        stateLock.lock();
        try {
            while (durableTicket < ticket && failure == null && !stopping) {
                work.signal();
                progress.awaitUninterruptibly();
            }
        } finally {
            stateLock.unlock();
        }
        checkHealthy();
        if (durableTicket < ticket) {
            flush(true); // stopping: make it durable ourselves
        }
    }

    /** Blocks until the record with {@code ticket} is written to its file (not necessarily fsynced). */
    void awaitWritten(long ticket) {
        stateLock.lock();
        try {
            while (writtenTicket < ticket && failure == null && !stopping) {
                work.signal();
                progress.awaitUninterruptibly();
            }
        } finally {
            stateLock.unlock();
        }
        checkHealthy();
    }

    /** Notes that a new file was created, so the directory is fsynced with the next data fsync. */
    void newFile() {
        ioLock.lock();
        try {
            dirEntriesDirty = true;
        } finally {
            ioLock.unlock();
        }
    }

    /** Writes everything buffered, and fsyncs it when {@code force}; on the calling thread. */
    void flush(boolean force) {
        exclusive(() -> {
            if (force) {
                forceDirty();
            }
            return null;
        });
    }

    /**
     * Runs {@code action} under the I/O lock after writing everything buffered, so the files hold every record.
     *
     * @throws StoreException when writing or the action fails (a failed write also fails the store)
     */
    <T> T exclusive(IoAction<T> action) {
        ioLock.lock();
        try {
            writePending();
            return action.run();
        } catch (IOException e) {
            throw new StoreException("file store I/O failed: " + e.getMessage(), e);
        } finally {
            ioLock.unlock();
        }
    }

    /** Drops a block about to be deleted from the set to fsync (call under {@link #exclusive}). */
    void forget(Block b) {
        dirty.remove(b);
    }

    /** Fsyncs the blocks written since the last fsync (call under {@link #exclusive}). */
    void forceDirty() throws IOException {
        try {
            for (Block b : dirty) {
                b.handle(io, clock.nanoTime()).force();
            }
            if (dirEntriesDirty) {
                io.syncDirectory(dir);
                dirEntriesDirty = false;
            }
        } catch (IOException e) {
            fail(e);
            throw e;
        }
        dirty.clear();
        lastSyncNanos = clock.nanoTime();
        publish(writtenTicket, true);
    }

    private void writePending() throws IOException {
        checkHealthyIo();
        WriteBuffer.Batch batch = buffer.drain();
        if (batch.pieces().isEmpty()) {
            return;
        }
        try {
            long now = clock.nanoTime();
            for (WriteBuffer.Piece p : batch.pieces()) {
                p.block.handle(io, now).write(ByteBuffer.wrap(p.bytes, 0, p.length), p.offset);
                dirty.add(p.block);
            }
        } catch (IOException e) {
            fail(e);
            throw e;
        } finally {
            buffer.written();
        }
        publish(batch.lastTicket(), false);
    }

    private void checkHealthyIo() throws IOException {
        IOException f = failure;
        if (f != null) {
            throw new IOException("an earlier write failed: " + f.getMessage(), f);
        }
    }

    private void publish(long ticket, boolean durable) {
        stateLock.lock();
        try {
            if (ticket > writtenTicket) {
                writtenTicket = ticket;
            }
            if (durable && ticket > durableTicket) {
                durableTicket = ticket;
            }
            progress.signalAll();
        } finally {
            stateLock.unlock();
        }
    }

    private void fail(IOException e) {
        stateLock.lock();
        try {
            if (failure == null) {
                failure = e;
            }
            buffer.discard();
            progress.signalAll();
        } finally {
            stateLock.unlock();
        }
    }

    private void loop() {
        while (!stopping) {
            awaitWork();
            if (stopping) {
                break;
            }
            if (failure == null) {
                try {
                    ioLock.lock();
                    try {
                        writePending();
                        if (options.syncAlways() && !dirty.isEmpty()
                                || clock.nanoTime() - lastSyncNanos >= options.syncIntervalNanos()) {
                            forceDirty();
                        }
                    } finally {
                        ioLock.unlock();
                    }
                } catch (IOException e) {
                    // recorded by fail(); waiters see it
                } catch (RuntimeException e) {
                    fail(new IOException(e));
                }
            }
            housekeeping.run();
        }
    }

    private void awaitWork() {
        stateLock.lock();
        try {
            boolean unsynced = options.syncAlways() && durableTicket < writtenTicket;
            if (buffer.isEmpty() && !unsynced) {
                idle = true;
                try {
                    if (buffer.isEmpty()) {
                        work.awaitNanos(IDLE_POLL_NANOS);
                    }
                } finally {
                    idle = false;
                }
            }
            if (!options.syncAlways() && options.flushDelayNanos() > 0 && !buffer.isEmpty() && !stopping) {
                work.awaitNanos(options.flushDelayNanos()); // gather more records into one write
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
        } finally {
            stateLock.unlock();
        }
    }

    /** Stops the thread, then writes and fsyncs what is left on the calling thread. */
    void stop() {
        halt();
        if (failure == null) {
            flush(true);
        }
        checkHealthy();
    }

    /** Stops the thread and drops what was not written. */
    void stopNow() {
        buffer.discard();
        halt();
    }

    private void halt() {
        stateLock.lock();
        try {
            stopping = true;
            work.signalAll();
            progress.signalAll();
        } finally {
            stateLock.unlock();
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
