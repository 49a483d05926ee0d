package io.natsj.server.jetstream.consumer;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A consumer's configuration, field for field nats-server's {@code ConsumerConfig} (2.11); durations in
 * nanoseconds. Read and written by {@link ConsumerConfigJson}; defaults and checks in {@link ConsumerConfigCheck}.
 *
 * <p>Threading: immutable.
 */
public record ConsumerConfig(
        String durableName,
        String name,
        String description,
        DeliverPolicy deliverPolicy,
        long optStartSeq,
        Instant optStartTime,
        AckPolicy ackPolicy,
        long ackWait,
        int maxDeliver,
        List<Long> backoff,
        String filterSubject,
        List<String> filterSubjects,
        ReplayPolicy replayPolicy,
        long rateLimitBps,
        String sampleFreq,
        int maxWaiting,
        int maxAckPending,
        boolean flowControl,
        boolean headersOnly,
        int maxBatch,
        long maxExpires,
        int maxBytes,
        String deliverSubject,
        String deliverGroup,
        long idleHeartbeat,
        long inactiveThreshold,
        int replicas,
        boolean memStorage,
        boolean direct,
        Map<String, String> metadata,
        Instant pauseUntil,
        List<String> priorityGroups,
        String priorityPolicy,
        long priorityTimeout) {

    /** Where a new consumer starts. */
    public enum DeliverPolicy {
        ALL("all"), LAST("last"), NEW("new"), BY_START_SEQUENCE("by_start_sequence"),
        BY_START_TIME("by_start_time"), LAST_PER_SUBJECT("last_per_subject");

        public final String json;

        DeliverPolicy(String json) {
            this.json = json;
        }
    }

    /** How deliveries are acknowledged. */
    public enum AckPolicy {
        NONE("none"), ALL("all"), EXPLICIT("explicit");

        public final String json;

        AckPolicy(String json) {
            this.json = json;
        }
    }

    /** How fast stored messages are replayed. */
    public enum ReplayPolicy {
        INSTANT("instant"), ORIGINAL("original");

        public final String json;

        ReplayPolicy(String json) {
            this.json = json;
        }
    }

    /** Whether it pushes to a deliver subject (otherwise clients pull). */
    public boolean isPush() {
        return deliverSubject != null && !deliverSubject.isEmpty();
    }

    /** Whether it is durable (has a durable name). */
    public boolean isDurable() {
        return durableName != null && !durableName.isEmpty();
    }

    /** The consumer's filters: {@code filter_subject} or {@code filter_subjects}; empty for all. */
    public List<String> filters() {
        if (filterSubject != null && !filterSubject.isEmpty()) {
            return List.of(filterSubject);
        }
        return filterSubjects == null ? List.of() : filterSubjects;
    }

    /** A copy with another name and durable name. */
    public ConsumerConfig withNames(String durable, String consumerName) {
        return new ConsumerConfig(durable, consumerName, description, deliverPolicy, optStartSeq, optStartTime,
                ackPolicy, ackWait, maxDeliver, backoff, filterSubject, filterSubjects, replayPolicy, rateLimitBps,
                sampleFreq, maxWaiting, maxAckPending, flowControl, headersOnly, maxBatch, maxExpires, maxBytes,
                deliverSubject, deliverGroup, idleHeartbeat, inactiveThreshold, replicas, memStorage, direct,
                metadata, pauseUntil, priorityGroups, priorityPolicy, priorityTimeout);
    }

    /** A copy with other defaults-relevant fields; used by the checks. */
    ConsumerConfig withDefaults(int maxWaiting, long ackWait, int maxDeliver, int maxAckPending,
                                long inactiveThreshold, Map<String, String> metadata) {
        return new ConsumerConfig(durableName, name, description, deliverPolicy, optStartSeq, optStartTime,
                ackPolicy, ackWait, maxDeliver, backoff, filterSubject, filterSubjects, replayPolicy, rateLimitBps,
                sampleFreq, maxWaiting, maxAckPending, flowControl, headersOnly, maxBatch, maxExpires, maxBytes,
                deliverSubject, deliverGroup, idleHeartbeat, inactiveThreshold, replicas, memStorage, direct,
                metadata, pauseUntil, priorityGroups, priorityPolicy, priorityTimeout);
    }

    /** A copy with another {@code priority_timeout}. */
    ConsumerConfig withPriorityTimeout(long timeout) {
        return new ConsumerConfig(durableName, name, description, deliverPolicy, optStartSeq, optStartTime,
                ackPolicy, ackWait, maxDeliver, backoff, filterSubject, filterSubjects, replayPolicy, rateLimitBps,
                sampleFreq, maxWaiting, maxAckPending, flowControl, headersOnly, maxBatch, maxExpires, maxBytes,
                deliverSubject, deliverGroup, idleHeartbeat, inactiveThreshold, replicas, memStorage, direct,
                metadata, pauseUntil, priorityGroups, priorityPolicy, timeout);
    }

    /** A copy with another pause time. */
    public ConsumerConfig withPauseUntil(Instant until) {
        return new ConsumerConfig(durableName, name, description, deliverPolicy, optStartSeq, optStartTime,
                ackPolicy, ackWait, maxDeliver, backoff, filterSubject, filterSubjects, replayPolicy, rateLimitBps,
                sampleFreq, maxWaiting, maxAckPending, flowControl, headersOnly, maxBatch, maxExpires, maxBytes,
                deliverSubject, deliverGroup, idleHeartbeat, inactiveThreshold, replicas, memStorage, direct,
                metadata, until, priorityGroups, priorityPolicy, priorityTimeout);
    }
}
