package io.natsj.server.jetstream.consumer;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.Mirror;
import io.nats.client.api.Republish;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static io.natsj.server.jetstream.consumer.ConsumerFixture.errCode;
import static io.natsj.server.jetstream.consumer.ConsumerFixture.errDescription;
import static io.natsj.server.jetstream.consumer.ConsumerFixture.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * Consumer filters as nats-server 2.10+ has them (consumer.go checkConsumerCfg): a filter need not lie inside the
 * stream's subjects (2.9.10 refused that with 10093) and then matches nothing; a mirror's consumers filter on the
 * mirrored subjects; filters are checked for validity (no white space) and nesting only; UTF-8 subjects work end to
 * end: stream subjects, publish, filters (also in the {@code CONSUMER.CREATE.<s>.<c>.<filter>} subject jnats uses),
 * delivery, the JSON of configs and the subject-valued headers.
 */
@Timeout(60)
class ConsumerFiltersIT extends ConsumerTestBase {
    private static ConsumerConfiguration.Builder durable(String name) {
        return ConsumerConfiguration.builder().durable(name).ackPolicy(AckPolicy.Explicit);
    }

    /** Subjects and data of the messages a pull of up to 10 gets, ending at its status. */
    private static List<String> fetch(ConsumerFixture x, Connection c, String stream, String consumer)
            throws Exception {
        Subscription sub = ConsumerFixture.pull(c, stream, consumer, "{\"batch\":10,\"no_wait\":true}");
        List<String> out = new ArrayList<>();
        for (Message m : ConsumerFixture.untilStatus(sub, ConsumerFixture.WAIT)) {
            if (m.isStatusMessage()) {
                out.add(status(m));
            } else {
                out.add(m.getSubject() + " " + ConsumerFixture.data(m) + " @" + m.metaData().streamSequence());
            }
        }
        return out;
    }

    @Test
    void aFilterOutsideTheStreamsSubjectsIsAcceptedAndMatchesNothing() throws Exception {
        f.stream("S", "s.>");
        f.publish("s.a", 2);
        JetStreamManagement jsm = f.jsm();
        ConsumerInfo outside = jsm.addOrUpdateConsumer("S", durable("outside").filterSubject("t.a").build());
        assertThat(outside.getConsumerConfiguration().getFilterSubject()).isEqualTo("t.a");
        assertThat(outside.getNumPending()).isZero();
        ConsumerInfo mixed = jsm.addOrUpdateConsumer("S", durable("mixed").filterSubjects("t.>", "s.b").build());
        assertThat(mixed.getConsumerConfiguration().getFilterSubjects()).containsExactly("t.>", "s.b");
        f.publish("s.b", 1);

        assertThat(fetch(f, f.nc(), "S", "outside")).containsExactly("404 No Messages");
        assertThat(jsm.getConsumerInfo("S", "outside").getNumPending()).isZero();
        assertThat(fetch(f, f.nc(), "S", "mixed")).containsExactly("s.b m1 @3", "408 Request Timeout");

        try (ConsumerFixture ref = ConsumerFixture.reference(refDir)) {
            // nats-server 2.9.10 still refused such a filter; 2.10 dropped the check (natsj follows 2.11)
            ref.stream("S", "s.>");
            JetStreamApiException e = catchThrowableOfType(JetStreamApiException.class,
                    () -> ref.jsm().addOrUpdateConsumer("S", durable("outside").filterSubject("t.a").build()));
            assertThat(e).isNotNull();
            assertThat(e.getApiErrorCode()).isEqualTo(10093);
        }
    }

    @Test
    void filtersAreCheckedForValidityAndNesting() throws Exception {
        f.stream("S", "s.>");
        List<String> answers = new ArrayList<>();
        for (String filters : List.of("\"filter_subjects\":[\"s.a\",\"s\\tb\"]",
                "\"filter_subjects\":[\"s.a\",\"s.a\"]", "\"filter_subjects\":[\"s.*\",\"s.a\"]",
                "\"filter_subjects\":[\"s.a\",\"\"]", "\"filter_subject\":\"s.a\",\"filter_subjects\":[\"s.b\"]",
                "\"filter_subjects\":[\"s.a.*\",\"s.*.b\"]")) {
            JsonNode r = f.createConsumer("S", "{\"ack_policy\":\"explicit\"," + filters + "}");
            answers.add(errCode(r) + " " + errDescription(r));
        }
        assertThat(answers).containsExactly(
                "10052 invalid subject",
                "10138 consumer subject filters cannot overlap",
                "10138 consumer subject filters cannot overlap",
                "10139 consumer filter in FilterSubjects cannot be empty",
                "10136 consumer cannot have both FilterSubject and FilterSubjects specified",
                // refused by 2.10/2.11 (any two colliding filters), accepted since 2.12.x/2.14: only nesting counts
                "0 null");
    }

    /** The deliveries of two filtered consumers on a mirror; the second (filter_subjects) only from 2.10 on. */
    private static List<String> mirrorScenario(ConsumerFixture x, boolean filterSubjects) throws Exception {
        x.stream("O", "o.>");
        x.publish("o.a", "a1");
        x.publish("o.b", "b1");
        x.publish("o.a", "a2");
        x.stream(StreamConfiguration.builder().name("M").storageType(StorageType.File)
                .mirror(Mirror.builder().sourceName("O").build()));
        JetStreamManagement jsm = x.jsm();
        await().atMost(ConsumerFixture.WAIT).until(() -> jsm.getStreamInfo("M").getStreamState().getMsgCount() == 3);
        jsm.addOrUpdateConsumer("M", durable("only-b").filterSubject("o.b").build());
        if (filterSubjects) {
            jsm.addOrUpdateConsumer("M", durable("both").filterSubjects("o.a", "o.c").build());
        }
        x.publish("o.b", "b2");
        await().atMost(ConsumerFixture.WAIT).until(() -> jsm.getStreamInfo("M").getStreamState().getMsgCount() == 4);
        List<String> out = new ArrayList<>(fetch(x, x.nc(), "M", "only-b"));
        if (filterSubjects) {
            out.addAll(fetch(x, x.nc(), "M", "both"));
        }
        return out;
    }

    @Test
    void aMirrorsConsumersFilterOnTheMirroredSubjects() throws Exception {
        List<String> natsj = mirrorScenario(f, true);
        assertThat(natsj).containsExactly("o.b b1 @2", "o.b b2 @4", "408 Request Timeout",
                "o.a a1 @1", "o.a a2 @3", "408 Request Timeout");
        try (ConsumerFixture ref = ConsumerFixture.reference(refDir)) {
            // 2.9.10 allows a filter on a mirror when it lies inside the origin's subjects
            assertThat(mirrorScenario(ref, false)).containsExactlyElementsOf(natsj.subList(0, 3));
        }
    }

    private static final String E = "v-é";      // a subject with a two-byte UTF-8 character
    private static final String U = "ü.>";

    /** A stream, publishes and consumers on UTF-8 subjects; the second consumer (filter_subjects) from 2.10 on. */
    private static List<String> utf8Scenario(ConsumerFixture x, boolean filterSubjects) throws Exception {
        Connection nc = x.connectUtf8();
        JetStreamManagement jsm = nc.jetStreamManagement();
        List<String> out = new ArrayList<>();
        out.add("subjects " + jsm.addStream(StreamConfiguration.builder().name("U").subjects(E, U)
                .storageType(StorageType.File).build()).getConfiguration().getSubjects());
        out.add("ack " + nc.jetStream().publish(E, "e1".getBytes(StandardCharsets.UTF_8)).getSeqno());
        out.add("ack " + nc.jetStream().publish("ü.ß", "u1".getBytes(StandardCharsets.UTF_8)).getSeqno());
        ConsumerInfo one = jsm.addOrUpdateConsumer("U", durable("one").filterSubject(E).build());
        out.add("filter " + one.getConsumerConfiguration().getFilterSubject() + " pending " + one.getNumPending());
        out.addAll(fetch(x, nc, "U", "one"));
        if (filterSubjects) {
            ConsumerInfo two = jsm.addOrUpdateConsumer("U", durable("two").filterSubjects(E, "ü.*").build());
            out.add("filters " + two.getConsumerConfiguration().getFilterSubjects() + " pending "
                    + two.getNumPending());
            out.addAll(fetch(x, nc, "U", "two"));
        }
        return out;
    }

    @Test
    void utf8SubjectsWorkEndToEnd() throws Exception {
        List<String> natsj = utf8Scenario(f, true);
        assertThat(natsj).containsExactly("subjects [v-é, ü.>]", "ack 1", "ack 2", "filter v-é pending 1",
                "v-é e1 @1", "408 Request Timeout", "filters [v-é, ü.*] pending 2", "v-é e1 @1", "ü.ß u1 @2",
                "408 Request Timeout");
        try (ConsumerFixture ref = ConsumerFixture.reference(refDir)) {
            assertThat(utf8Scenario(ref, false)).containsExactlyElementsOf(natsj.subList(0, 6));
        }
    }

    /** A line the server sent, without its CR LF, its bytes read as UTF-8. */
    private static String readLine(InputStream in) throws Exception {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            assertThat(b).as("connection open").isNotNegative();
            line.write(b);
        }
        String s = line.toString(StandardCharsets.UTF_8);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    /** A plain socket to the server, past INFO, CONNECT (with headers) and {@code subs}, with a PING answered. */
    private static Socket raw(ConsumerFixture x, String subs) throws Exception {
        Socket socket = new Socket("127.0.0.1", x.port());
        socket.setSoTimeout((int) ConsumerFixture.WAIT.toMillis());
        readLine(socket.getInputStream()); // INFO
        send(socket, "CONNECT {\"verbose\":false,\"headers\":true}\r\n" + subs + "PING\r\n");
        assertThat(readLine(socket.getInputStream())).isEqualTo("PONG");
        return socket;
    }

    private static void send(Socket socket, String text) throws Exception {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The HMSG line and the Nats-Subject header of a republished message, as raw bytes on a plain socket. */
    private static List<String> republishedOnTheWire(ConsumerFixture x) throws Exception {
        Connection nc = x.connectUtf8();
        nc.jetStreamManagement().addStream(StreamConfiguration.builder().name("U").subjects(U)
                .storageType(StorageType.Memory).republish(Republish.builder().source(U).destination("rp.>").build())
                .build());
        try (Socket socket = raw(x, "SUB rp.> 1\r\n")) {
            InputStream in = socket.getInputStream();
            nc.jetStream().publish("ü.ß", new byte[0]);
            List<String> out = new ArrayList<>();
            out.add(readLine(in).replaceAll("\\d+ \\d+$", "<hdr> <total>"));
            for (String h = readLine(in); !h.isEmpty(); h = readLine(in)) {
                if (h.startsWith("Nats-Subject:")) {
                    out.add(h);
                }
            }
            return out;
        }
    }

    /** The PubAck of an HPUB with {@code headers} (UTF-8, jnats only sends ASCII header values). */
    private static String publishWithHeaders(Socket socket, String subject, String headers) throws Exception {
        byte[] block = ("NATS/1.0\r\n" + headers + "\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] head = ("HPUB " + subject + " ack " + block.length + " " + block.length + "\r\n")
                .getBytes(StandardCharsets.UTF_8);
        socket.getOutputStream().write(head);
        socket.getOutputStream().write(block);
        socket.getOutputStream().write("\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(readLine(socket.getInputStream())).startsWith("MSG ack 2 ");
        return readLine(socket.getInputStream());
    }

    @Test
    void utf8SubjectsInHeadersAreTheBytesSent() throws Exception {
        List<String> natsj = republishedOnTheWire(f);
        try (ConsumerFixture ref = ConsumerFixture.reference(refDir)) {
            assertThat(natsj).isEqualTo(republishedOnTheWire(ref));
        }
        // the two spaces are nats-server's too: a republished message has an empty reply subject
        assertThat(natsj).containsExactly("HMSG rp.ß 1  <hdr> <total>", "Nats-Subject: ü.ß");

        // 2.11's Nats-Expected-Last-Subject-Sequence-Subject names the subject whose last sequence is expected
        try (Socket socket = raw(f, "SUB ack 2\r\n")) {
            String subject = "Nats-Expected-Last-Subject-Sequence-Subject: ü.ß\r\n";
            assertThat(publishWithHeaders(socket, "ü.x", "Nats-Expected-Last-Subject-Sequence: 1\r\n" + subject))
                    .isEqualTo("{\"stream\":\"U\",\"seq\":2}");
            assertThat(publishWithHeaders(socket, "ü.x", "Nats-Expected-Last-Subject-Sequence: 2\r\n" + subject))
                    .contains("\"err_code\":10071");
        }
    }

    @Test
    void subjectsWithWhiteSpaceAreRefusedInStreamsMirrorsAndFilters() throws Exception {
        JsonNode r = f.api("STREAM.CREATE.W", "{\"name\":\"W\",\"subjects\":[\"w.a b\"]}");
        assertThat(errCode(r) + " " + errDescription(r)).isEqualTo("10052 invalid subject");
        try (ConsumerFixture ref = ConsumerFixture.reference(refDir)) {
            JsonNode rr = ref.api("STREAM.CREATE.W", "{\"name\":\"W\",\"subjects\":[\"w.a b\"]}");
            assertThat(errCode(rr) + " " + errDescription(rr)).isEqualTo("10052 invalid subject");
        }
        f.stream("S", "s.>");
        JsonNode c = f.createConsumer("S", "{\"ack_policy\":\"explicit\",\"filter_subject\":\"s.a b\"}");
        assertThat(errCode(c) + " " + errDescription(c)).isEqualTo("10052 invalid subject");
        f.stream("O", "o.>");
        JsonNode m = f.api("STREAM.CREATE.M", "{\"name\":\"M\",\"mirror\":{\"name\":\"O\",\"subject_transforms\":"
                + "[{\"src\":\"o.a\\tb\",\"dest\":\"m.>\"}]}}");
        assertThat(errCode(m) + " " + errDescription(m)).isEqualTo("10151 mirror transform source: invalid subject "
                + "o.a\tb");
    }
}
