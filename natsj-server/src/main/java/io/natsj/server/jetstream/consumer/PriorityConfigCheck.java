package io.natsj.server.jetstream.consumer;


import io.natsj.server.jetstream.error.JsErrorCode;
import java.util.List;
import java.util.regex.Pattern;

/**
 * nats-server 2.11's rules for a consumer's {@code priority_groups}, {@code priority_policy} and
 * {@code priority_timeout}: the 2-minute default timeout of a {@code pinned_client} consumer, and the checks of a
 * consumer with a policy (not push: 10178; at least one group: 10159; no empty group name: 10161; names of 1 to 16
 * characters from {@code A-Z a-z 0-9 - _ / =}: 10162). Groups or a timeout without a policy are accepted, as 2.11
 * accepts them (2.12 refuses them with 10196 and 10197).
 *
 * <p>Threading: stateless.
 */
public final class PriorityConfigCheck {

    static final String OVERFLOW = "overflow";
    static final String PINNED_CLIENT = "pinned_client";
    /** nats-server's {@code JsDefaultPinnedTTL}. */
    static final long DEFAULT_PRIORITY_TIMEOUT = 120_000_000_000L;
    private static final Pattern GROUP_NAME = Pattern.compile("[a-zA-Z0-9/_=-]{1,16}");

    private PriorityConfigCheck() {
    }

    /** Whether {@code name} is a valid priority group name. */
    public static boolean isValidGroupName(String name) {
        return GROUP_NAME.matcher(name).matches();
    }

    /** A {@code pinned_client} consumer without a timeout gets nats-server's 2 minutes. */
    static ConsumerConfig withDefaults(ConsumerConfig c) {
        if (PINNED_CLIENT.equals(c.priorityPolicy()) && c.priorityTimeout() == 0) {
            return c.withPriorityTimeout(DEFAULT_PRIORITY_TIMEOUT);
        }
        return c;
    }

    /** The checks of a config with a priority policy. */
    static void check(ConsumerConfig c) {
        if (c.priorityPolicy() == null || c.priorityPolicy().isEmpty()) {
            return;
        }
        if (c.isPush()) {
            throw JsErrorCode.CONSUMER_PUSH_WITH_PRIORITY_GROUP.error().exception();
        }
        List<String> groups = c.priorityGroups();
        if (groups == null || groups.isEmpty()) {
            throw JsErrorCode.CONSUMER_PRIORITY_POLICY_WITHOUT_GROUP.error().exception();
        }
        for (String group : groups) {
            if (group.isEmpty()) {
                throw JsErrorCode.CONSUMER_EMPTY_GROUP_NAME.error().exception();
            }
            if (!isValidGroupName(group)) {
                throw JsErrorCode.CONSUMER_INVALID_GROUP_NAME.error().exception();
            }
        }
    }
}
