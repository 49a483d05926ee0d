package io.natsj.server.routing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A subject mapping as nats-server writes them ({@code src} with wildcards, {@code dest} built from them), used by
 * a stream's {@code subject_transform} and {@code republish}. Destination tokens may be literals, {@code $n} or
 * {@code {{wildcard(n)}}} (the n-th {@code *} of the source, from 1), {@code {{partition(k,n,...)}}} (a partition
 * number from 0 to k-1, from the FNV-1a hash of the given wildcards' values, or of the whole subject when none are
 * given), and a final {@code >} when the source ends with {@code >}.
 *
 * <p>Threading: immutable.
 */
public final class SubjectTransform {

    private static final Pattern WILDCARD = Pattern.compile("\\{\\{\\s*wildcard\\s*\\(\\s*(\\d+)\\s*\\)\\s*}}");
    private static final Pattern PARTITION =
            Pattern.compile("\\{\\{\\s*partition\\s*\\(\\s*(\\d+)\\s*((?:,\\s*\\d+\\s*)*)\\)\\s*}}");
    private static final Pattern LEGACY = Pattern.compile("\\$(\\d+)");

    /** One destination token. */
    private sealed interface Part permits Literal, Wildcard, Partition, Rest {
    }

    private record Literal(String text) implements Part {
    }

    private record Wildcard(int index) implements Part {
    }

    private record Partition(int buckets, int[] indexes) implements Part {
    }

    private record Rest() implements Part {
    }

    private final String[] src;
    private final List<Part> dest;

    private SubjectTransform(String[] src, List<Part> dest) {
        this.src = src;
        this.dest = dest;
    }

    /**
     * Compiles a mapping; an empty {@code src} means {@code >}.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static SubjectTransform compile(String src, String dest) {
        String source = src == null || src.isEmpty() ? ">" : src;
        if (!Subjects.isValidSubscribeSubject(source)) {
            throw new IllegalArgumentException("invalid subject " + source);
        }
        if (dest == null || dest.isEmpty()) {
            throw new IllegalArgumentException("invalid transform destination");
        }
        String[] srcTokens = source.split("\\.", -1);
        int wildcards = 0;
        for (String t : srcTokens) {
            if (t.equals("*")) {
                wildcards++;
            }
        }
        boolean fullWildcard = srcTokens[srcTokens.length - 1].equals(">");
        List<Part> parts = new ArrayList<>();
        String[] destTokens = dest.split("\\.", -1);
        for (int i = 0; i < destTokens.length; i++) {
            parts.add(part(destTokens[i], i == destTokens.length - 1, wildcards, fullWildcard));
        }
        return new SubjectTransform(srcTokens, List.copyOf(parts));
    }

    private static Part part(String token, boolean last, int wildcards, boolean fullWildcard) {
        if (token.isEmpty()) {
            throw new IllegalArgumentException("invalid transform destination");
        }
        if (token.equals(">")) {
            if (!last || !fullWildcard) {
                throw new IllegalArgumentException("invalid transform destination: '>' needs a source ending in '>'");
            }
            return new Rest();
        }
        Matcher m = WILDCARD.matcher(token);
        if (m.matches()) {
            return wildcard(Integer.parseInt(m.group(1)), wildcards);
        }
        m = LEGACY.matcher(token);
        if (m.matches()) {
            return wildcard(Integer.parseInt(m.group(1)), wildcards);
        }
        m = PARTITION.matcher(token);
        if (m.matches()) {
            int buckets = Integer.parseInt(m.group(1));
            String rest = m.group(2).trim();
            List<Integer> idx = new ArrayList<>();
            for (String s : rest.split(",")) {
                if (!s.isBlank()) {
                    idx.add(wildcard(Integer.parseInt(s.trim()), wildcards).index());
                }
            }
            if (buckets <= 0) {
                throw new IllegalArgumentException("invalid partition count " + buckets);
            }
            return new Partition(buckets, idx.stream().mapToInt(Integer::intValue).toArray());
        }
        if (token.contains("{{")) {
            throw new IllegalArgumentException("transform function not supported by natsj: " + token);
        }
        if (token.equals("*")) {
            throw new IllegalArgumentException("invalid transform destination: wildcard in destination");
        }
        return new Literal(token);
    }

    private static Wildcard wildcard(int index, int wildcards) {
        if (index < 1 || index > wildcards) {
            throw new IllegalArgumentException("wildcard index " + index + " out of range");
        }
        return new Wildcard(index);
    }

    /** The mapped subject, or null when {@code subject} does not match the source. */
    public String apply(String subject) {
        String[] tokens = subject.split("\\.", -1);
        List<String> values = new ArrayList<>();
        int restFrom = -1;
        int i = 0;
        for (; i < src.length; i++) {
            String s = src[i];
            if (s.equals(">")) {
                if (i >= tokens.length) {
                    return null;
                }
                restFrom = i;
                break;
            }
            if (i >= tokens.length) {
                return null;
            }
            if (s.equals("*")) {
                values.add(tokens[i]);
            } else if (!s.equals(tokens[i])) {
                return null;
            }
        }
        if (restFrom < 0 && tokens.length != src.length) {
            return null;
        }
        StringBuilder out = new StringBuilder(subject.length() + 16);
        for (Part p : dest) {
            if (!out.isEmpty()) {
                out.append('.');
            }
            switch (p) {
                case Literal l -> out.append(l.text());
                case Wildcard w -> out.append(values.get(w.index() - 1));
                case Partition part -> out.append(partition(part, values, subject));
                case Rest r -> out.append(String.join(".", java.util.Arrays.copyOfRange(tokens, restFrom,
                        tokens.length)));
            }
        }
        return out.toString();
    }

    private static long partition(Partition p, List<String> values, String subject) {
        StringBuilder key = new StringBuilder();
        if (p.indexes().length == 0) {
            key.append(subject);
        } else {
            for (int idx : p.indexes()) {
                key.append(values.get(idx - 1));
            }
        }
        int hash = 0x811c9dc5;
        for (byte b : key.toString().getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x01000193;
        }
        return Integer.toUnsignedLong(hash) % p.buckets();
    }
}
