package io.natsj.server.routing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The subscriptions of one subject space stored as a trie of tokens, walked to find the subscriptions matching a
 * published subject.
 *
 * <pre>
 * Level ── literal children by token ──► Node ── next ──► Level ...
 *       ── "*" child ─────────────────► Node
 *       ── "&gt;" child ─────────────────► Node   (holds subs only; nothing can follow "&gt;")
 * Node: plain subscriptions + queue subscriptions grouped by queue name, and the level of the next token
 * </pre>
 *
 * <p>Subscriptions are kept by identity ({@link Subscription} does not override equals). Empty nodes and levels
 * are pruned on removal, so memory follows the live subscriptions.
 *
 * <p>Threading: not thread-safe. {@link SubjectIndex} calls the mutators under its write lock and
 * {@link #match}/{@link #collectAll} under its read lock.
 */
final class SubjectTrie {

    private final Level root = new Level();
    private int count;

    /** Number of subscriptions stored. */
    int count() {
        return count;
    }

    /**
     * Adds {@code sub} under its subject, which must be a valid subscribe subject.
     *
     * @return false when this very subscription was already stored (nothing changes)
     */
    boolean insert(Subscription sub) {
        String subject = sub.subject();
        Level level = root;
        Node node = null;
        int start = 0;
        int len = subject.length();
        while (start <= len) {
            int end = Subjects.tokenEnd(subject, start);
            if (level == null) {
                level = node.next = new Level();
            }
            node = level.childOrCreate(subject, start, end);
            level = node.next;
            start = end + 1;
        }
        if (!node.add(sub)) {
            return false;
        }
        count++;
        return true;
    }

    /** Removes {@code sub} (by identity) and prunes what became empty; false when it was not stored. */
    boolean remove(Subscription sub) {
        String subject = sub.subject();
        int depth = Subjects.tokenCount(subject);
        if (depth == 0) {
            return false;
        }
        Level[] levels = new Level[depth];
        Node[] nodes = new Node[depth];
        String[] keys = new String[depth];
        Level level = root;
        int start = 0;
        for (int i = 0; i < depth; i++) {
            if (level == null) {
                return false;
            }
            int end = Subjects.tokenEnd(subject, start);
            String token = subject.substring(start, end);
            Node node = level.child(token);
            if (node == null) {
                return false;
            }
            levels[i] = level;
            nodes[i] = node;
            keys[i] = token;
            level = node.next;
            start = end + 1;
        }
        if (!nodes[depth - 1].remove(sub)) {
            return false;
        }
        count--;
        prune(levels, nodes, keys);
        return true;
    }

    private static void prune(Level[] levels, Node[] nodes, String[] keys) {
        for (int i = nodes.length - 1; i >= 0; i--) {
            if (!nodes[i].isEmpty()) {
                return;
            }
            levels[i].removeChild(keys[i]);
            if (i > 0 && levels[i].isEmpty()) {
                nodes[i - 1].next = null;
            }
        }
    }

    /** The subscriptions matching {@code subject}, which must have no empty token; tokens are taken literally. */
    SubjectMatch match(String subject) {
        Collector collector = new Collector();
        collect(root, subject, 0, collector);
        return collector.toMatch();
    }

    private static void collect(Level level, String subject, int start, Collector out) {
        int end = Subjects.tokenEnd(subject, start);
        boolean last = end == subject.length();
        if (level.rest != null) {
            out.add(level.rest);
        }
        if (level.any != null) {
            descend(level.any, subject, end, last, out);
        }
        if (level.literals != null) {
            Node node = level.literals.get(subject.substring(start, end));
            if (node != null) {
                descend(node, subject, end, last, out);
            }
        }
    }

    private static void descend(Node node, String subject, int end, boolean last, Collector out) {
        if (last) {
            out.add(node);
        } else if (node.next != null) {
            collect(node.next, subject, end + 1, out);
        }
    }

    /** Adds every stored subscription to {@code out}. */
    void collectAll(List<Subscription> out) {
        collectAll(root, out);
    }

    private static void collectAll(Level level, List<Subscription> out) {
        if (level == null) {
            return;
        }
        if (level.literals != null) {
            for (Node node : level.literals.values()) {
                collectAll(node, out);
            }
        }
        if (level.any != null) {
            collectAll(level.any, out);
        }
        if (level.rest != null) {
            collectAll(level.rest, out);
        }
    }

    private static void collectAll(Node node, List<Subscription> out) {
        if (node.plain != null) {
            out.addAll(node.plain);
        }
        if (node.queues != null) {
            for (Set<Subscription> members : node.queues.values()) {
                out.addAll(members);
            }
        }
        collectAll(node.next, out);
    }

    /** One token position: children by literal token, plus the wildcard children. */
    private static final class Level {
        Map<String, Node> literals;
        Node any;
        Node rest;

        Node child(String token) {
            if (token.length() == 1) {
                char c = token.charAt(0);
                if (c == Subjects.PARTIAL_WILDCARD) {
                    return any;
                }
                if (c == Subjects.FULL_WILDCARD) {
                    return rest;
                }
            }
            return literals == null ? null : literals.get(token);
        }

        Node childOrCreate(String subject, int start, int end) {
            if (end - start == 1) {
                char c = subject.charAt(start);
                if (c == Subjects.PARTIAL_WILDCARD) {
                    return any != null ? any : (any = new Node());
                }
                if (c == Subjects.FULL_WILDCARD) {
                    return rest != null ? rest : (rest = new Node());
                }
            }
            if (literals == null) {
                literals = new HashMap<>();
            }
            return literals.computeIfAbsent(subject.substring(start, end), t -> new Node());
        }

        void removeChild(String token) {
            if (token.length() == 1 && token.charAt(0) == Subjects.PARTIAL_WILDCARD) {
                any = null;
            } else if (token.length() == 1 && token.charAt(0) == Subjects.FULL_WILDCARD) {
                rest = null;
            } else if (literals != null) {
                literals.remove(token);
                if (literals.isEmpty()) {
                    literals = null;
                }
            }
        }

        boolean isEmpty() {
            return literals == null && any == null && rest == null;
        }
    }

    /** The end of a subject path: its subscriptions, and the level of the following token. */
    private static final class Node {
        Level next;
        Set<Subscription> plain;
        Map<String, Set<Subscription>> queues;

        boolean add(Subscription sub) {
            String queue = sub.queue();
            if (queue == null) {
                if (plain == null) {
                    plain = new LinkedHashSet<>();
                }
                return plain.add(sub);
            }
            if (queues == null) {
                queues = new LinkedHashMap<>();
            }
            return queues.computeIfAbsent(queue, q -> new LinkedHashSet<>()).add(sub);
        }

        boolean remove(Subscription sub) {
            String queue = sub.queue();
            if (queue == null) {
                if (plain == null || !plain.remove(sub)) {
                    return false;
                }
                if (plain.isEmpty()) {
                    plain = null;
                }
                return true;
            }
            Set<Subscription> members = queues == null ? null : queues.get(queue);
            if (members == null || !members.remove(sub)) {
                return false;
            }
            if (members.isEmpty()) {
                queues.remove(queue);
                if (queues.isEmpty()) {
                    queues = null;
                }
            }
            return true;
        }

        boolean isEmpty() {
            return plain == null && queues == null && (next == null || next.isEmpty());
        }
    }

    /** Gathers one match: plain subscriptions, and queue members grouped by queue name across nodes. */
    private static final class Collector {
        private final List<Subscription> plain = new ArrayList<>();
        private List<String> groupNames;
        private List<List<Subscription>> groups;

        void add(Node node) {
            if (node.plain != null) {
                plain.addAll(node.plain);
            }
            if (node.queues != null) {
                for (Map.Entry<String, Set<Subscription>> e : node.queues.entrySet()) {
                    group(e.getKey()).addAll(e.getValue());
                }
            }
        }

        private List<Subscription> group(String queue) {
            if (groupNames == null) {
                groupNames = new ArrayList<>(2);
                groups = new ArrayList<>(2);
            }
            int i = groupNames.indexOf(queue);
            if (i >= 0) {
                return groups.get(i);
            }
            List<Subscription> members = new ArrayList<>();
            groupNames.add(queue);
            groups.add(members);
            return members;
        }

        SubjectMatch toMatch() {
            Subscription[] p = plain.toArray(new Subscription[0]);
            Subscription[][] q;
            if (groups == null) {
                q = new Subscription[0][];
            } else {
                q = new Subscription[groups.size()][];
                for (int i = 0; i < q.length; i++) {
                    q[i] = groups.get(i).toArray(new Subscription[0]);
                }
            }
            return SubjectMatch.of(p, q);
        }
    }
}
