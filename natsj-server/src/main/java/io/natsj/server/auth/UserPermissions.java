package io.natsj.server.auth;

import io.natsj.server.auth.Permissions.ResponsePermission;
import io.natsj.server.auth.Permissions.SubjectPermission;
import io.natsj.server.auth.SubjectList.QueueAnswer;
import io.natsj.server.routing.Subjects;

import java.util.List;

/**
 * A user's {@link Permissions} compiled for the checks a connection makes, with nats-server's rules (2.11
 * {@code client.go}):
 * <ul>
 *   <li>publish: allowed when there is no allow list or an allow entry covers the subject, and no deny entry
 *       does;</li>
 *   <li>subscribe: an allow list must cover the subject with a plain entry; for a queue subscription, queue
 *       entries that cover the subject decide instead, by whether they name the queue group. A deny list refuses
 *       when a plain entry covers the subject; for a queue subscription, queue entries that cover the subject
 *       decide instead (refused when one names the group).</li>
 *   <li>a wildcard subscription that is allowed while a deny entry lies within it ({@code SUB foo.*} with
 *       {@code deny: foo.bar}) is kept, and the denied subjects are filtered out when messages are delivered.</li>
 * </ul>
 * Shared by every connection of the user; per-connection state (caches, response permits) lives in
 * {@link ConnectionPermissions}.
 *
 * <p>Threading: immutable; any thread.
 */
public final class UserPermissions {

    private final SubjectList pubAllow;
    private final SubjectList pubDeny;
    private final SubjectList subAllow;
    private final SubjectList subDeny;
    private final ResponsePermission responses;

    private UserPermissions(Permissions p) {
        SubjectPermission pub = p.publish();
        SubjectPermission sub = p.subscribe();
        pubAllow = pub == null || pub.allow() == null ? null : SubjectList.of(pub.allow(), false);
        pubDeny = pub == null ? null : nonEmpty(pub.deny(), false);
        subAllow = sub == null ? null : nonEmpty(sub.allow(), true);
        subDeny = sub == null ? null : nonEmpty(sub.deny(), true);
        responses = p.responses();
    }

    /** Compiles {@code p} as the server applies it ({@link Permissions#effective()}). */
    public static UserPermissions compile(Permissions p) {
        return new UserPermissions(p.effective());
    }

    private static SubjectList nonEmpty(List<String> entries, boolean queueEntries) {
        return entries == null || entries.isEmpty() ? null : SubjectList.of(entries, queueEntries);
    }

    /** Whether publishing is restricted at all (else every publish is allowed without looking). */
    public boolean restrictsPublish() {
        return pubAllow != null || pubDeny != null;
    }

    /** The publish rule for {@code subject}, without response permits. */
    public boolean publishAllowed(String subject) {
        if (pubAllow != null && !pubAllow.coversPlain(subject)) {
            return false;
        }
        return pubDeny == null || !pubDeny.coversPlain(subject);
    }

    /** Whether a subscription to {@code subject} ({@code queue} null for a plain one) is allowed. */
    public boolean subscribeAllowed(String subject, String queue) {
        if (subAllow != null) {
            boolean allowed = subAllow.coversPlain(subject);
            if (queue != null) {
                QueueAnswer q = subAllow.queueAnswer(subject, queue);
                if (q != QueueAnswer.NO_QUEUE_ENTRY) {
                    allowed = q == QueueAnswer.QUEUE_LISTED;
                }
            }
            if (!allowed) {
                return false;
            }
        }
        if (subDeny != null) {
            boolean allowed = !subDeny.coversPlain(subject);
            if (queue != null) {
                QueueAnswer q = subDeny.queueAnswer(subject, queue);
                if (q != QueueAnswer.NO_QUEUE_ENTRY) {
                    allowed = q == QueueAnswer.QUEUE_NOT_LISTED;
                }
            }
            return allowed;
        }
        return true;
    }

    /**
     * Whether an allowed subscription to {@code subject} could receive denied subjects (a deny entry lies within
     * it), so that deliveries must be filtered.
     */
    public boolean needsDeliveryFilter(String subject) {
        return subDeny != null && !Subjects.isLiteral(subject) && subDeny.anyPlainEntryWithin(subject);
    }

    /** Whether a message on {@code subject} must not be delivered because a subscribe deny entry covers it. */
    public boolean deliveryDenied(String subject) {
        return subDeny != null && subDeny.coversPlain(subject);
    }

    /** {@code allow_responses}, or null. */
    public ResponsePermission responses() {
        return responses;
    }
}
