package io.natsj.bench.jmh;

import io.natsj.server.auth.ConnectionPermissions;
import io.natsj.server.auth.Permissions;
import io.natsj.server.auth.Permissions.SubjectPermission;
import io.natsj.server.auth.UserPermissions;
import io.natsj.server.util.ServerClock;
import java.util.ArrayList;
import java.util.List;
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
 * Cost of the publish permission check a connection makes for every PUB: a user without publish restrictions, a
 * repeated subject answered by the per-connection cache, and subjects rotating beyond the cache (each a scan of
 * the wildcard entries, 20 allow and 5 deny, plus the cache eviction).
 *
 * <p>Run: {@code bin/natsj-bench jmh PermissionCheckBench}. Threading: JMH's; one thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PermissionCheckBench {

    private static final int ROTATION = 4_096;

    private ConnectionPermissions unrestricted;
    private ConnectionPermissions restricted;
    private UserPermissions compiled;
    private String[] rotation;
    private int next;

    @Setup
    public void setUp() {
        List<String> allow = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            allow.add("svc" + i + ".*.>");
        }
        List<String> deny = List.of("svc1.secret.>", "svc2.*.admin", "svc3.x.y", "svc4.*.*.z", "svc5.>");
        compiled = UserPermissions.compile(new Permissions(new SubjectPermission(allow, deny), null, null));
        restricted = new ConnectionPermissions(compiled, ServerClock.SYSTEM);
        unrestricted = new ConnectionPermissions(UserPermissions.compile(new Permissions(null,
                new SubjectPermission(List.of(">"), null), null)), ServerClock.SYSTEM);
        rotation = new String[ROTATION];
        for (int i = 0; i < ROTATION; i++) {
            rotation[i] = "svc" + (i % 20) + ".orders." + i;
        }
    }

    @Benchmark
    public boolean unrestrictedPublish() {
        return unrestricted.mayPublish("svc17.orders.created");
    }

    @Benchmark
    public boolean cachedPublish() {
        return restricted.mayPublish("svc17.orders.created");
    }

    @Benchmark
    public boolean rotatingBeyondTheCache() {
        String s = rotation[next];
        next = (next + 1) & (ROTATION - 1);
        return restricted.mayPublish(s);
    }

    @Benchmark
    public boolean uncachedRuleScan() {
        String s = rotation[next];
        next = (next + 1) & (ROTATION - 1);
        return compiled.publishAllowed(s);
    }
}
