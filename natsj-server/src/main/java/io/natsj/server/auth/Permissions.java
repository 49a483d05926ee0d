package io.natsj.server.auth;

import java.time.Duration;
import java.util.List;

/**
 * A user's permissions as configured ({@code permissions { publish, subscribe, allow_responses }}), with
 * nats-server's meaning:
 * <ul>
 *   <li>{@code publish}/{@code subscribe} null: no restriction of that kind.</li>
 *   <li>{@link SubjectPermission#allow()} null: everything is allowed unless denied; an empty publish allow list
 *       (what {@code allow_responses} sets when no publish allow list is given) allows nothing. An empty
 *       subscribe allow list counts as no list.</li>
 *   <li>Deny wins over allow. Entries may hold wildcards; a subscribe entry may be {@code "subject queue"}, which
 *       concerns queue subscriptions in that queue group (the queue name may itself hold wildcards).</li>
 *   <li>{@code responses} non-null: the user may publish to the reply subject of each request it receives, at
 *       most {@code maxMsgs} times (negative: no limit) within {@code expires} (negative: no limit).</li>
 * </ul>
 * Compiled for matching by {@link UserPermissions}.
 *
 * <p>Threading: immutable.
 *
 * @param publish   publish permission, or null
 * @param subscribe subscribe permission, or null
 * @param responses response permission, or null
 */
public record Permissions(SubjectPermission publish, SubjectPermission subscribe, ResponsePermission responses) {

    /** nats-server's defaults for {@code allow_responses: true} and for a 0 in its map form. */
    public static final int DEFAULT_RESPONSE_MAX_MSGS = 1;
    public static final Duration DEFAULT_RESPONSE_EXPIRES = Duration.ofMinutes(2);

    /**
     * Allow and deny lists of one direction.
     *
     * @param allow subjects allowed, or null for "no allow list"
     * @param deny  subjects denied, or null
     */
    public record SubjectPermission(List<String> allow, List<String> deny) {
        public SubjectPermission {
            allow = allow == null ? null : List.copyOf(allow);
            deny = deny == null ? null : List.copyOf(deny);
        }
    }

    /**
     * {@code allow_responses}.
     *
     * @param maxMsgs responses allowed per request received; negative for no limit
     * @param expires how long after the request they are allowed; negative for no limit
     */
    public record ResponsePermission(int maxMsgs, Duration expires) {
        /** {@code allow_responses: true}. */
        public static final ResponsePermission DEFAULT =
                new ResponsePermission(DEFAULT_RESPONSE_MAX_MSGS, DEFAULT_RESPONSE_EXPIRES);
    }

    /**
     * These permissions as a server applies them: with a response permission, a publish permission without an
     * allow list gets an empty one (publishing is then limited to replies and explicit allows), as nats-server
     * does.
     */
    public Permissions effective() {
        if (responses == null || (publish != null && publish.allow() != null)) {
            return this;
        }
        SubjectPermission pub = new SubjectPermission(List.of(), publish == null ? null : publish.deny());
        return new Permissions(pub, subscribe, responses);
    }
}
