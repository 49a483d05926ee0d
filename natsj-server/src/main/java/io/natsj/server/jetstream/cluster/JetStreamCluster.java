package io.natsj.server.jetstream.cluster;

import io.natsj.server.raft.Membership;
import io.natsj.server.raft.RaftConfig;
import io.natsj.server.raft.RaftNode;
import io.natsj.server.raft.host.RaftGroup;
import io.natsj.server.raft.host.RaftHost;
import io.natsj.server.raft.store.FileRaftStorage;
import io.natsj.server.store.io.FileIO;
import io.natsj.server.util.NodeHash;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * This server's part of clustered JetStream: the meta group ({@code _meta_}, ADR 0009) on the server's Raft host,
 * with its log under {@code <store_dir>/jetstream/$SYS/_js_/_meta_} (where nats-server keeps its own). A server that
 * already belongs to a meta group reopens it at once; a fresh one waits until it is routed to the servers the
 * configured routes announce ({@link MetaBootstrap}), then starts the group with them.
 *
 * <p>Threading: {@link #start} and {@link #close} from the server's start and stop; the bootstrap check runs on the
 * server's timer; the getters are safe from any thread.
 */
public final class JetStreamCluster implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JetStreamCluster.class);
    /** The meta group's name, as nats-server's. */
    public static final String META = "_meta_";
    private static final long SEGMENT_BYTES = 8L << 20;
    private static final long WAIT_LOG_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long GROW_EVERY_MILLIS = 500;

    private final RaftHost host;
    private final FileIO io;
    private final Path dir;
    private final String self;
    private final int expected;
    private final Supplier<Collection<String>> routedJetStreamServers;
    private final ScheduledExecutorService timers;
    private final MetaState state = new MetaState();
    private volatile RaftGroup meta;
    private ScheduledFuture<?> bootstrap;
    private ScheduledFuture<?> growth;
    private final Set<String> removed = ConcurrentHashMap.newKeySet();
    private long lastWaitLog;
    private volatile boolean closed;

    /**
     * @param dir                    where Raft groups keep their logs ({@code <store_dir>/jetstream/$SYS/_js_})
     * @param expected               the servers a fresh meta group starts with ({@link MetaBootstrap#expectedServers})
     * @param routedJetStreamServers the names of the JetStream servers this one is routed to now
     */
    public JetStreamCluster(RaftHost host, FileIO io, Path dir, String self, int expected,
                            Supplier<Collection<String>> routedJetStreamServers, ScheduledExecutorService timers) {
        this.host = host;
        this.io = io;
        this.dir = dir;
        this.self = self;
        this.expected = expected;
        this.routedJetStreamServers = routedJetStreamServers;
        this.timers = timers;
    }

    /** Opens the meta group this server belongs to, or starts waiting to form one. */
    public synchronized void start() throws IOException {
        if (FileRaftStorage.exists(io, metaDir())) {
            openMeta(null);
            return;
        }
        if (expected < 2) {
            LOG.warn("JetStream cluster: no routes are configured, so the size of the meta group is unknown; "
                    + "list the cluster's servers in `routes` to form it");
            return;
        }
        LOG.info("JetStream cluster: forming the meta group with {} servers", expected);
        bootstrap = timers.scheduleWithFixedDelay(this::tryBootstrap, 0, 200, TimeUnit.MILLISECONDS);
    }

    /** How many servers a fresh meta group waits for. */
    public int expectedServers() {
        return expected;
    }

    /** The meta group, or null before it is formed. */
    public RaftGroup meta() {
        return meta;
    }

    /** The cluster's stream and consumer assignments. */
    public MetaState state() {
        return state;
    }

    /** The meta leader's name, or null when there is none (or no meta group yet). */
    public String metaLeader() {
        RaftGroup g = meta;
        return g == null ? null : g.leader();
    }

    /** Whether this server leads the meta group. */
    public boolean isMetaLeader() {
        RaftGroup g = meta;
        return g != null && g.isLeader();
    }

    /**
     * Hands the meta leadership (this server's) to {@code preferred}, or to a voter this server is routed to; null
     * once begun, else nats-server's reason.
     */
    public String stepDown(String preferred) {
        RaftGroup g = meta;
        if (g == null || !g.isLeader()) {
            return "not leader";
        }
        List<String> voters = g.voters();
        String target;
        if (preferred != null) {
            if (preferred.equals(self)) {
                return "preferred server \"" + preferred + "\" is already leader";
            }
            if (!voters.contains(preferred)) {
                return "preferred server \"" + preferred + "\" not known";
            }
            target = preferred;
        } else {
            Collection<String> routed = routedJetStreamServers.get();
            target = voters.stream().filter(v -> !v.equals(self) && routed.contains(v)).findFirst().orElse(null);
            if (target == null) {
                return "no replacement peer connected";
            }
        }
        g.transferLeadership(target);
        return null;
    }

    /** What {@link #removeServer} found. */
    public enum Removal { REMOVED, NOT_MEMBER, CHANGE_IN_PROGRESS }

    /**
     * Removes a server from the meta group (this server leads it): the member whose node hash is {@code peerId} when
     * that is given, else the one named {@code name}. The leader then does not take it in again while it stays
     * routed (a server removed and still running is not re-added; one that comes back later is).
     */
    public CompletableFuture<Removal> removeServer(String name, String peerId) {
        RaftGroup g = meta;
        if (g == null || !g.isLeader()) {
            return CompletableFuture.completedFuture(Removal.NOT_MEMBER);
        }
        Membership m = g.membership();
        String found = null;
        for (String member : java.util.stream.Stream.concat(m.voters().stream(), m.learners().stream()).toList()) {
            if (peerId != null && !peerId.isEmpty() ? NodeHash.of(member).equals(peerId) : member.equals(name)) {
                found = member;
            }
        }
        if (found == null) {
            return CompletableFuture.completedFuture(Removal.NOT_MEMBER);
        }
        String peer = found;
        removed.add(peer);
        return g.proposeMembership(m.without(peer)).thenApply(ok -> {
            if (!ok) {
                removed.remove(peer);
                return Removal.CHANGE_IN_PROGRESS;
            }
            LOG.info("JetStream cluster: {} removed from the meta group", peer);
            return Removal.REMOVED;
        });
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (bootstrap != null) {
            bootstrap.cancel(false);
        }
        if (growth != null) {
            growth.cancel(false);
        }
    }

    private Path metaDir() {
        return dir.resolve(META);
    }

    private synchronized void tryBootstrap() {
        if (closed || meta != null) {
            return;
        }
        Collection<String> routed = routedJetStreamServers.get();
        Membership voters = MetaBootstrap.voters(self, expected, routed);
        if (voters == null) {
            long now = System.nanoTime();
            if (lastWaitLog == 0 || now - lastWaitLog > WAIT_LOG_NANOS) {
                lastWaitLog = now;
                LOG.info("JetStream cluster: waiting for {} more servers to form the meta group (routed to {})",
                        expected - 1 - routed.size(), List.copyOf(routed));
            }
            return;
        }
        try {
            openMeta(voters);
            LOG.info("JetStream cluster: meta group formed with {}", voters.voters());
        } catch (IOException | RuntimeException e) {
            LOG.error("JetStream cluster: the meta group could not be formed", e);
        }
        bootstrap.cancel(false);
    }

    private void openMeta(Membership voters) throws IOException {
        FileRaftStorage storage = FileRaftStorage.open(io, metaDir(), voters, SEGMENT_BYTES);
        meta = host.open(META, RaftConfig::of, storage, state);
        growth = timers.scheduleWithFixedDelay(this::grow, GROW_EVERY_MILLIS, GROW_EVERY_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    /**
     * The meta leader takes in the JetStream servers it is routed to that are not members yet, one step at a time:
     * first as a learner (replicated to, not counted), then, once it holds everything committed, as a voter. A
     * server that joins a running cluster may have formed a group of its own first (it waits for the servers its
     * routes name, then starts one): it never gathers a quorum (the members refuse a non-member's vote requests and
     * its log is empty), and the first membership entry it receives from the real leader replaces its view.
     */
    private void grow() {
        RaftGroup g = meta;
        if (closed || g == null || !g.isLeader()) {
            return;
        }
        Membership m = g.membership();
        Collection<String> routed = routedJetStreamServers.get();
        removed.retainAll(routed); // one that went away and comes back is taken in again
        for (String server : routed) {
            if (!m.isMember(server) && !removed.contains(server)) {
                LOG.info("JetStream cluster: adding {} to the meta group (as a learner first)", server);
                g.proposeMembership(m.withLearner(server));
                return;
            }
        }
        for (RaftNode.Replica r : g.replicas()) {
            if (m.isLearner(r.peer()) && r.match() >= g.commitIndex()) {
                LOG.info("JetStream cluster: {} caught up, now a voter of the meta group", r.peer());
                g.proposeMembership(m.with(r.peer()));
                return;
            }
        }
    }
}
