package io.natsj.server.jetstream;

import io.natsj.server.account.Account;
import io.natsj.server.json.GoFormats;
import io.natsj.server.json.GoJson;
import io.natsj.server.routing.DeliveryBatch;
import io.natsj.server.routing.Subjects;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * JetStream's advisories on {@code $JS.EVENT.ADVISORY.>}, in nats-server's JSON ({@code type}, {@code id},
 * {@code timestamp}, then the event's fields): stream and consumer actions, max deliveries reached, messages
 * NAKed and terminated, priority groups pinned and unpinned, and the API audit. Like nats-server, an advisory is only built when someone listens.
 *
 * <p>Threading: safe from any thread.
 */
public final class Advisories {

    private static final String PREFIX = "$JS.EVENT.ADVISORY.";
    private static final String TYPE = "io.nats.jetstream.advisory.v1.";
    private static final String ID_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final JetStreamContext ctx;
    private final String serverName;

    public Advisories(JetStreamContext ctx, String serverName) {
        this.ctx = ctx;
        this.serverName = serverName;
    }

    /** A fresh 22-character id, as nats-server's NUIDs look (advisory ids, pin ids). */
    public static String id() {
        StringBuilder sb = new StringBuilder(22);
        for (int i = 0; i < 22; i++) {
            sb.append(ID_CHARS.charAt(RANDOM.nextInt(ID_CHARS.length())));
        }
        return sb.toString();
    }

    private ObjectNode event(String type) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("type", TYPE + type);
        o.put("id", id());
        o.put("timestamp", GoFormats.rfc3339Nano(ctx.clock().now()));
        return o;
    }

    private boolean listened(String subject) {
        return ctx.account().index().hasInterest(subject);
    }

    private void send(String subject, ObjectNode o) {
        if (ctx.domain() != null && !ctx.domain().isEmpty()) {
            o.put("domain", ctx.domain());
        }
        byte[] body = GoJson.COMPACT.writeValueAsString(o).getBytes(StandardCharsets.UTF_8);
        Account a = ctx.account();
        a.publish(null, true, subject, null, 0, body, 0, body.length, DeliveryBatch.IMMEDIATE);
    }

    /** {@code STREAM.CREATED|UPDATED|DELETED.<stream>}; action is create, modify or delete. */
    public void stream(String stream, String action) {
        String verb = switch (action) {
            case "create" -> "CREATED";
            case "delete" -> "DELETED";
            default -> "UPDATED";
        };
        String subject = PREFIX + "STREAM." + verb + "." + stream;
        if (!listened(subject)) {
            return;
        }
        ObjectNode o = event("stream_action");
        o.put("stream", stream);
        o.put("action", action);
        send(subject, o);
    }

    /** {@code CONSUMER.CREATED|DELETED.<stream>.<consumer>}. */
    public void consumer(String stream, String consumer, String action) {
        String subject = PREFIX + "CONSUMER." + (action.equals("create") ? "CREATED" : "DELETED") + "." + stream
                + "." + consumer;
        if (!listened(subject)) {
            return;
        }
        ObjectNode o = event("consumer_action");
        o.put("stream", stream);
        o.put("consumer", consumer);
        o.put("action", action);
        send(subject, o);
    }

    /** {@code CONSUMER.MAX_DELIVERIES.<stream>.<consumer>}. */
    public void maxDeliveries(String stream, String consumer, long streamSeq, long deliveries) {
        String subject = PREFIX + "CONSUMER.MAX_DELIVERIES." + stream + "." + consumer;
        if (!listened(subject)) {
            return;
        }
        ObjectNode o = event("max_deliver");
        o.put("stream", stream);
        o.put("consumer", consumer);
        o.put("stream_seq", streamSeq);
        o.put("deliveries", deliveries);
        send(subject, o);
    }

    /** {@code CONSUMER.MSG_NAKED.<stream>.<consumer>} or {@code MSG_TERMINATED} (with the reason). */
    public void delivery(String stream, String consumer, boolean terminated, long consumerSeq, long streamSeq,
                         long deliveries, String reason) {
        String subject = PREFIX + "CONSUMER." + (terminated ? "MSG_TERMINATED." : "MSG_NAKED.") + stream + "."
                + consumer;
        if (!listened(subject)) {
            return;
        }
        ObjectNode o = event(terminated ? "terminated" : "nak");
        o.put("stream", stream);
        o.put("consumer", consumer);
        o.put("consumer_seq", consumerSeq);
        o.put("stream_seq", streamSeq);
        o.put("deliveries", deliveries);
        if (terminated && reason != null && !reason.isEmpty()) {
            o.put("reason", reason);
        }
        send(subject, o);
    }

    /** {@code CONSUMER.PINNED.<stream>.<consumer>}: the client with {@code pinnedId} now holds the group's pin. */
    public void pinned(String stream, String consumer, String group, String pinnedId) {
        ObjectNode o = priorityGroup("PINNED", "consumer_group_pinned", stream, consumer, group);
        if (o != null) {
            o.put("pinned_id", pinnedId);
            send(PREFIX + "CONSUMER.PINNED." + stream + "." + consumer, o);
        }
    }

    /** {@code CONSUMER.UNPINNED.<stream>.<consumer>}: the pin was released; {@code reason} admin or timeout. */
    public void unpinned(String stream, String consumer, String group, String reason) {
        ObjectNode o = priorityGroup("UNPINNED", "consumer_group_unpinned", stream, consumer, group);
        if (o != null) {
            o.put("reason", reason);
            send(PREFIX + "CONSUMER.UNPINNED." + stream + "." + consumer, o);
        }
    }

    /** The common fields of a priority group advisory, in nats-server's order; null when nobody listens. */
    private ObjectNode priorityGroup(String event, String type, String stream, String consumer, String group) {
        if (!listened(PREFIX + "CONSUMER." + event + "." + stream + "." + consumer)) {
            return null;
        }
        ObjectNode o = event(type);
        o.put("account", ctx.account().name());
        o.put("stream", stream);
        o.put("consumer", consumer);
        if (ctx.domain() != null && !ctx.domain().isEmpty()) {
            o.put("domain", ctx.domain());
        }
        o.put("group", group);
        return o;
    }

    /** {@code API}: every answered API request. */
    public void apiAudit(String requestSubject, byte[] request, String response) {
        String subject = PREFIX + "API";
        if (!listened(subject)) {
            return;
        }
        ObjectNode o = event("api_audit");
        o.put("server", serverName);
        o.putObject("client");
        o.put("subject", Subjects.toText(requestSubject));
        if (request.length > 0) {
            o.put("request", new String(request, StandardCharsets.UTF_8));
        }
        o.put("response", response);
        send(subject, o);
    }
}
