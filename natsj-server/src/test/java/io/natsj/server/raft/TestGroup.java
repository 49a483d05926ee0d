package io.natsj.server.raft;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * A small synchronous harness for {@link RaftNode} unit tests: in-memory storage synced at once, messages delivered
 * in order on {@link #deliver()}, a filter for partitions, and every message seen kept for assertions.
 *
 * <p>Threading: test thread only.
 */
final class TestGroup {

    final Map<String, RaftNode> nodes = new LinkedHashMap<>();
    final Map<String, MemoryRaftStorage> disks = new LinkedHashMap<>();
    final Map<String, List<Entry>> applied = new LinkedHashMap<>();
    final List<RaftMessage> sent = new ArrayList<>();
    /** "id@index" for every ready that truncated a replica's log. */
    final List<String> truncations = new ArrayList<>();
    private final ArrayDeque<RaftMessage> inFlight = new ArrayDeque<>();
    private final Set<String> isolated = new HashSet<>();
    private final SplittableRandom random = new SplittableRandom(7);
    private Predicate<RaftMessage> drop = m -> false;

    TestGroup(String... ids) {
        Membership voters = Membership.of(ids);
        for (String id : ids) {
            disks.put(id, new MemoryRaftStorage(voters));
            start(id);
        }
    }

    RaftNode start(String id) {
        RaftNode node = new RaftNode(RaftConfig.of(id), disks.get(id), random.split());
        nodes.put(id, node);
        applied.put(id, new ArrayList<>());
        node.applied(disks.get(id).snapshot().index());
        return node;
    }

    /** Adds a replica that starts empty and knows only the given voters (a new member). */
    RaftNode join(String id, Membership knownVoters) {
        disks.put(id, new MemoryRaftStorage(knownVoters));
        return start(id);
    }

    RaftNode node(String id) {
        return nodes.get(id);
    }

    void isolate(String id) {
        isolated.add(id);
    }

    void heal() {
        isolated.clear();
        drop = m -> false;
    }

    void dropWhere(Predicate<RaftMessage> filter) {
        drop = filter;
    }

    /** Runs every node's ready loop: write, sync at once, queue messages, apply. */
    void process() {
        nodes.forEach((id, node) -> {
            while (node.hasReady()) {
                Ready r = node.ready();
                if (r.truncates()) {
                    truncations.add(id + "@" + r.truncateFrom());
                }
                disks.get(id).write(r);
                node.advance(r);
                r.messages().forEach(this::queue);
                r.messagesAfterPersist().forEach(this::queue);
                if (r.persistIndex() > 0) {
                    node.persisted(r.persistIndex(), r.persistTerm());
                }
                if (r.snapshot() != null) {
                    applied.get(id).clear();
                }
                applied.get(id).addAll(r.committedEntries());
                long last = r.committedEntries().isEmpty() ? r.snapshot() == null ? -1 : r.snapshot().index()
                        : r.committedEntries().getLast().index();
                if (last >= 0) {
                    node.applied(last);
                }
            }
        });
    }

    private void queue(RaftMessage m) {
        sent.add(m);
        inFlight.add(m);
    }

    /** Delivers messages (and what they cause) until none is left. */
    void deliver() {
        process();
        int guard = 0;
        while (!inFlight.isEmpty()) {
            if (++guard > 100_000) {
                throw new IllegalStateException("messages never stop");
            }
            RaftMessage m = inFlight.poll();
            RaftNode to = nodes.get(m.to());
            if (to == null || isolated.contains(m.from()) || isolated.contains(m.to()) || drop.test(m)) {
                continue;
            }
            to.step(m);
            process();
        }
    }

    void tick(String id, int times) {
        for (int i = 0; i < times; i++) {
            nodes.get(id).tick();
            deliver();
        }
    }

    /** Ticks every replica once per round, delivering in between. */
    void tickAll(int rounds) {
        for (int i = 0; i < rounds; i++) {
            for (RaftNode n : nodes.values()) {
                n.tick();
            }
            deliver();
        }
    }

    /** Makes {@code id} campaign (by ticking it alone past the election timeout) and returns it. */
    RaftNode elect(String id) {
        RaftNode n = nodes.get(id);
        for (int i = 0; i < 40 && !n.isLeader(); i++) {
            n.tick();
            deliver();
        }
        if (!n.isLeader()) {
            throw new IllegalStateException(id + " not elected: " + n);
        }
        return n;
    }

    long propose(String id, String value) {
        ProposeResult r = nodes.get(id).propose(value.getBytes());
        deliver();
        return ((ProposeResult.Accepted) r).index();
    }

    List<String> values(String id) {
        return applied.get(id).stream().filter(e -> e.type() == Entry.Type.NORMAL).map(e -> new String(e.data()))
                .toList();
    }
}
