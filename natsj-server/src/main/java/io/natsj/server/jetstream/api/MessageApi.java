package io.natsj.server.jetstream.api;

import io.natsj.server.jetstream.JetStreamService;
import io.natsj.server.jetstream.api.JsApiRouter.Request;
import io.natsj.server.jetstream.error.JsErrorCode;
import io.natsj.server.jetstream.stream.HeaderBlock;
import io.natsj.server.jetstream.stream.Stream;
import io.natsj.server.json.GoFormats;
import io.natsj.server.json.GoJsonReader;
import io.natsj.server.json.GoStruct;
import io.natsj.server.routing.Subjects;
import io.natsj.server.store.StoredMessage;
import io.natsj.server.store.StreamStore;
import tools.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * Reading and deleting single messages: {@code STREAM.MSG.GET}, {@code STREAM.MSG.DELETE} and the direct get
 * ({@code DIRECT.GET.<stream>} with a JSON request, {@code DIRECT.GET.<stream>.<subject>} for the last message of a
 * subject), whose answer is the message itself with {@code Nats-Stream}, {@code Nats-Subject},
 * {@code Nats-Sequence} and {@code Nats-Time-Stamp} headers, or a status ({@code 404 Message Not Found},
 * {@code 408 Bad Request}).
 *
 * <p>Threading: handlers run concurrently; reads go to the store directly, deletes through the stream's worker.
 */
final class MessageApi {

    private final JetStreamService js;
    private final JsApiRouter router;

    MessageApi(JetStreamService js, JsApiRouter router) {
        this.js = js;
        this.router = router;
    }

    /** A parsed get request. */
    private record Get(long seq, String lastBySubject, String nextBySubject, int batch, int maxBytes,
                       Instant startTime, List<String> multiLast, long upToSeq) {

        static Get read(GoStruct s) {
            return new Get(s.uint64("seq", 0), Subjects.fromText(s.string("last_by_subj", "")),
                    Subjects.fromText(s.string("next_by_subj", "")), s.intValue("batch", 0), s.intValue("max_bytes", 0),
                    s.time("start_time"), Subjects.fromText(s.strings("multi_last")), s.uint64("up_to_seq", 0));
        }

        /** nats-server's rule: exactly one way of choosing the message. */
        boolean valid() {
            if (seq > 0 && !lastBySubject.isEmpty()) {
                return false;
            }
            if (!nextBySubject.isEmpty() && !lastBySubject.isEmpty()) {
                return false;
            }
            if (startTime != null && seq > 0) {
                return false;
            }
            return seq > 0 || !lastBySubject.isEmpty() || !nextBySubject.isEmpty() || startTime != null
                    || (multiLast != null && !multiLast.isEmpty());
        }

        StoredMessage find(StreamStore store) {
            if (!lastBySubject.isEmpty()) {
                return upToSeq > 0 ? store.loadPrevious(lastBySubject, upToSeq) : store.loadLast(lastBySubject);
            }
            long from = startTime != null ? store.sequenceAtOrAfter(startTime.getEpochSecond() * 1_000_000_000L
                    + startTime.getNano()) : seq;
            if (!nextBySubject.isEmpty()) {
                return store.loadNext(nextBySubject, from);
            }
            return startTime != null ? store.loadNext(null, from) : store.load(seq);
        }
    }

    void get(Request r) {
        String type = "stream_msg_get_response";
        router.guarded(r, type, () -> {
            router.requireJetStream();
            Get g = Get.read(ApiJson.struct(r.body(), "JSApiMsgGetRequest"));
            Stream s = js.stream(r.tail(3));
            if (s == null) {
                throw JsErrorCode.STREAM_NOT_FOUND.error().exception();
            }
            if (!g.valid() || g.batch() > 0 || g.multiLast() != null) {
                throw JsErrorCode.BAD_REQUEST.error().exception();
            }
            StoredMessage m = g.find(s.store());
            if (m == null) {
                throw JsErrorCode.NO_MESSAGE_FOUND.error().exception();
            }
            ObjectNode o = ApiJson.response(type);
            ObjectNode msg = o.putObject("message");
            msg.put("subject", Subjects.toText(m.subject()));
            msg.put("seq", m.seq());
            if (m.hasHeaders()) {
                msg.put("hdrs", Base64.getEncoder().encodeToString(m.headers()));
            }
            if (m.data().length > 0) {
                msg.put("data", Base64.getEncoder().encodeToString(m.data()));
            }
            msg.put("time", GoFormats.time(m.timestamp()));
            router.respond(r, o);
        });
    }

    void delete(Request r) {
        String type = "stream_msg_delete_response";
        router.guarded(r, type, () -> {
            router.requireJetStream();
            if (ApiJson.isEmptyRequest(r.body())) {
                throw JsErrorCode.BAD_REQUEST.error().exception(); // no body, or {}
            }
            GoStruct req = ApiJson.struct(r.body(), "JSApiMsgDeleteRequest");
            long seq = req.uint64("seq", 0);
            boolean noErase = req.bool("no_erase");
            Stream s = js.stream(r.tail(3));
            if (s == null) {
                throw JsErrorCode.STREAM_NOT_FOUND.error().exception();
            }
            if (s.config().sealed()) {
                throw JsErrorCode.STREAM_SEALED.error().exception();
            }
            if (s.config().denyDelete()) {
                throw JsErrorCode.STREAM_MSG_DELETE_FAILED_F.with("err", "message delete not permitted")
                        .exception();
            }
            boolean removed = s.submit(() -> noErase ? s.store().remove(seq) : s.store().erase(seq)).join();
            if (removed) {
                s.messageRemoved(seq);
            }
            if (!removed) {
                throw JsErrorCode.SEQUENCE_NOT_FOUND.with("seq", Long.toString(seq)).exception();
            }
            ObjectNode o = ApiJson.response(type);
            o.put("success", true);
            router.respond(r, o);
        });
    }

    void directGet(Request r) {
        String[] tokens = r.tokens();
        // DIRECT.GET.<stream>[.<subject...>]
        Stream s = tokens.length >= 3 ? js.stream(tokens[2]) : null;
        if (s == null) {
            return;
        }
        String subjectTail = r.tail(3);
        StoredMessage m;
        if (!subjectTail.isEmpty()) {
            if (!r.emptyBody()) {
                status(r, "408 Bad Request");
                return;
            }
            m = s.store().loadLast(subjectTail);
        } else {
            if (r.emptyBody()) {
                status(r, "408 Empty Request"); // no bytes, or {}
                return;
            }
            Get g;
            try {
                g = Get.read(GoStruct.of(GoJsonReader.parse(r.body()), "JSApiMsgGetRequest"));
            } catch (RuntimeException e) {
                status(r, "408 Malformed Request"); // white space only is malformed here
                return;
            }
            if (!g.valid()) {
                status(r, "408 Bad Request");
                return;
            }
            if (g.batch() > 0 || g.multiLast() != null) {
                batch(r, s, g);
                return;
            }
            m = g.find(s.store());
        }
        if (m == null) {
            status(r, "404 Message Not Found");
            return;
        }
        router.publishFromStream(r.reply(), directHeaders(s, m, null), m.data());
    }

    private void batch(Request r, Stream s, Get g) {
        StreamStore store = s.store();
        int limit = g.batch() > 0 ? g.batch() : Integer.MAX_VALUE;
        long budget = g.maxBytes() > 0 ? g.maxBytes() : Long.MAX_VALUE;
        int sent = 0;
        long lastSeq = 0;
        if (g.multiLast() != null) {
            for (String filter : g.multiLast()) {
                for (String subject : store.subjectTotals(filter).keySet().stream().sorted().toList()) {
                    StoredMessage m = g.upToSeq() > 0 ? store.loadPrevious(subject, g.upToSeq())
                            : store.loadLast(subject);
                    if (m != null && sent < limit) {
                        router.publishFromStream(r.reply(), directHeaders(s, m, new long[]{0, lastSeq}), m.data());
                        lastSeq = m.seq();
                        sent++;
                    }
                }
            }
        } else {
            String filter = g.nextBySubject().isEmpty() ? null : g.nextBySubject();
            long from = g.startTime() != null ? store.sequenceAtOrAfter(g.startTime().getEpochSecond()
                    * 1_000_000_000L + g.startTime().getNano()) : Math.max(1, g.seq());
            for (StoredMessage m = store.loadNext(filter, from); m != null && sent < limit;
                 m = store.loadNext(filter, m.seq() + 1)) {
                long size = m.headers().length + m.data().length;
                if (sent > 0 && size > budget) {
                    break;
                }
                budget -= size;
                long pending = store.filteredState(m.seq() + 1, filter).msgs();
                router.publishFromStream(r.reply(), directHeaders(s, m, new long[]{pending, lastSeq}), m.data());
                lastSeq = m.seq();
                sent++;
            }
        }
        if (sent == 0) {
            status(r, "404 Message Not Found");
            return;
        }
        router.publishFromStream(r.reply(), new HeaderBlock.Builder("204 EOB").add("Nats-Num-Pending", "0")
                .add("Nats-Last-Sequence", Long.toString(lastSeq)).build(), new byte[0]);
    }

    private static byte[] directHeaders(Stream s, StoredMessage m, long[] pendingAndLast) {
        HeaderBlock.Builder b = new HeaderBlock.Builder().addAll(m.headers())
                .add("Nats-Stream", s.name())
                .addWire("Nats-Subject", m.subject())
                .add("Nats-Sequence", Long.toString(m.seq()))
                .add("Nats-Time-Stamp", GoFormats.time(m.timestamp()));
        if (pendingAndLast != null) {
            b.add("Nats-Num-Pending", Long.toString(pendingAndLast[0]))
                    .add("Nats-Last-Sequence", Long.toString(pendingAndLast[1]));
        }
        return b.build();
    }

    private void status(Request r, String status) {
        router.publishFromStream(r.reply(), new HeaderBlock.Builder(status).build(), new byte[0]);
    }
}
