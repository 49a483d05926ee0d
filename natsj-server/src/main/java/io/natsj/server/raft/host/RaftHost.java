package io.natsj.server.raft.host;

import io.natsj.server.raft.RaftConfig;
import io.natsj.server.raft.RaftMessage;
import io.natsj.server.raft.RaftNode;
import io.natsj.server.raft.Ready;
import io.natsj.server.util.ServerClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * Runs every Raft group of one server on one thread: no thread, timer or connection per group. Each round the host
 * runs what other threads handed it (messages received, proposals), ticks every group when a tick is due, then
 * carries out the groups' {@link Ready} batches in the order their contract asks: write every group's log, send the
 * messages that may go at once, sync every written log (one round's writes share the syncs: group commit), then send
 * what had to wait for persistence (votes, acknowledgements), apply what committed and answer proposals. Messages
 * from all groups to one peer leave in one {@link RaftTransport#send} per step.
 *
 * <p>A storage failure stops the group it happened in (its replica goes silent, as if crashed), never the host.
 *
 * <p>Threading: {@link #receive}, {@link #run}, {@link #open}, {@link #close} and the {@link RaftGroup} methods are
 * safe from any thread; the cores, logs and state machines are touched by the host's thread only.
 */
public final class RaftHost implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RaftHost.class);
    /** Rounds of ready processing per loop before the host looks at its queue again. */
    private static final int MAX_ROUNDS = 8;

    private final String id;
    private final RaftTransport transport;
    private final ServerClock clock;
    private final long tickNanos;
    private final RandomGenerator random;
    private final LinkedBlockingQueue<Runnable> inbox = new LinkedBlockingQueue<>();
    private final Map<String, RaftGroup> groups = new LinkedHashMap<>();
    private volatile List<RaftGroup> published = List.of();
    private final java.util.Set<RaftGroup> touched = new java.util.LinkedHashSet<>(); // host thread only
    private final Thread thread;
    private volatile boolean running = true;
    private long nextTick;

    /**
     * @param id        this server's id in every group it belongs to
     * @param tickNanos the length of one Raft tick (election and heartbeat timeouts are counted in ticks)
     */
    public RaftHost(String id, RaftTransport transport, ServerClock clock, long tickNanos, RandomGenerator random) {
        this.id = id;
        this.transport = transport;
        this.clock = clock;
        this.tickNanos = tickNanos;
        this.random = random;
        this.nextTick = clock.nanoTime() + tickNanos;
        this.thread = Thread.ofPlatform().name("raft-host-" + id).daemon().unstarted(this::loop);
    }

    public String id() {
        return id;
    }

    /** The length of one Raft tick on this host. */
    public long tickNanos() {
        return tickNanos;
    }

    /** Starts the host's thread. */
    public RaftHost start() {
        thread.start();
        return this;
    }

    /**
     * Opens a group on this host (its storage holds where it was, or the initial voters); returns once it is
     * running.
     *
     * @param config the replica's settings, given this host's id
     */
    public RaftGroup open(String name, Function<String, RaftConfig> config, GroupStorage storage,
                          GroupStateMachine machine) {
        CompletableFuture<RaftGroup> opened = new CompletableFuture<>();
        run(() -> {
            if (groups.containsKey(name)) {
                opened.completeExceptionally(new IllegalStateException("group " + name + " is open"));
                return;
            }
            RaftNode node = new RaftNode(config.apply(id), storage, random);
            if (storage.snapshot().index() > 0) {
                machine.restore(storage.snapshot());
            }
            RaftGroup g = new RaftGroup(name, this, node, storage, machine);
            groups.put(name, g);
            published = List.copyOf(groups.values());
            touched.add(g);
            opened.complete(g);
        });
        return opened.join();
    }

    /** Closes a group here (its files stay); proposals waiting on it fail. */
    public void closeGroup(String name) {
        run(() -> {
            RaftGroup g = groups.remove(name);
            if (g != null) {
                published = List.copyOf(groups.values());
                closeQuietly(g);
            }
        });
    }

    /** The groups open on this host now (a snapshot, in the order they were opened). */
    public List<RaftGroup> groups() {
        return published;
    }

    /** Hands messages another server's host sent to this one; unknown groups' messages are dropped. */
    public void receive(List<GroupMessage> messages) {
        run(() -> {
            for (GroupMessage m : messages) {
                RaftGroup g = groups.get(m.group());
                if (g != null && id.equals(m.message().to())) {
                    g.node().step(m.message());
                    touched.add(g);
                }
            }
        });
    }

    /** Runs {@code task} on the host's thread. */
    void run(Runnable task) {
        inbox.add(task);
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (RaftGroup g : groups.values()) {
            closeQuietly(g);
        }
        groups.clear();
    }

    // ---------------------------------------------------------------- the host thread

    private void loop() {
        while (running) {
            try {
                long wait = Math.max(0, nextTick - clock.nanoTime());
                Runnable task = inbox.poll(wait, TimeUnit.NANOSECONDS);
                while (task != null) {
                    task.run();
                    task = inbox.poll();
                }
                long now = clock.nanoTime();
                if (now - nextTick >= 0) {
                    nextTick = now + tickNanos;
                    for (RaftGroup g : published) {
                        g.node().tick();
                    }
                    touched.addAll(published);
                }
                work();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.error("raft host {}: unexpected failure", id, e);
            }
        }
    }

    /** Notes that {@code g}'s core had input this round (host thread): only such groups are asked for a ready. */
    void touched(RaftGroup g) {
        touched.add(g);
    }

    /**
     * Carries out the readies of the groups that had input, a few rounds while answers make new ones (a later round
     * looks only at the groups the one before changed).
     */
    private void work() {
        for (int round = 0; round < MAX_ROUNDS && !touched.isEmpty(); round++) {
            Map<RaftGroup, Ready> readies = new LinkedHashMap<>();
            Map<String, List<GroupMessage>> now = new HashMap<>();
            List<RaftGroup> candidates = List.copyOf(touched);
            touched.clear();
            for (RaftGroup g : candidates) {
                if (g.isClosed() || !g.node().hasReady()) {
                    continue;
                }
                Ready r = g.node().ready();
                try {
                    g.storage().write(r);
                } catch (IOException | RuntimeException e) {
                    fail(g, e);
                    continue;
                }
                g.node().advance(r);
                readies.put(g, r);
                address(now, g.name(), r.messages());
            }
            if (readies.isEmpty()) {
                return;
            }
            sendAll(now);
            Map<String, List<GroupMessage>> later = new HashMap<>();
            for (Map.Entry<RaftGroup, Ready> e : readies.entrySet()) {
                RaftGroup g = e.getKey();
                Ready r = e.getValue();
                try {
                    g.storage().sync();
                } catch (IOException | RuntimeException ex) {
                    fail(g, ex);
                    continue;
                }
                address(later, g.name(), r.messagesAfterPersist());
                if (r.persistIndex() > 0) {
                    g.node().persisted(r.persistIndex(), r.persistTerm());
                }
                g.apply(r);
                g.publish();
                touched.add(g); // persisted/applied may make the next ready
            }
            sendAll(later);
        }
    }

    private static void address(Map<String, List<GroupMessage>> out, String group, List<RaftMessage> messages) {
        for (RaftMessage m : messages) {
            out.computeIfAbsent(m.to(), k -> new ArrayList<>()).add(new GroupMessage(group, m));
        }
    }

    private void sendAll(Map<String, List<GroupMessage>> byPeer) {
        byPeer.forEach((peer, messages) -> {
            try {
                transport.send(peer, messages);
            } catch (RuntimeException e) {
                LOG.debug("raft host {}: send to {} failed", id, peer, e);
            }
        });
    }

    private void fail(RaftGroup g, Exception e) {
        LOG.error("raft group {} on {}: storage failed, the replica stops", g.name(), id, e);
        groups.remove(g.name());
        published = List.copyOf(groups.values());
        closeQuietly(g);
    }

    private static void closeQuietly(RaftGroup g) {
        try {
            g.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("closing raft group {}", g.name(), e);
        }
    }
}
