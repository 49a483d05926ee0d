package io.natsj.bench.jmh;

import io.natsj.server.routing.SubjectIndex;
import io.natsj.server.routing.SubjectMatch;
import io.natsj.server.routing.Subscriber;
import io.natsj.server.routing.Subscription;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of {@link SubjectIndex#match} over a wildcard-heavy index of 10,000 subscriptions: a cache hit (the common
 * case of a publisher sending to a known subject), a trie walk without cache, a rotation over more distinct subjects
 * than the cache holds, and the insert+remove of an inbox subscription (request-reply churn) next to a full cache.
 *
 * <p>Run: {@code java -cp <classpath> org.openjdk.jmh.Main SubjectIndexBench}. Threading: JMH's; one thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SubjectIndexBench {

    private static final Subscriber NOBODY = (sub, subject, reply, buf, off, hdrLen, totalLen, batch) -> true;
    private static final int SUBSCRIPTIONS = 10_000;
    private static final int ROTATION = 4_096;

    private SubjectIndex cached;
    private SubjectIndex uncached;
    private String hotSubject;
    private byte[] hotSubjectBytes;
    private String wildcardSubject;
    private String[] rotation;
    private int next;
    private long inbox;

    @Setup
    public void setUp() {
        cached = new SubjectIndex(true);
        uncached = new SubjectIndex(false);
        for (int i = 0; i < SUBSCRIPTIONS; i++) {
            Subscription s = subscription(i);
            cached.insert(s);
            uncached.insert(s);
        }
        hotSubject = "orders.17.created";
        hotSubjectBytes = hotSubject.getBytes(StandardCharsets.ISO_8859_1);
        wildcardSubject = "metrics.7.host1.cpu";
        rotation = new String[ROTATION];
        for (int i = 0; i < ROTATION; i++) {
            rotation[i] = "metrics." + (i % 100) + ".host" + i + ".cpu";
        }
        // fill the cache (as a busy server's would be) and warm the hot subjects
        for (int i = 0; i < 1_000; i++) {
            cached.match("events." + i + ".x");
        }
        cached.match(hotSubject);
        cached.match(wildcardSubject);
    }

    /** 40% literal, 30% with {@code *}, 20% with {@code >}, 10% queue subscriptions with {@code *}. */
    private static Subscription subscription(int i) {
        int kind = i % 10;
        if (kind < 4) {
            return new Subscription(NOBODY, "orders." + i / 10 + ".created", null, "s" + i);
        }
        if (kind < 7) {
            return new Subscription(NOBODY, "metrics." + (i / 10) % 100 + ".*.cpu", null, "s" + i);
        }
        if (kind < 9) {
            return new Subscription(NOBODY, "events." + i / 10 + ".>", null, "s" + i);
        }
        return new Subscription(NOBODY, "svc." + i % 50 + ".*", "workers" + i % 3, "s" + i);
    }

    /** A literal subject whose result is cached; the same String instance, so its hash is cached too. */
    @Benchmark
    public SubjectMatch cacheHit() {
        return cached.match(hotSubject);
    }

    /** As a connection sees it: the subject decoded fresh from the read buffer (includes that String's cost). */
    @Benchmark
    public SubjectMatch cacheHitFreshString() {
        return cached.match(new String(hotSubjectBytes, StandardCharsets.ISO_8859_1));
    }

    /** A subject matched by 30 {@code *} subscriptions; cached. */
    @Benchmark
    public SubjectMatch cacheHitWildcardFanout() {
        return cached.match(wildcardSubject);
    }

    /** Cached {@link SubjectIndex#hasInterest}. */
    @Benchmark
    public boolean hasInterestHit() {
        return cached.hasInterest(hotSubject);
    }

    /** The trie walk alone (cache disabled): literal subject. */
    @Benchmark
    public SubjectMatch cacheMissLiteral() {
        return uncached.match(hotSubject);
    }

    /** The trie walk alone (cache disabled): a subject collecting 30 wildcard subscriptions. */
    @Benchmark
    public SubjectMatch cacheMissWildcardFanout() {
        return uncached.match(wildcardSubject);
    }

    /** 4,096 distinct subjects in turn through the 1,024-entry cache: mostly misses, with stores and sweeps. */
    @Benchmark
    public SubjectMatch cacheRotation() {
        String s = rotation[next];
        next = (next + 1) & (ROTATION - 1);
        return cached.match(s);
    }

    /** Request-reply churn: subscribe an inbox, publish to it, unsubscribe; the cache stays full around it. */
    @Benchmark
    public SubjectMatch inboxChurn() {
        Subscription s = new Subscription(NOBODY, "_INBOX.bench." + inbox++, null, "i");
        cached.insert(s);
        SubjectMatch m = cached.match(s.subject());
        cached.remove(s);
        return m;
    }
}
