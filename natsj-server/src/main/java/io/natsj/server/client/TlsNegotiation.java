package io.natsj.server.client;

import io.natsj.server.TlsOptions;
import io.natsj.server.tls.ClientCertResumption;
import io.natsj.server.tls.ServerTls;
import io.natsj.server.tls.TlsState;
import io.natsj.server.util.ServerClock;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The start of a connection on a server with TLS, in nats-server's order: INFO in plain text, then the client's
 * TLS handshake; or with {@code handshake_first} the handshake before INFO (with a fallback delay: INFO first after
 * all when the client sends nothing within it); with {@code allow_non_tls} the first bytes decide (a TLS record
 * starts with 0x16). The handshake, including the wait for its first byte, must finish within the TLS timeout.
 *
 * <pre>
 *   plain INFO ──► [first byte 0x16?] ──yes──► TLS handshake (≤ timeout) ──► protocol over TLS
 *                         └──no: allow_non_tls ──► protocol in plain text; otherwise a handshake error, closed
 * </pre>
 *
 * <p>Threading: {@link #run} runs on the connection's reader thread, before its writer exists; the timeout fires
 * on the server's timer thread and only closes the socket.
 */
final class TlsNegotiation {

    /** How the connection goes on: over {@code socket}, with {@code pending} plain bytes already read. */
    record Result(Socket socket, TlsState tls, byte[] pending, boolean infoStillToSend) {
    }

    /** Sends the plain-text INFO on the raw socket. */
    @FunctionalInterface
    interface PlainInfo {
        void send() throws IOException;
    }

    /** The handshake failed or timed out; the message is nats-server's log text after "TLS handshake error: ". */
    static final class Failure extends Exception {
        private final boolean timeout;

        Failure(String message, boolean timeout, Throwable cause) {
            super(message, cause, false, false);
            this.timeout = timeout;
        }

        boolean timeout() {
            return timeout;
        }
    }

    private static final byte[] NONE = new byte[0];
    private static final byte TLS_HANDSHAKE_RECORD = 0x16;
    private static final int RUNNING = 0;
    private static final int DONE = 1;
    private static final int TIMED_OUT = 2;

    private final ServerTls tls;
    private final boolean allowNonTls;
    private final Socket raw;
    private final ScheduledExecutorService timers;
    private final ServerClock clock;
    private final AtomicInteger handshake = new AtomicInteger(RUNNING);
    /** How much Go's TLS server reads at once when it looks for the first record (its buffer's minimum read). */
    private static final int GO_FIRST_READ = 512;
    /** Whether the last {@link #readUpTo} ended because its time was up (rather than at end of stream). */
    private boolean lastReadTimedOut;

    TlsNegotiation(ServerTls tls, boolean allowNonTls, Socket raw, ScheduledExecutorService timers,
                   ServerClock clock) {
        this.tls = tls;
        this.allowNonTls = allowNonTls;
        this.raw = raw;
        this.timers = timers;
        this.clock = clock;
    }

    Result run(PlainInfo info) throws IOException, Failure {
        TlsOptions o = tls.options();
        boolean tlsFirst = o.handshakeFirst();
        boolean tlsRequired = !allowNonTls || tlsFirst;
        byte[] pre = NONE;
        if (!tlsFirst) {
            info.send();
        } else if (o.handshakeFirstFallback().isPositive()) {
            pre = readUpTo(4, o.handshakeFirstFallback());
            if (pre.length == 0) {
                info.send(); // the client waits for INFO: it is not a "TLS first" client
                tlsFirst = false;
                tlsRequired = !allowNonTls;
            }
        }
        if (!tlsFirst && allowNonTls) {
            pre = readUpTo(4, o.timeout());
            tlsRequired = pre.length > 0 && pre[0] == TLS_HANDSHAKE_RECORD;
        }
        if (!tlsRequired) {
            return new Result(raw, null, pre, false);
        }
        return handshake(pre, tlsFirst);
    }

    private Result handshake(byte[] pre, boolean tlsFirst) throws Failure {
        Duration timeout = tls.options().timeout();
        ScheduledFuture<?> timer = timers.schedule(this::timeout, timeout.toNanos(), TimeUnit.NANOSECONDS);
        try {
            byte[] first = pre.length > 0 ? pre : readUpTo(1, timeout);
            if (first.length == 0) {
                throw lastReadTimedOut ? timedOut(null) : failure("EOF", null);
            }
            if (first[0] != TLS_HANDSHAKE_RECORD) {
                takeWhatGoWouldHaveRead(first.length);
                throw failure("tls: first record does not look like a TLS handshake", null);
            }
            raw.setSoTimeout((int) Math.max(1, timeout.toMillis()));
            SSLSocket ssl = tls.wrap(raw, first);
            ssl.startHandshake();
            if (!handshake.compareAndSet(RUNNING, DONE)) {
                throw failure("timeout", null);
            }
            if (ClientCertResumption.expired(ssl.getSession(), clock.now())) {
                // only a resumed session gets here (a full handshake refuses an expired certificate); Go's
                // server would not have resumed it
                throw new Failure("tls: client certificate expired at "
                        + ClientCertResumption.clientCertificate(ssl.getSession()).getNotAfter().toInstant(),
                        false, null);
            }
            ssl.setSoTimeout(0);
            return new Result(ssl, TlsState.of(ssl.getSession(), tlsFirst), NONE, tlsFirst);
        } catch (IOException e) {
            if (isTimeout(e)) {
                throw timedOut(e);
            }
            throw failure(e.getMessage() == null ? e.toString() : e.getMessage(), e);
        } finally {
            timer.cancel(false);
        }
    }

    private static boolean isTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** The TLS timeout passed (the socket's read timeout or the timer, whichever came first). */
    private Failure timedOut(Throwable cause) {
        handshake.compareAndSet(RUNNING, TIMED_OUT);
        return new Failure("TLS handshake timeout", true, cause);
    }

    private Failure failure(String message, Throwable cause) {
        boolean timedOut = !handshake.compareAndSet(RUNNING, DONE) && handshake.get() == TIMED_OUT;
        return new Failure(timedOut ? "TLS handshake timeout" : message, timedOut, cause);
    }

    /** Timer thread: ends a handshake still running by closing the socket under it. */
    private void timeout() {
        if (handshake.compareAndSet(RUNNING, TIMED_OUT)) {
            try {
                raw.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    /**
     * Reads until {@code n} bytes came, the peer closed, or {@code wait} passed (Go's {@code io.ReadFull} with a read
     * deadline); returns what came, possibly nothing.
     */
    /**
     * Go's TLS server reads a first record's header with one read of up to {@value #GO_FIRST_READ} bytes, so a
     * plain-text line that arrived with it is consumed before nats-server gives up, and its close is a FIN (a
     * reset, with input left unread, made jnats-server-runner's start check fail). Takes what has arrived, up to
     * the same amount, without waiting.
     */
    private void takeWhatGoWouldHaveRead(int alreadyRead) {
        try {
            InputStream in = raw.getInputStream();
            int n = Math.min(in.available(), GO_FIRST_READ - alreadyRead);
            if (n > 0) {
                in.readNBytes(n);
            }
        } catch (IOException e) {
            // closed or reset meanwhile: nothing left to decide
        }
    }

    private byte[] readUpTo(int n, Duration wait) throws IOException {
        byte[] buf = new byte[n];
        int got = 0;
        lastReadTimedOut = false;
        long deadline = clock.nanoTime() + wait.toNanos();
        InputStream in = raw.getInputStream();
        try {
            while (got < n) {
                long left = deadline - clock.nanoTime();
                if (left <= 0) {
                    lastReadTimedOut = true;
                    break;
                }
                raw.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                int r = in.read(buf, got, n - got);
                if (r < 0) {
                    break;
                }
                got += r;
            }
        } catch (SocketTimeoutException e) {
            lastReadTimedOut = true; // nothing more within the wait
        } finally {
            if (!raw.isClosed()) {
                raw.setSoTimeout(0);
            }
        }
        return got == n ? buf : Arrays.copyOf(buf, got);
    }
}
