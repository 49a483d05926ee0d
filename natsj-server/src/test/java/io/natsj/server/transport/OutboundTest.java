package io.natsj.server.transport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(20)
class OutboundTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void writesEverythingAppendedInOrderAndDrainsOnClose() throws Exception {
        Outbound out = new Outbound();
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        Thread writer = Thread.ofVirtual().start(() -> run(out, sink));
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 10_000; i++) {
            String line = "MSG foo " + i + " 0\r\n\r\n";
            expected.append(line);
            out.append(bytes(line), 0, line.length());
            if (i % 100 == 0) {
                out.flush();
            }
        }
        out.close(true);
        writer.join(10_000);
        assertThat(writer.isAlive()).isFalse();
        assertThat(sink.toString(StandardCharsets.ISO_8859_1)).isEqualTo(expected.toString());
    }

    @Test
    void closeWithoutFlushDropsQueuedBytesAndRefusesMore() throws Exception {
        Outbound out = new Outbound();
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        out.append(bytes("dropped"), 0, 7);
        out.close(false);
        Thread writer = Thread.ofVirtual().start(() -> run(out, sink));
        writer.join(10_000);
        assertThat(out.append(bytes("late"), 0, 4)).isFalse();
        assertThat(sink.size()).isZero();
    }

    @Test
    void pendingCountsBytesBeingWrittenAndTheWriteStartIsVisible() throws Exception {
        Outbound out = new Outbound();
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        OutputStream blocking = new OutputStream() {
            @Override
            public void write(int b) {
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                writing.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
            }
        };
        Thread writer = Thread.ofVirtual().start(() -> run(out, blocking));
        out.append(new byte[1000], 0, 1000);
        out.flush();
        assertThat(writing.await(10, TimeUnit.SECONDS)).isTrue();
        out.append(new byte[500], 0, 500);
        out.lock();
        try {
            assertThat(out.pending()).isEqualTo(1500);
        } finally {
            out.unlock();
        }
        assertThat(out.writeStartedNanos()).isNotZero();
        release.countDown();
        out.close(true);
        writer.join(10_000);
        assertThat(out.writeStartedNanos()).isZero();
    }

    private static void run(Outbound out, OutputStream sink) {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try {
            out.writeLoop(sink, 50, TimeUnit.MILLISECONDS, System::nanoTime);
        } catch (IOException | InterruptedException e) {
            failure.set(e);
        }
        assertThat(failure.get()).isNull();
    }

    @Test
    void smallQueuesAreWrittenByTheFlushingThreadAndLargeOnesByTheWriter() throws Exception {
        Outbound out = new Outbound();
        java.util.List<String> writers = new java.util.concurrent.CopyOnWriteArrayList<>();
        OutputStream sink = new OutputStream() {
            @Override
            public void write(int b) {
            }

            @Override
            public void write(byte[] b, int off, int len) {
                writers.add(Thread.currentThread().getName() + ":" + len);
            }
        };
        Thread writer = Thread.ofVirtual().name("the-writer").start(() -> run(out, sink));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> {
            out.append(new byte[1], 0, 1);
            out.flushInline(16);
            return !writers.isEmpty();
        });
        writers.clear();
        out.append(new byte[10], 0, 10);
        out.flushInline(16);
        assertThat(writers).containsExactly(Thread.currentThread().getName() + ":10");
        out.append(new byte[100], 0, 100);
        out.flushInline(16);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> writers.contains("the-writer:100"));
        out.close(true);
        writer.join(10_000);
        assertThat(writer.isAlive()).isFalse();
    }
}
