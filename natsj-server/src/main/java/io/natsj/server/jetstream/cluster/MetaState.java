package io.natsj.server.jetstream.cluster;

import io.natsj.server.raft.Entry;
import io.natsj.server.raft.Snapshot;
import io.natsj.server.raft.host.GroupStateMachine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The meta group's replicated state: every stream and consumer assignment of the cluster. Entries are JSON objects
 * ({@link #assign}, {@link #remove} make them); applying them in log order gives every server the same assignments,
 * and each server's listeners start or stop its own replicas.
 *
 * <pre>
 *  {"op":"assign", "account":…, "stream":…, "consumer":… (absent for a stream), "config":"&lt;API JSON&gt;",
 *   "group":…, "peers":[…], "memory":false, "created":&lt;epoch ns&gt;}
 *  {"op":"remove", "account":…, "stream":…, "consumer":…}   removing a stream removes its consumers
 *  snapshot: {"assignments":[ {the assign fields}, … ]}
 * </pre>
 *
 * <p>Threading: applied on the Raft host's thread; the assignments are readable from any thread.
 */
public final class MetaState implements GroupStateMachine {

    /** Told of every change, on the host's thread. */
    public interface Listener {
        void assigned(Assignment a);

        void removed(Assignment a);
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ConcurrentSkipListMap<Assignment.Key, Assignment> assignments = new ConcurrentSkipListMap<>(
            java.util.Comparator.comparing(Assignment.Key::account)
                    .thenComparing(Assignment.Key::stream)
                    .thenComparing(k -> k.consumer() == null ? "" : "\u0000" + k.consumer()));
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    public void addListener(Listener l) {
        listeners.add(l);
    }

    /** Every assignment, streams before their consumers. */
    public List<Assignment> assignments() {
        return List.copyOf(assignments.values());
    }

    /** The assignment of a stream ({@code consumer} null) or consumer, or null. */
    public Assignment get(String account, String stream, String consumer) {
        return assignments.get(new Assignment.Key(account, stream, consumer));
    }

    /** The entry that assigns (or re-assigns) {@code a}. */
    public static byte[] assign(Assignment a) {
        ObjectNode n = fields(a);
        n.put("op", "assign");
        return bytes(n);
    }

    /** The entry that removes a stream (with its consumers) or a consumer. */
    public static byte[] remove(String account, String stream, String consumer) {
        ObjectNode n = JSON.createObjectNode().put("op", "remove").put("account", account).put("stream", stream);
        if (consumer != null) {
            n.put("consumer", consumer);
        }
        return bytes(n);
    }

    @Override
    public void apply(Entry entry) {
        JsonNode n = JSON.readTree(entry.data());
        switch (n.path("op").asString("")) {
            case "assign" -> put(parse(n));
            case "remove" -> removeKey(new Assignment.Key(n.path("account").asString(), n.path("stream").asString(),
                    n.has("consumer") ? n.path("consumer").asString() : null));
            default -> throw new IllegalStateException("unknown meta entry " + n.path("op"));
        }
    }

    @Override
    public byte[] snapshot() {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode all = root.putArray("assignments");
        for (Assignment a : assignments.values()) {
            all.add(fields(a));
        }
        return bytes(root);
    }

    @Override
    public void restore(Snapshot snapshot) {
        Map<Assignment.Key, Assignment> next = new TreeMap<>(assignments.comparator());
        if (snapshot.data().length > 0) {
            for (JsonNode n : JSON.readTree(snapshot.data()).path("assignments")) {
                Assignment a = parse(n);
                next.put(a.key(), a);
            }
        }
        for (Assignment old : List.copyOf(assignments.values())) {
            if (!next.containsKey(old.key())) {
                removeKey(old.key());
            }
        }
        for (Assignment a : next.values()) {
            if (!a.equals(assignments.get(a.key()))) {
                put(a);
            }
        }
    }

    private void put(Assignment a) {
        assignments.put(a.key(), a);
        for (Listener l : listeners) {
            l.assigned(a);
        }
    }

    private void removeKey(Assignment.Key key) {
        List<Assignment> gone = new ArrayList<>();
        for (Assignment a : assignments.values()) {
            boolean same = a.account().equals(key.account()) && a.stream().equals(key.stream());
            if (same && (key.consumer() == null || key.consumer().equals(a.consumer()))) {
                gone.add(a);
            }
        }
        for (Assignment a : gone.reversed()) { // consumers before their stream
            assignments.remove(a.key());
            for (Listener l : listeners) {
                l.removed(a);
            }
        }
    }

    private static ObjectNode fields(Assignment a) {
        ObjectNode n = JSON.createObjectNode().put("account", a.account()).put("stream", a.stream());
        if (a.consumer() != null) {
            n.put("consumer", a.consumer());
        }
        n.put("config", a.config()).put("group", a.group());
        ArrayNode peers = n.putArray("peers");
        a.peers().forEach(peers::add);
        return n.put("memory", a.memory()).put("created", a.createdEpochNanos());
    }

    private static Assignment parse(JsonNode n) {
        List<String> peers = new ArrayList<>();
        n.path("peers").forEach(p -> peers.add(p.asString()));
        return new Assignment(n.path("account").asString(), n.path("stream").asString(),
                n.has("consumer") ? n.path("consumer").asString() : null, n.path("config").asString(),
                n.path("group").asString(), peers, n.path("memory").asBoolean(false), n.path("created").asLong(0));
    }

    private static byte[] bytes(JsonNode n) {
        return JSON.writeValueAsString(n).getBytes(StandardCharsets.UTF_8);
    }
}
