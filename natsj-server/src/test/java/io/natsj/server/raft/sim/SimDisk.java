package io.natsj.server.raft.sim;

import io.natsj.server.raft.HardState;
import io.natsj.server.raft.MemoryRaftStorage;
import io.natsj.server.raft.Membership;
import io.natsj.server.raft.Ready;
import java.util.ArrayDeque;
import java.util.SplittableRandom;

/**
 * A replica's simulated disk. Writes land in the page cache ({@link #current()}, what the core reads) at once and
 * reach the platter ({@code durable}) only when synced, in order. A crash keeps only what was synced; damage
 * destroys the newest synced records (and possibly the hard state), which recovery detects.
 *
 * <p>Threading: the simulation's single thread.
 */
final class SimDisk {

    private record Write(long seq, Ready ready) {
    }

    private MemoryRaftStorage durable;
    private MemoryRaftStorage current;
    private final ArrayDeque<Write> unsynced = new ArrayDeque<>();
    private long seq;

    SimDisk(Membership voters) {
        durable = new MemoryRaftStorage(voters);
        current = durable.copy();
    }

    MemoryRaftStorage current() {
        return current;
    }

    /** Buffers a ready's writes; returns the sequence number to sync up to. */
    long write(Ready r) {
        current.write(r);
        unsynced.add(new Write(++seq, r));
        return seq;
    }

    void syncTo(long upTo) {
        while (!unsynced.isEmpty() && unsynced.peek().seq() <= upTo) {
            durable.write(unsynced.poll().ready());
        }
    }

    /** True when a restart now would come back recovering from damage. */
    boolean durablyDamaged() {
        var init = durable.initialState();
        return init.logDamaged() || init.hardStateLost() || init.hardState().recovery() != HardState.Recovery.NONE;
    }

    /** Power loss: unsynced writes vanish. */
    void crash() {
        unsynced.clear();
        current = durable.copy();
    }

    /**
     * Damage found on recovery: up to {@code maxRecords} newest entries are unreadable and truncated; with
     * {@code hardStateLost} the hard state record too. Returns the number of entries lost.
     */
    int damage(SplittableRandom random, int maxRecords, boolean hardStateLost) {
        long last = durable.lastIndex();
        long first = durable.firstIndex();
        int lost = (int) Math.min(last - first + 1, 1 + random.nextInt(maxRecords));
        durable.truncateFrom(last - lost + 1);
        durable.markDamaged(hardStateLost);
        current = durable.copy();
        return lost;
    }
}
