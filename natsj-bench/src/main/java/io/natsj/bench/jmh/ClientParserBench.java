package io.natsj.bench.jmh;

import io.natsj.server.protocol.ClientOpHandler;
import io.natsj.server.protocol.ClientParser;
import io.natsj.server.protocol.ProtocolError;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Cost per operation of {@link ClientParser} on a 64 KiB read of back-to-back PUBs (16 B and 128 B payloads) and
 * HPUBs, as a publisher's connection delivers them: what the reader thread spends before routing.
 *
 * <p>Run: {@code bin/natsj-bench jmh ClientParserBench}. Threading: JMH's; one thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ClientParserBench {

    private static final int OPS = 1000;

    private byte[] pub16;
    private byte[] pub128;
    private byte[] hpub;
    private ClientParser parser;
    private Sink sink;

    @Setup
    public void setUp() {
        pub16 = batch("PUB bench.subject 16\r\n" + "x".repeat(16) + "\r\n");
        pub128 = batch("PUB bench.subject _INBOX.abc 128\r\n" + "x".repeat(128) + "\r\n");
        String hdr = "NATS/1.0\r\nA: b\r\n\r\n";
        hpub = batch("HPUB bench.subject " + hdr.length() + " " + (hdr.length() + 16) + "\r\n" + hdr
                + "x".repeat(16) + "\r\n");
        sink = new Sink();
        parser = new ClientParser(sink, 4096, 1024 * 1024);
        parser.headersEnabled(true);
    }

    private static byte[] batch(String op) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] b = op.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < OPS; i++) {
            out.write(b, 0, b.length);
        }
        return out.toByteArray();
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public void pub16(Blackhole bh) {
        sink.bh = bh;
        parser.parse(pub16, 0, pub16.length);
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public void pub128WithReply(Blackhole bh) {
        sink.bh = bh;
        parser.parse(pub128, 0, pub128.length);
    }

    @Benchmark
    @OperationsPerInvocation(OPS)
    public void hpub16(Blackhole bh) {
        sink.bh = bh;
        parser.parse(hpub, 0, hpub.length);
    }

    /** Consumes every callback so the JIT cannot drop the parsing. */
    static final class Sink implements ClientOpHandler {
        Blackhole bh;

        @Override public void onConnect(byte[] buf, int off, int len) { bh.consume(len); }
        @Override public void onInfo(byte[] buf, int off, int len) { bh.consume(len); }
        @Override public void onPing() { bh.consume(1); }
        @Override public void onPong() { bh.consume(2); }
        @Override public void onSub(String subject, String queue, String sid) { bh.consume(subject); }
        @Override public void onUnsub(String sid, long maxMsgs) { bh.consume(sid); }

        @Override
        public void onPub(String subject, String reply, int hdrLen, byte[] buf, int off, int totalLen) {
            bh.consume(subject);
            bh.consume(reply);
            bh.consume(totalLen);
        }

        @Override public void onOk() { bh.consume(3); }
        @Override public void onErr(String text) { bh.consume(text); }

        @Override
        public void onProtocolError(ProtocolError error, String detail) {
            throw new IllegalStateException(error + ": " + detail);
        }
    }
}
