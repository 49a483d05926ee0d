package io.natsj.server.jetstream.consumer;

import io.natsj.server.jetstream.consumer.ConsumerConfig.AckPolicy;
import io.natsj.server.jetstream.error.JsApiException;
import io.natsj.server.jetstream.error.JsErrorCode;
import io.natsj.server.jetstream.stream.StreamConfig;
import io.natsj.server.jetstream.stream.StreamConfigCheck;
import io.natsj.server.routing.Subjects;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * nats-server's rules for consumer configurations: the defaults a create fills in ({@code max_waiting} 512 for
 * pull, {@code ack_wait} 30 s, {@code max_deliver} -1, {@code max_ack_pending} 1000 with acks, the first backoff as
 * ack wait) and the checks that refuse a config, each with nats-server's error.
 *
 * <p>Threading: stateless.
 */
public final class ConsumerConfigCheck {

    static final int DEFAULT_MAX_WAITING = 512;
    static final long DEFAULT_ACK_WAIT = 30_000_000_000L;
    static final int DEFAULT_MAX_ACK_PENDING = 1000;
    static final long DEFAULT_EPHEMERAL_INACTIVE = 5_000_000_000L;
    private static final int MAX_DESCRIPTION_LEN = 4 * 1024;
    private static final long MS_100 = 100_000_000L;

    private ConsumerConfigCheck() {
    }

    private static JsApiException err(JsErrorCode code) {
        return code.error().exception();
    }

    /** Fills in nats-server's defaults from the consumer's own fields and the stream's consumer limits. */
    public static ConsumerConfig withDefaults(ConsumerConfig c, StreamConfig stream) {
        return withDefaults(c, stream, -1);
    }

    /**
     * As {@link #withDefaults(ConsumerConfig, StreamConfig)}, with the account's {@code max_ack_pending} limit
     * (-1: none) lowering the default.
     */
    public static ConsumerConfig withDefaults(ConsumerConfig c, StreamConfig stream, int accountMaxAckPending) {
        int maxWaiting = !c.isPush() && c.maxWaiting() == 0 ? DEFAULT_MAX_WAITING : c.maxWaiting();
        boolean acks = c.ackPolicy() == AckPolicy.EXPLICIT || c.ackPolicy() == AckPolicy.ALL;
        long ackWait = c.ackWait() == 0 && acks ? DEFAULT_ACK_WAIT : c.ackWait();
        int maxDeliver = c.maxDeliver() == 0 ? -1 : c.maxDeliver();
        if (c.backoff() != null && !c.backoff().isEmpty()) {
            ackWait = c.backoff().get(0);
        }
        int maxAckPending = c.maxAckPending() == 0 ? stream.consumerLimits().maxAckPending() : c.maxAckPending();
        long inactive = c.inactiveThreshold() == 0 ? stream.consumerLimits().inactiveThreshold()
                : c.inactiveThreshold();
        if (inactive == 0 && !c.isDurable()) {
            inactive = DEFAULT_EPHEMERAL_INACTIVE; // nats-server stamps the 5 s default into ephemerals' config
        }
        if (acks && maxAckPending == 0) {
            maxAckPending = accountMaxAckPending > 0 ? Math.min(DEFAULT_MAX_ACK_PENDING, accountMaxAckPending)
                    : DEFAULT_MAX_ACK_PENDING;
        }
        Map<String, String> metadata = new LinkedHashMap<>(c.metadata() == null ? Map.of() : c.metadata());
        metadata.remove(StreamConfigCheck.VERSION_KEY);
        metadata.remove(StreamConfigCheck.LEVEL_KEY);
        metadata.put(StreamConfigCheck.REQUIRED_LEVEL_KEY, c.pauseUntil() != null ? "1" : "0");
        return PriorityConfigCheck.withDefaults(c.withDefaults(maxWaiting, ackWait, maxDeliver, maxAckPending,
                inactive, metadata));
    }

    /** The checks of a config with its defaults applied, against its stream. */
    public static void check(ConsumerConfig c, StreamConfig stream) {
        check(c, stream, -1);
    }

    /** As {@link #check(ConsumerConfig, StreamConfig)}, with the account's {@code max_ack_pending} limit (-1: none). */
    public static void check(ConsumerConfig c, StreamConfig stream, int accountMaxAckPending) {
        if (c.replicas() > 0 && c.replicas() > stream.replicas()) {
            throw err(JsErrorCode.CONSUMER_REPLICAS_EXCEEDS_STREAM);
        }
        if (c.replicas() < 0) {
            throw err(JsErrorCode.REPLICAS_COUNT_CANNOT_BE_NEGATIVE);
        }
        if (c.backoff() != null && !c.backoff().isEmpty() && c.maxDeliver() != -1
                && c.backoff().size() > c.maxDeliver()) {
            throw err(JsErrorCode.CONSUMER_MAX_DELIVER_BACKOFF);
        }
        if (c.description().length() > MAX_DESCRIPTION_LEN) {
            throw JsErrorCode.CONSUMER_DESCRIPTION_TOO_LONG.with("max", Integer.toString(MAX_DESCRIPTION_LEN))
                    .exception();
        }
        if (c.isPush()) {
            checkPush(c, stream);
        } else {
            checkPull(c, stream);
        }
        if (stream.consumerLimits().maxAckPending() > 0 && c.maxAckPending() > stream.consumerLimits()
                .maxAckPending()) {
            throw JsErrorCode.CONSUMER_MAX_PENDING_ACK_EXCESS.with("limit",
                    Integer.toString(stream.consumerLimits().maxAckPending())).exception();
        }
        if (accountMaxAckPending > 0 && c.maxAckPending() > accountMaxAckPending) {
            throw JsErrorCode.CONSUMER_MAX_PENDING_ACK_EXCESS.with("limit", Integer.toString(accountMaxAckPending))
                    .exception();
        }
        if (c.direct()) {
            if (!c.isPush()) {
                throw err(JsErrorCode.CONSUMER_DIRECT_REQUIRES_PUSH);
            }
            if (c.isDurable()) {
                throw err(JsErrorCode.CONSUMER_DIRECT_REQUIRES_EPHEMERAL);
            }
        }
        checkFilters(c);
        checkDeliverPolicy(c);
        if (!c.sampleFreq().isEmpty()) {
            String s = c.sampleFreq().endsWith("%") ? c.sampleFreq().substring(0, c.sampleFreq().length() - 1)
                    : c.sampleFreq();
            try {
                if (Integer.parseInt(s) < 0) {
                    throw JsErrorCode.CONSUMER_INVALID_SAMPLING.with("err", "<nil>").exception();
                }
            } catch (NumberFormatException e) {
                throw JsErrorCode.CONSUMER_INVALID_SAMPLING.with("err",
                        "strconv.Atoi: parsing \"" + s + "\": invalid syntax").exception();
            }
        }
        PriorityConfigCheck.check(c);
        if (stream.retention() == StreamConfig.Retention.WORKQUEUE && c.ackPolicy() != AckPolicy.EXPLICIT) {
            throw err(JsErrorCode.CONSUMER_WQ_REQUIRES_EXPLICIT_ACK);
        }
        if (stream.retention() == StreamConfig.Retention.WORKQUEUE
                && c.deliverPolicy() != ConsumerConfig.DeliverPolicy.ALL) {
            throw err(JsErrorCode.CONSUMER_WQ_CONSUMER_NOT_DELIVER_ALL);
        }
    }

    /**
     * The changes nats-server 2.11 refuses when a config replaces an existing consumer's (consumer.go
     * checkNewConsumerConfig), in its order; the new config has passed {@link #check} already. Anything else may
     * change: description, ack wait, max deliver, backoff, filters, rate limit, sample frequency, max ack pending,
     * headers only, the pull request limits, inactive threshold, metadata, pause, priority settings, the storage
     * flag (the consumer keeps the storage it was created with, as nats-server does), the deliver group and, for
     * a push consumer nobody listens to, the deliver subject. 2.9.10 refused the same fields (and checked max
     * waiting before heart beats); newer servers than 2.11 also refuse storage, direct and sourcing changes.
     *
     * @param hasInterest whether a subject has subscribers in the account (a bound push consumer's deliver subject
     *                    can not change)
     */
    public static void checkUpdate(ConsumerConfig old, ConsumerConfig cfg, Predicate<String> hasInterest) {
        String reason = null;
        if (old.deliverPolicy() != cfg.deliverPolicy()) {
            reason = "deliver policy can not be updated";
        } else if (old.optStartSeq() != cfg.optStartSeq()) {
            reason = "start sequence can not be updated";
        } else if (!Objects.equals(old.optStartTime(), cfg.optStartTime())) {
            reason = "start time can not be updated";
        } else if (old.ackPolicy() != cfg.ackPolicy()) {
            reason = "ack policy can not be updated";
        } else if (old.replayPolicy() != cfg.replayPolicy()) {
            reason = "replay policy can not be updated";
        } else if (old.idleHeartbeat() != cfg.idleHeartbeat()) {
            reason = "heart beats can not be updated";
        } else if (old.flowControl() != cfg.flowControl()) {
            reason = "flow control can not be updated";
        } else if (!Objects.equals(old.deliverSubject(), cfg.deliverSubject())) {
            if (!old.isPush()) {
                reason = "can not update pull consumer to push based";
            } else if (!cfg.isPush()) {
                reason = "can not update push consumer to pull based";
            } else if (hasInterest.test(old.deliverSubject())) {
                throw err(JsErrorCode.CONSUMER_NAME_EXIST);
            }
        }
        if (reason == null && old.maxWaiting() != cfg.maxWaiting()) {
            reason = "max waiting can not be updated";
        }
        if (reason != null) {
            throw JsErrorCode.CONSUMER_CREATE.with("err", reason).exception();
        }
        // nats-server's last check, a backoff longer than max deliver (10116), is check()'s too
    }

    /**
     * nats-server's check when a consumer of a work-queue stream is updated (stream.go partitionUnique): its new
     * filters may not collide with another consumer's, and no other consumer may be unfiltered (10100). Unlike a
     * create, an update to no filter at all passes.
     */
    public static void checkWorkQueueUpdate(String name, ConsumerConfig cfg, Map<String, Consumer> consumers) {
        for (String filter : cfg.filters()) {
            for (Map.Entry<String, Consumer> other : consumers.entrySet()) {
                if (other.getKey().equals(name)) {
                    continue;
                }
                List<String> theirs = other.getValue().config().filters();
                if (theirs.isEmpty()) {
                    throw err(JsErrorCode.CONSUMER_WQ_CONSUMER_NOT_UNIQUE);
                }
                for (String f : theirs) {
                    if (Subjects.subjectsCollide(filter, f)) {
                        throw err(JsErrorCode.CONSUMER_WQ_CONSUMER_NOT_UNIQUE);
                    }
                }
            }
        }
    }

    private static void checkPush(ConsumerConfig c, StreamConfig stream) {
        if (!Subjects.isLiteral(c.deliverSubject())) {
            throw err(JsErrorCode.CONSUMER_DELIVER_TO_WILDCARDS);
        }
        if (!Subjects.isValidPublishSubject(c.deliverSubject())) {
            throw err(JsErrorCode.CONSUMER_INVALID_DELIVER_SUBJECT);
        }
        for (String subject : stream.subjects()) {
            if (Subjects.subjectIsSubsetMatch(c.deliverSubject(), subject)) {
                throw err(JsErrorCode.CONSUMER_DELIVER_CYCLE);
            }
        }
        if (c.maxWaiting() != 0) {
            throw err(JsErrorCode.CONSUMER_PUSH_MAX_WAITING);
        }
        if (c.maxAckPending() > 0 && c.ackPolicy() == AckPolicy.NONE) {
            throw err(JsErrorCode.CONSUMER_MAX_PENDING_ACK_POLICY_REQUIRED);
        }
        if (c.idleHeartbeat() > 0 && c.idleHeartbeat() < MS_100) {
            throw err(JsErrorCode.CONSUMER_SMALL_HEARTBEAT);
        }
        if (c.flowControl() && c.idleHeartbeat() <= 0) {
            throw err(JsErrorCode.CONSUMER_WITH_FLOW_CONTROL_NEEDS_HEARTBEATS);
        }
    }

    private static void checkPull(ConsumerConfig c, StreamConfig stream) {
        if (c.ackPolicy() == AckPolicy.NONE && stream.retention() == StreamConfig.Retention.WORKQUEUE) {
            throw err(JsErrorCode.CONSUMER_PULL_REQUIRES_ACK);
        }
        if (c.rateLimitBps() > 0) {
            throw err(JsErrorCode.CONSUMER_PULL_WITH_RATE_LIMIT);
        }
        if (c.maxWaiting() < 0) {
            throw err(JsErrorCode.CONSUMER_MAX_WAITING_NEGATIVE);
        }
        if (c.idleHeartbeat() > 0) {
            throw err(JsErrorCode.CONSUMER_HB_REQUIRES_PUSH);
        }
        if (c.flowControl()) {
            throw err(JsErrorCode.CONSUMER_FC_REQUIRES_PUSH);
        }
        if (c.maxBatch() < 0) {
            throw err(JsErrorCode.CONSUMER_MAX_REQUEST_BATCH_NEGATIVE);
        }
        if (c.maxExpires() != 0 && c.maxExpires() < 1_000_000L) {
            throw err(JsErrorCode.CONSUMER_MAX_REQUEST_EXPIRES_TOO_SMALL);
        }
    }

    /**
     * nats-server 2.10+ checks only the filters themselves: each a valid subject, none within another. A filter need
     * not lie inside the stream's subjects (2.9's 10093 is gone): one outside them matches nothing, and a mirror's
     * or a sourcing stream's consumers filter on the origins' subjects. 2.10 and 2.11 refused any two colliding
     * filters; since 2.12.x and 2.14 only a filter inside another is refused (nats-server issue 7779), which natsj
     * follows: it accepts more, and delivers a message matching two filters once.
     */
    private static void checkFilters(ConsumerConfig c) {
        if (!c.filterSubject().isEmpty() && c.filterSubjects() != null && !c.filterSubjects().isEmpty()) {
            throw err(JsErrorCode.CONSUMER_DUPLICATE_FILTER_SUBJECTS);
        }
        if (c.filterSubjects() != null) {
            for (String f : c.filterSubjects()) {
                if (f.isEmpty()) {
                    throw err(JsErrorCode.CONSUMER_EMPTY_FILTER);
                }
            }
        }
        List<String> filters = c.filters();
        for (int i = 0; i < filters.size(); i++) {
            if (!Subjects.isValidSubject(filters.get(i))) {
                throw JsErrorCode.STREAM_INVALID_CONFIG_F.with("err", "invalid subject").exception();
            }
            for (int j = 0; j < filters.size(); j++) {
                if (i != j && Subjects.subjectIsSubsetMatch(filters.get(i), filters.get(j))) {
                    throw err(JsErrorCode.CONSUMER_OVERLAPPING_SUBJECT_FILTERS);
                }
            }
        }
    }

    private static void checkDeliverPolicy(ConsumerConfig c) {
        String dp = switch (c.deliverPolicy()) {
            case ALL -> "all";
            case LAST -> "last";
            case NEW -> "new";
            case LAST_PER_SUBJECT -> "last per subject";
            case BY_START_SEQUENCE -> "by start sequence";
            case BY_START_TIME -> "by start time";
        };
        switch (c.deliverPolicy()) {
            case ALL, LAST, NEW, LAST_PER_SUBJECT -> {
                if (c.optStartSeq() > 0) {
                    throw badStart(dp, "sequence");
                }
                if (c.optStartTime() != null) {
                    throw badStart(dp, "time");
                }
                if (c.deliverPolicy() == ConsumerConfig.DeliverPolicy.LAST_PER_SUBJECT && c.filters().isEmpty()) {
                    throw notSet(dp, "filter subject");
                }
            }
            case BY_START_SEQUENCE -> {
                if (c.optStartSeq() == 0) {
                    throw notSet(dp, "start sequence");
                }
                if (c.optStartTime() != null) {
                    throw badStart(dp, "time");
                }
            }
            case BY_START_TIME -> {
                if (c.optStartTime() == null) {
                    throw notSet(dp, "start time");
                }
                if (c.optStartSeq() != 0) {
                    throw badStart(dp, "start sequence");
                }
            }
        }
    }

    private static JsApiException badStart(String dp, String start) {
        return JsErrorCode.CONSUMER_INVALID_POLICY.with("err", "consumer delivery policy is deliver " + dp
                + ", but optional start " + start + " is also set").exception();
    }

    private static JsApiException notSet(String dp, String what) {
        return JsErrorCode.CONSUMER_INVALID_POLICY.with("err", "consumer delivery policy is deliver " + dp
                + ", but optional " + what + " is not set").exception();
    }
}
