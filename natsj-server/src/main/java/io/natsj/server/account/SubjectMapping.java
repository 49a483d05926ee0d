package io.natsj.server.account;

import io.natsj.server.routing.SubjectTransform;
import io.natsj.server.routing.Subjects;

/**
 * How an import renames subjects between two accounts: unchanged, to a fixed subject, or with the wildcard tokens
 * of the source carried into the destination in order ({@code foo.*.>} to {@code bar.*.>} maps
 * {@code foo.a.b.c} to {@code bar.a.b.c}), as nats-server maps imports.
 *
 * <p>Threading: immutable.
 */
final class SubjectMapping {

    private final String from;
    private final String to;
    private final SubjectTransform transform;

    private SubjectMapping(String from, String to, SubjectTransform transform) {
        this.from = from;
        this.to = to;
        this.transform = transform;
    }

    /**
     * The mapping from subjects matching {@code from} to {@code to}.
     *
     * @throws IllegalArgumentException when the destination's wildcards do not fit the source's
     */
    static SubjectMapping of(String from, String to) {
        if (to == null || to.equals(from)) {
            return new SubjectMapping(from, from, null);
        }
        if (Subjects.isLiteral(from) || Subjects.isLiteral(to)) {
            return new SubjectMapping(from, to, null);
        }
        return new SubjectMapping(from, to, SubjectTransform.compile(from, positional(to)));
    }

    /** nats-server's "transform tokenize": the i-th {@code *} of a destination becomes {@code $i}. */
    private static String positional(String to) {
        String[] tokens = to.split("\\.", -1);
        int n = 0;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < tokens.length; i++) {
            if (i > 0) {
                sb.append('.');
            }
            sb.append(tokens[i].equals("*") ? "$" + (++n) : tokens[i]);
        }
        return sb.toString();
    }

    /** The subject {@code subject} (matched by the source) becomes. */
    String apply(String subject) {
        if (transform != null) {
            return transform.apply(subject);
        }
        return to.equals(from) ? subject : to;
    }
}
