package io.natsj.server.jetstream.stream;

import io.natsj.server.jetstream.error.JsErrorCode;
import io.natsj.server.routing.Subjects;
import io.natsj.server.util.GoDuration;

/**
 * The JetStream headers of a published message, read once from its header block: de-duplication id, the
 * expectations ({@code Nats-Expected-*}), roll-up and per-message TTL.
 *
 * @param msgId                        {@code Nats-Msg-Id}, or null
 * @param expectedStream               {@code Nats-Expected-Stream}, or null
 * @param expectedLastSeq              {@code Nats-Expected-Last-Sequence}, or -1
 * @param expectedLastSubjectSeq       {@code Nats-Expected-Last-Subject-Sequence}, or -1
 * @param expectedLastSubjectSeqSubject {@code Nats-Expected-Last-Subject-Sequence-Subject}, or null
 * @param expectedLastMsgId            {@code Nats-Expected-Last-Msg-Id}, or null
 * @param rollup                       {@code Nats-Rollup}, or null
 * @param ttlHeader                    {@code Nats-TTL} as written, or null
 */
public record PublishHeaders(String msgId, String expectedStream, long expectedLastSeq, long expectedLastSubjectSeq,
                             String expectedLastSubjectSeqSubject, String expectedLastMsgId, String rollup,
                             String ttlHeader) {

    public static final String MSG_ID = "Nats-Msg-Id";
    public static final String EXPECTED_STREAM = "Nats-Expected-Stream";
    public static final String EXPECTED_LAST_SEQ = "Nats-Expected-Last-Sequence";
    public static final String EXPECTED_LAST_SUBJECT_SEQ = "Nats-Expected-Last-Subject-Sequence";
    public static final String EXPECTED_LAST_SUBJECT_SEQ_SUBJECT = "Nats-Expected-Last-Subject-Sequence-Subject";
    public static final String EXPECTED_LAST_MSG_ID = "Nats-Expected-Last-Msg-Id";
    public static final String ROLLUP = "Nats-Rollup";
    public static final String TTL = "Nats-TTL";

    private static final PublishHeaders NONE = new PublishHeaders(null, null, -1, -1, null, null, null, null);

    /** Reads the headers; a message without a header block has none of them. */
    public static PublishHeaders parse(byte[] block) {
        if (block == null || block.length == 0) {
            return NONE;
        }
        return new PublishHeaders(
                nonEmpty(HeaderBlock.get(block, MSG_ID)),
                nonEmpty(HeaderBlock.get(block, EXPECTED_STREAM)),
                sequence(HeaderBlock.get(block, EXPECTED_LAST_SEQ)),
                sequence(HeaderBlock.get(block, EXPECTED_LAST_SUBJECT_SEQ)),
                Subjects.fromText(nonEmpty(HeaderBlock.get(block, EXPECTED_LAST_SUBJECT_SEQ_SUBJECT))),
                nonEmpty(HeaderBlock.get(block, EXPECTED_LAST_MSG_ID)),
                nonEmpty(HeaderBlock.get(block, ROLLUP)),
                nonEmpty(HeaderBlock.get(block, TTL)));
    }

    private static String nonEmpty(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /**
     * A sequence header: -1 when absent; its value; or {@link Long#MAX_VALUE} when it is not a plain number, which
     * no stream reaches, so the expectation fails (nats-server reads such a value as uint64 -1).
     */
    private static long sequence(String s) {
        if (s == null || s.isEmpty()) {
            return -1;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return Long.MAX_VALUE;
            }
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * The TTL in nanoseconds: 0 for none, -1 for {@code never}; a Go duration of at least a second, or a number of
     * seconds, counted in whole seconds as nats-server does.
     *
     * @throws io.natsj.server.jetstream.error.JsApiException 10165 when the value is not a valid TTL
     */
    public long ttlNanos() {
        if (ttlHeader == null) {
            return 0;
        }
        if (ttlHeader.equalsIgnoreCase("never")) {
            return -1;
        }
        try {
            long nanos = GoDuration.parse(ttlHeader).toNanos();
            if (nanos < 1_000_000_000L) {
                throw JsErrorCode.MESSAGE_TTL_INVALID.error().exception();
            }
            return nanos / 1_000_000_000L * 1_000_000_000L;
        } catch (IllegalArgumentException notADuration) {
            try {
                long seconds = Long.parseLong(ttlHeader);
                if (seconds < 0) {
                    throw JsErrorCode.MESSAGE_TTL_INVALID.error().exception();
                }
                return Math.multiplyExact(seconds, 1_000_000_000L);
            } catch (NumberFormatException | ArithmeticException e) {
                throw JsErrorCode.MESSAGE_TTL_INVALID.error().exception();
            }
        }
    }

    /** Whether a TTL is set and not zero, judged leniently (a value that does not parse counts as none). */
    public boolean hasTtl() {
        try {
            return ttlNanos() != 0;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
