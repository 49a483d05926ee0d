package io.natsj.server.jetstream.cluster;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Chooses the servers that hold a replicated stream (or its new replicas), with nats-server's rules: only servers of
 * the target cluster that were heard from; none tagged {@code !jetstream}; every placement tag present (a tag written
 * {@code !t} must be absent); room for the stream's {@code max_bytes} in the storage it uses; at most one server per
 * value of the unique tag ({@code unique_tag} prefix) unless the placement names that tag; enough online servers for a
 * quorum. Among the fit, online servers first, then most available storage (fewest streams on a tie); a replicated
 * stream then goes to the servers holding the fewest replicated assets. The same inputs and random source give the
 * same choice (servers are shuffled first, as nats-server does, so equal ones share the load).
 *
 * <p>Threading: stateless; safe from any thread.
 */
public final class PeerPlacement {

    /** A server that may hold replicas, as the meta leader knows it. */
    public record Candidate(String id, String cluster, Set<String> tags, boolean heardFrom, boolean offline,
                            long availableMemory, long availableStore, int replicatedAssets, int streams) {
    }

    /** What to place. {@code tags} may hold {@code !tag} exclusions; {@code existing} peers are kept first. */
    public record Request(int replicas, String cluster, boolean memory, long maxBytes, List<String> tags,
                          String uniqueTagPrefix, List<String> existing, Set<String> ignore) {
    }

    /**
     * Why no placement was found, worded as nats-server's {@code selectPeerError} (error 10005, "no suitable peers for
     * placement" with the reasons that applied).
     */
    public static final class NoPeers extends Exception {
        private final boolean offline;
        private final boolean excludeTag;
        private final boolean noStorage;
        private final boolean uniqueTag;
        private final boolean misc;
        private final boolean noJetStreamCluster;
        private final Set<String> missingTags;
        private final Set<String> excludedTags;

        NoPeers(boolean offline, boolean excludeTag, boolean noStorage, boolean uniqueTag, boolean misc,
                boolean noJetStreamCluster, Set<String> missingTags, Set<String> excludedTags) {
            super(null, null, false, false);
            this.offline = offline;
            this.excludeTag = excludeTag;
            this.noStorage = noStorage;
            this.uniqueTag = uniqueTag;
            this.misc = misc;
            this.noJetStreamCluster = noJetStreamCluster;
            this.missingTags = missingTags;
            this.excludedTags = excludedTags;
        }

        @Override
        public String getMessage() {
            StringBuilder b = new StringBuilder("no suitable peers for placement");
            reason(b, offline, "peer offline");
            reason(b, excludeTag, "exclude tag set");
            reason(b, noStorage, "insufficient storage");
            reason(b, uniqueTag, "server tag not unique");
            reason(b, misc, "miscellaneous issue");
            reason(b, noJetStreamCluster, "jetstream not enabled in cluster");
            tags(b, "tags not matched", missingTags);
            tags(b, "tags excluded", excludedTags);
            return b.toString();
        }

        private static void reason(StringBuilder b, boolean applies, String text) {
            if (applies) {
                b.append(", ").append(text);
            }
        }

        private static void tags(StringBuilder b, String what, Set<String> tags) {
            if (!tags.isEmpty()) {
                b.append(", ").append(what).append(" [");
                int i = 0;
                for (String t : tags) {
                    b.append(i++ > 0 ? ", " : "").append('\'').append(t).append('\'');
                }
                b.append(']');
            }
        }
    }

    /** The tag that keeps a server out of every placement. */
    public static final String EXCLUDE_PLACEMENT = "!jetstream";

    private PeerPlacement() {
    }

    /** The chosen servers: {@code existing} first, then new ones; {@link NoPeers} when too few fit. */
    public static List<String> choose(Request req, List<Candidate> candidates, RandomGenerator random)
            throws NoPeers {
        if (req.existing().size() >= req.replicas()) {
            return List.copyOf(req.existing().subList(0, req.replicas()));
        }
        Selection sel = new Selection(req);
        List<Candidate> shuffled = new ArrayList<>(candidates);
        for (int i = shuffled.size() - 1; i > 0; i--) { // Fisher–Yates
            int j = random.nextInt(i + 1);
            shuffled.set(i, shuffled.set(j, shuffled.get(i)));
        }
        for (String p : req.existing()) {
            candidates.stream().filter(c -> c.id().equals(p)).findFirst().ifPresent(sel::claimUniqueTag);
        }
        List<Candidate> fit = new ArrayList<>();
        int online = 0;
        for (Candidate c : shuffled) {
            if (sel.fits(c)) {
                fit.add(c);
                online += c.offline() ? 0 : 1;
            }
        }
        int needed = req.replicas() - req.existing().size();
        boolean missingNodes = fit.size() < needed;
        boolean missingQuorum = online + req.existing().size() < req.replicas() / 2 + 1;
        if (missingNodes || missingQuorum) {
            throw sel.failure(candidates.isEmpty(), !missingNodes && missingQuorum);
        }
        Comparator<Candidate> order = Comparator.comparing(Candidate::offline)
                .thenComparing(Comparator.comparingLong((Candidate c) -> available(c, req.memory())).reversed())
                .thenComparingInt(Candidate::streams);
        fit.sort(order);
        if (req.replicas() > 1) {
            fit.sort(Comparator.comparing(Candidate::offline).thenComparingInt(Candidate::replicatedAssets));
        }
        List<String> out = new ArrayList<>(req.existing());
        for (int i = 0; i < needed; i++) {
            out.add(fit.get(i).id());
        }
        return out;
    }

    private static long available(Candidate c, boolean memory) {
        return memory ? c.availableMemory() : c.availableStore();
    }

    /** One placement's filter and what it turned away, for the error. */
    private static final class Selection {
        private final Request req;
        private final String uniquePrefix;
        private final Map<String, String> uniqueOwners = new HashMap<>();
        private final Set<String> existing;
        private boolean offline;
        private boolean excludeTag;
        private boolean noStorage;
        private boolean uniqueTag;
        private final Set<String> missingTags = new LinkedHashSet<>();
        private final Set<String> excludedTags = new LinkedHashSet<>();

        Selection(Request req) {
            this.req = req;
            this.existing = new HashSet<>(req.existing());
            String prefix = req.uniqueTagPrefix() == null ? "" : req.uniqueTagPrefix();
            for (String t : req.tags()) {
                if (!prefix.isEmpty() && stripped(t).startsWith(prefix)) {
                    prefix = ""; // the placement names the unique tag itself: no uniqueness check
                }
            }
            this.uniquePrefix = prefix;
        }

        boolean fits(Candidate c) {
            if (!c.cluster().equals(req.cluster())) {
                return false;
            }
            if (!c.heardFrom()) {
                offline = true;
                return false;
            }
            if (req.ignore().contains(c.id()) || existing.contains(c.id())) {
                return false;
            }
            if (c.tags().contains(EXCLUDE_PLACEMENT)) {
                excludeTag = true;
                return false;
            }
            if (!tagsMatch(c)) {
                return false;
            }
            if (req.maxBytes() > 0 && req.maxBytes() > available(c, req.memory())) {
                noStorage = true;
                return false;
            }
            if (!uniquePrefix.isEmpty() && !claimUniqueTag(c)) {
                uniqueTag = true;
                return false;
            }
            return true;
        }

        private boolean tagsMatch(Candidate c) {
            for (String t : req.tags()) {
                boolean exclude = t.startsWith("!");
                String tag = stripped(t);
                boolean has = c.tags().contains(tag);
                if (exclude && has) {
                    excludedTags.add(tag);
                    return false;
                }
                if (!exclude && !has) {
                    missingTags.add(tag);
                    return false;
                }
            }
            return true;
        }

        /** Takes the candidate's unique tag value; false when another server holds it, or it has none. */
        boolean claimUniqueTag(Candidate c) {
            if (uniquePrefix.isEmpty()) {
                return true;
            }
            for (String t : c.tags()) {
                if (t.startsWith(uniquePrefix)) {
                    return uniqueOwners.putIfAbsent(t, c.id()) == null;
                }
            }
            return false;
        }

        NoPeers failure(boolean noCandidates, boolean quorumOnly) {
            return new NoPeers(offline || quorumOnly, excludeTag, noStorage, uniqueTag, false, noCandidates,
                    missingTags, excludedTags);
        }

        private static String stripped(String t) {
            return t.startsWith("!") ? t.substring(1) : t;
        }
    }
}
