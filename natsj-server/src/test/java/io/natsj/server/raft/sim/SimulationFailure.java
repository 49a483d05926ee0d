package io.natsj.server.raft.sim;

/**
 * A violated invariant (or an exception in the core), with the seed that reproduces it.
 *
 * <p>Threading: immutable.
 */
public final class SimulationFailure extends RuntimeException {

    private final long seed;

    SimulationFailure(long seed, String message, Throwable cause) {
        super("seed " + seed + ": " + message + "\n  replay: bin/natsj-test -Dtest=RaftSimulationTest"
                + " -Dnatsj.raft.seed=" + seed + " -Dsurefire.failIfNoSpecifiedTests=false", cause);
        this.seed = seed;
    }

    /** True when the group merely failed to converge in time (no safety property broken). */
    public boolean livenessOnly() {
        return getMessage().startsWith("seed " + seed + ": liveness");
    }

    public long seed() {
        return seed;
    }
}
