package io.natsj.server.auth;

import io.natsj.server.routing.Subjects;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One allow or deny list of a permission, compiled for matching the way nats-server matches a subject against its
 * permission sublists: the tokens of the subject being checked are taken literally, so a {@code *} or {@code >}
 * token in it is only matched by an entry's wildcard at that position ({@code foo.*} covers {@code SUB foo.*}, and
 * also {@code SUB foo.>}; {@code foo.bar} covers neither).
 *
 * <p>Literal entries are found by one hash lookup, wildcard entries by a scan. A subscribe list may hold
 * {@code "subject queue"} entries, kept apart: they concern queue subscriptions only.
 *
 * <p>Entries from the configuration are Unicode text; they are stored the way subjects arrive from the wire (UTF-8
 * bytes, one char per byte) so that they compare with what clients send.
 *
 * <p>Threading: immutable after construction.
 */
final class SubjectList {

    /** How the queue entries of a list answer for a queue subscription. */
    enum QueueAnswer {
        /** No queue entry covers the subject: the plain entries decide. */
        NO_QUEUE_ENTRY,
        /** A queue entry covers the subject and names this queue group. */
        QUEUE_LISTED,
        /** Queue entries cover the subject, none names this queue group. */
        QUEUE_NOT_LISTED
    }

    private final Set<String> literals = new HashSet<>();
    private final List<String> wildcards = new ArrayList<>();
    private final List<String> plainEntries = new ArrayList<>();
    private final List<String[]> queueEntries = new ArrayList<>();

    private SubjectList() {
    }

    /**
     * Compiles {@code entries}; with {@code queueEntries} an entry with two white-space separated fields is a
     * {@code "subject queue"} entry (and one with more is ignored, as nats-server logs and skips it).
     */
    static SubjectList of(List<String> entries, boolean queueEntries) {
        SubjectList list = new SubjectList();
        for (String entry : entries) {
            String wire = Subjects.fromText(entry);
            if (queueEntries) {
                String[] fields = wire.strip().split("\\s+");
                if (fields.length == 2) {
                    list.queueEntries.add(fields);
                    continue;
                }
                if (fields.length > 2) {
                    continue;
                }
                wire = fields[0];
            }
            list.plainEntries.add(wire);
            if (Subjects.isLiteral(wire)) {
                list.literals.add(wire);
            } else {
                list.wildcards.add(wire);
            }
        }
        return list;
    }

    /** Whether a plain (not queue-scoped) entry covers {@code subject}. */
    boolean coversPlain(String subject) {
        if (literals.contains(subject)) {
            return true;
        }
        for (String w : wildcards) {
            if (Subjects.matches(w, subject)) {
                return true;
            }
        }
        return false;
    }

    /** What the queue entries say about a subscription to {@code subject} in queue group {@code queue}. */
    QueueAnswer queueAnswer(String subject, String queue) {
        boolean covered = false;
        for (String[] e : queueEntries) {
            if (!Subjects.matches(e[0], subject)) {
                continue;
            }
            covered = true;
            String name = e[1];
            if (name.equals(queue) || (!Subjects.isLiteral(name) && Subjects.subjectIsSubsetMatch(queue, name))) {
                return QueueAnswer.QUEUE_LISTED;
            }
        }
        return covered ? QueueAnswer.QUEUE_NOT_LISTED : QueueAnswer.NO_QUEUE_ENTRY;
    }

    /** Whether some plain entry lies within {@code subject} (a subscription subject that may hold wildcards). */
    boolean anyPlainEntryWithin(String subject) {
        for (String e : plainEntries) {
            if (Subjects.subjectIsSubsetMatch(e, subject)) {
                return true;
            }
        }
        return false;
    }

    boolean isEmpty() {
        return plainEntries.isEmpty() && queueEntries.isEmpty();
    }
}
