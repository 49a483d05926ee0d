package io.natsj.server.transport;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A connection's outbound queue: bytes appended by any thread (publishers delivering messages, the connection's own
 * reader sending PONG or -ERR) and written to the socket by the connection's single writer thread.
 *
 * <p>Two buffers alternate: producers fill one while the writer writes the other, so a slow socket never blocks a
 * producer (it only grows the pending count, up to {@code maxPending}, beyond which the owner closes the connection
 * as a slow consumer). Producers do not wake the writer per message: {@link #flush()} is called once per read batch
 * (nats-server's coalesced flush).
 *
 * <pre>
 *   producers --append (under lock)--> [ filling buffer ] --swap--> [ writing buffer ] --writer thread--> socket
 * </pre>
 *
 * <p>Threading: {@link #lock()}/{@link #unlock()} guard {@link #reserve}/{@link #advance}/{@link #pending}; any thread
 * may append; exactly one thread runs {@link #writeLoop}. {@link #writeStartedNanos()} is readable without the lock,
 * for the write-deadline watchdog.
 */
public final class Outbound {

    private static final int INITIAL_SIZE = 4 * 1024;
    private static final int SHRINK_ABOVE = 1024 * 1024;
    private static final long AWAIT_STEP_NANOS = 200_000;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition dataReady = lock.newCondition();
    private byte[] filling = new byte[INITIAL_SIZE];
    private int fillLen;
    private byte[] spare;
    private int inFlight;
    private boolean writerWaiting;
    private boolean writing;
    private boolean closing;
    private boolean discard;
    private OutputStream sink;
    private NanoSource clock;
    private IOException inlineFailure;
    private volatile long writeStartedNanos;

    public void lock() {
        lock.lock();
    }

    public void unlock() {
        lock.unlock();
    }

    /** Bytes queued and not yet written (filling plus in-flight); caller holds the lock. */
    public long pending() {
        return (long) fillLen + inFlight;
    }

    /** As {@link #pending()}, taking the lock: for callers outside it (monitoring, back-pressure checks). */
    public long pendingNow() {
        lock.lock();
        try {
            return pending();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Back-pressure for a producer, taken outside the lock: when more than {@code limit} bytes are queued, wakes the
     * writer and waits, in short parks, until the queue is at or below {@code limit}, {@code stopped} says so, or
     * {@code maxNanos} have passed. The first look reads the pending bytes without the lock (a recent value, enough
     * to decide whether to look closer), so the common case costs no lock. Returns whether it had to wait.
     */
    public boolean awaitBelow(long limit, long maxNanos, NanoSource clock, BooleanSupplier stopped) {
        if ((long) fillLen + inFlight <= limit || pendingNow() <= limit) {
            return false;
        }
        long deadline = clock.nanoTime() + maxNanos;
        while (!stopped.getAsBoolean() && pendingNow() > limit && clock.nanoTime() < deadline) {
            flush();
            LockSupport.parkNanos(AWAIT_STEP_NANOS);
        }
        return true;
    }

    /** True once {@link #close} was called; caller holds the lock. */
    public boolean isClosing() {
        return closing;
    }

    /**
     * Makes room for {@code n} more bytes and returns the array to write them into, starting at {@link #position()};
     * caller holds the lock and calls {@link #advance(int)} after writing.
     */
    public byte[] reserve(int n) {
        int need = fillLen + n;
        if (need > filling.length) {
            int size = Math.max(filling.length * 2, Integer.highestOneBit(need - 1) << 1);
            byte[] bigger = new byte[size];
            System.arraycopy(filling, 0, bigger, 0, fillLen);
            filling = bigger;
        }
        return filling;
    }

    /** Write position in the array returned by {@link #reserve}; caller holds the lock. */
    public int position() {
        return fillLen;
    }

    /** Commits {@code n} bytes written at {@link #position()}; caller holds the lock. */
    public void advance(int n) {
        fillLen += n;
    }

    /** Appends bytes; takes the lock itself. Returns false when closing. */
    public boolean append(byte[] src, int off, int len) {
        lock.lock();
        try {
            if (closing) {
                return false;
            }
            byte[] dst = reserve(len);
            System.arraycopy(src, off, dst, fillLen, len);
            fillLen += len;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Wakes the writer if it waits and there is something to write. Safe from any thread; never blocks on I/O. */
    public void flush() {
        lock.lock();
        try {
            if (writerWaiting && fillLen > 0) {
                dataReady.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Like {@link #flush()}, but when no write is in progress and at most {@code inlineMax} bytes are queued, writes them
     * on the calling thread instead of waking the writer: one thread hand-off less per message on a quiet connection,
     * which is most of a request-reply round trip (nats-server flushes inline from the read loop the same way). A
     * small write fits the socket's send buffer, so it does not wait on the peer; a stuck peer is bounded by the
     * write-deadline watchdog.
     */
    public void flushInline(int inlineMax) {
        byte[] toWrite;
        int n;
        OutputStream target;
        lock.lock();
        try {
            if (fillLen == 0) {
                return;
            }
            if (writing || closing || sink == null || fillLen > inlineMax) {
                if (writerWaiting) {
                    dataReady.signal();
                }
                return;
            }
            toWrite = takeFilling();
            n = inFlight;
            target = sink;
        } finally {
            lock.unlock();
        }
        try {
            write(target, toWrite, n);
        } catch (IOException e) {
            lock.lock();
            try {
                inlineFailure = e;
                closing = true;
                dataReady.signal();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Swaps the filling buffer out for writing; caller holds the lock. */
    private byte[] takeFilling() {
        byte[] toWrite = filling;
        inFlight = fillLen;
        filling = spare != null ? spare : new byte[INITIAL_SIZE];
        spare = null;
        fillLen = 0;
        writing = true;
        return toWrite;
    }

    /** Writes outside the lock, then returns the buffer for reuse and wakes the writer if more came meanwhile. */
    private void write(OutputStream target, byte[] toWrite, int n) throws IOException {
        writeStartedNanos = clock.nanoTime() | 1;
        try {
            target.write(toWrite, 0, n);
        } finally {
            writeStartedNanos = 0;
            lock.lock();
            try {
                writing = false;
                inFlight = 0;
                if (toWrite.length <= SHRINK_ABOVE || n > toWrite.length / 4) {
                    spare = toWrite;
                }
                if (writerWaiting && (fillLen > 0 || closing)) {
                    dataReady.signal();
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Stops accepting bytes. With {@code flushPending} the writer first writes what is queued (e.g. a final -ERR);
     * otherwise queued bytes are dropped. The writer loop then returns.
     */
    public void close(boolean flushPending) {
        lock.lock();
        try {
            closing = true;
            if (!flushPending) {
                discard = true;
                fillLen = 0;
            }
            dataReady.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Nanotime at which the current socket write started, or 0 when the writer is not writing. */
    public long writeStartedNanos() {
        return writeStartedNanos;
    }

    /**
     * The writer thread's loop: waits for bytes, writes them, until closed and drained. Returns normally when closed;
     * throws when the socket fails.
     *
     * @param idlePoll how long to wait between checks when idle (bounds the reaction to a missed signal)
     */
    public void writeLoop(OutputStream out, long idlePoll, TimeUnit unit, NanoSource clock) throws IOException,
            InterruptedException {
        lock.lock();
        try {
            this.clock = clock;
            this.sink = out;
        } finally {
            lock.unlock();
        }
        while (true) {
            byte[] toWrite;
            int n;
            lock.lock();
            try {
                while ((fillLen == 0 || writing) && !(closing && !writing)) {
                    writerWaiting = true;
                    dataReady.await(idlePoll, unit);
                    writerWaiting = false;
                }
                if (inlineFailure != null) {
                    throw inlineFailure;
                }
                if (fillLen == 0 || discard) {
                    return;
                }
                toWrite = takeFilling();
                n = inFlight;
            } finally {
                lock.unlock();
            }
            write(out, toWrite, n);
        }
    }

    /** Monotonic time source for the writer (a method reference to the server clock). */
    @FunctionalInterface
    public interface NanoSource {
        long nanoTime();
    }
}
