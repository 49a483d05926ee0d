package io.natsj.server.raft.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.natsj.server.raft.RaftConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Raft core under deterministic simulation ({@link Simulation}): many seeds, each a 3- or 5-replica group under
 * message loss, delay, duplication, reordering, partitions, crashes losing unsynced writes, restarts and damaged
 * storage, with the safety invariants checked after every step and convergence after healing.
 *
 * <p>Properties:
 * <ul>
 *   <li>{@code -Dnatsj.raft.seeds=N}: how many seeds {@link #manySeedsKeepEveryInvariant} runs (default 1000;
 *       {@code -Dnatsj.raft.hostileSeeds=N} for {@link #hostileSeedsKeepEveryInvariant}, default 1000); for a
 *       long run, e.g. {@code bin/natsj-test -Dtest=RaftSimulationTest -Dnatsj.raft.seeds=100000
 *       -Dsurefire.failIfNoSpecifiedTests=false};</li>
 *   <li>{@code -Dnatsj.raft.minutes=M}: instead, run consecutive seeds for M minutes;</li>
 *   <li>{@code -Dnatsj.raft.firstSeed=S}: where the seeds start (default 1);</li>
 *   <li>{@code -Dnatsj.raft.seed=S}: run exactly that seed (the replay a failure prints);</li>
 *   <li>{@code -Dnatsj.raft.profile=hostile}: the {@link FaultProfile#HOSTILE} mix instead of the default.</li>
 * </ul>
 * A seed that once failed and was fixed goes into {@link #foundAndFixedSeedsStayFixed}'s list.
 */
class RaftSimulationTest {

    @Test
    @Timeout(value = 60, unit = java.util.concurrent.TimeUnit.MINUTES)
    void manySeedsKeepEveryInvariant() {
        String single = System.getProperty("natsj.raft.seed");
        if (single != null) {
            Simulation.Result r = new Simulation(Long.parseLong(single), profile(), RaftConfig.Unsafe.NONE).run();
            System.out.println("seed " + single + ": " + r);
            return;
        }
        long first = Long.getLong("natsj.raft.firstSeed", 1);
        long count = Long.getLong("natsj.raft.seeds", 1000);
        long minutes = Long.getLong("natsj.raft.minutes", 0);
        long deadline = minutes > 0 ? System.nanoTime() + Duration.ofMinutes(minutes).toNanos() : Long.MAX_VALUE;
        long started = System.nanoTime();
        List<String> failures = new ArrayList<>();
        long seeds = 0;
        long steps = 0;
        long acked = 0;
        java.util.TreeMap<String, Long> events = new java.util.TreeMap<>();
        for (long seed = first; minutes > 0 ? System.nanoTime() < deadline : seed < first + count; seed++) {
            try {
                Simulation.Result r = new Simulation(seed, profile(), RaftConfig.Unsafe.NONE).run();
                steps += r.steps();
                acked += r.acked();
                r.events().forEach((k, v) -> events.merge(k, (long) v, Long::sum));
            } catch (SimulationFailure f) {
                failures.add(f.getMessage());
                if (failures.size() >= 5) {
                    break;
                }
            }
            seeds++;
        }
        System.out.printf("raft simulation: %d seeds from %d, %d steps, %d acknowledged values, %.1f s%n", seeds,
                first, steps, acked, (System.nanoTime() - started) / 1e9);
        System.out.println("  faults and events: " + events);
        if (!failures.isEmpty()) {
            fail(failures.size() + " failing seed(s):\n" + String.join("\n", failures));
        }
    }

    /** The hostile mix (more crashes, damage and slow syncs) finds what the default mix rarely reaches. */
    @Test
    void hostileSeedsKeepEveryInvariant() {
        List<String> failures = new ArrayList<>();
        long count = Long.getLong("natsj.raft.hostileSeeds", 1000);
        for (long seed = 1; seed <= count && failures.size() < 5; seed++) {
            try {
                new Simulation(seed, FaultProfile.HOSTILE, RaftConfig.Unsafe.NONE).run();
            } catch (SimulationFailure f) {
                failures.add(f.getMessage().replace("-Dnatsj.raft.seed=", "-Dnatsj.raft.profile=hostile"
                        + " -Dnatsj.raft.seed="));
            }
        }
        if (!failures.isEmpty()) {
            fail(failures.size() + " failing hostile seed(s):\n" + String.join("\n", failures));
        }
    }

    private static FaultProfile profile() {
        return "hostile".equals(System.getProperty("natsj.raft.profile")) ? FaultProfile.HOSTILE
                : FaultProfile.DEFAULT;
    }

    /**
     * Seeds the simulator failed on while the core was written, kept after the fixes: 7, 33, 55, 56, 58 (a follower
     * whose snapshot was lost stayed in SNAPSHOT state for good: the snapshot is now sent again after an election
     * timeout), 2372 (stale answers of a recovering replica kept lowering the leader's view of it so catch-up never
     * finished: only rejections lower it now), 237977 and 247457 (the simulator's own bug: its final proposal, lost
     * to a leader change, was never made again when the same replica led again in a later term). A seed names a scenario of the simulator as it was then; once the
     * simulator draws differently they remain as extra seeds.
     */
    @ParameterizedTest
    @ValueSource(longs = {7, 33, 55, 56, 58, 2372, 237977, 247457})
    void foundAndFixedSeedsStayFixed(long seed) {
        Simulation.Result r = new Simulation(seed, FaultProfile.DEFAULT, RaftConfig.Unsafe.NONE).run();
        assertThat(r.acked()).isPositive();
    }

    /** Each deliberately broken rule is caught: the invariant checks are not vacuous. */
    @ParameterizedTest
    @EnumSource(value = RaftConfig.Unsafe.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void aBrokenSafetyRuleIsCaught(RaftConfig.Unsafe unsafe) {
        SimulationFailure caught = LongStream.rangeClosed(1, Long.getLong("natsj.raft.unsafeSeeds", 10_000))
                .mapToObj(seed -> {
                    try {
                        new Simulation(seed, FaultProfile.HOSTILE, unsafe).run();
                        return null;
                    } catch (SimulationFailure f) {
                        return f;
                    }
                })
                .filter(f -> f != null && !f.livenessOnly())
                .findFirst()
                .orElse(null);
        assertThat(caught).as("a violation with " + unsafe).isNotNull();
        System.out.println(unsafe + " caught: " + caught.getMessage().lines().findFirst().orElse(""));
    }
}
