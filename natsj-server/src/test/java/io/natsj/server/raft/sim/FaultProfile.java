package io.natsj.server.raft.sim;

/**
 * How hostile a simulated run is. Times are in virtual units ({@link Simulation#TICK} per Raft tick); rates are
 * probabilities per message, per sync or per chaos event.
 *
 * @param chaosUnits   how long faults are injected before everything heals
 * @param dropRate     a message is lost
 * @param dupRate      a message is delivered twice
 * @param maxDelay     a message's delay is uniform in [1, maxDelay] (so messages overtake each other)
 * @param slowSyncRate a sync takes up to 15 ticks instead of at most one
 * @param chaosEvery   mean units between chaos events (crash, partition, heal)
 * @param damageRate   a restart finds its newest records damaged (kept to a minority at a time)
 * @param hardStateLossRate a damaged restart also lost its hard state record
 */
public record FaultProfile(long chaosUnits, double dropRate, double dupRate, int maxDelay, double slowSyncRate,
                           int chaosEvery, double damageRate, double hardStateLossRate) {

    /** The CI mix: every fault kind, a few hundred ticks per run. */
    public static final FaultProfile DEFAULT = new FaultProfile(2_500, 0.05, 0.02, 25, 0.05, 150, 0.3, 0.2);

    /** More crashes and slow syncs: what the deliberately broken variants are run against. */
    public static final FaultProfile HOSTILE = new FaultProfile(4_000, 0.05, 0.05, 40, 0.3, 60, 0.5, 0.0);
}
