package io.natsj.server.jetstream.consumer;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.Republish;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.natsj.server.jetstream.consumer.ConsumerFixture.errCode;
import static io.natsj.server.jetstream.consumer.ConsumerFixture.errDescription;
import static io.natsj.server.jetstream.consumer.ConsumerFixture.status;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Subjects in streams and consumer filters: UTF-8 subjects work end to end (stream subjects, publish, filters, also in
 * the {@code CONSUMER.CREATE.<s>.<c>.<filter>} subject jnats uses, delivery, the JSON of configs and the
 * subject-valued headers), and subjects with white space are refused as nats-server's IsValidSubject does.
 */
@Timeout(60)
class ConsumerFiltersIT {

    @TempDir
    Path dir;
    @TempDir
    Path refDir;
    private ConsumerFixture f;

    @BeforeEach
    void start() throws Exception {
        f = ConsumerFixture.natsj(dir);
    }

    @AfterEach
    void stop() throws Exception {
        f.close();
    }

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
