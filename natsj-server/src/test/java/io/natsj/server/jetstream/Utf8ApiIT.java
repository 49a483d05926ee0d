package io.natsj.server.jetstream;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.PurgeOptions;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.StreamInfoOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * UTF-8 subjects through the JetStream API: subjects given in requests ({@code last_by_subj}, {@code next_by_subj},
 * {@code multi_last}, the purge {@code filter}, {@code subjects_filter}, the {@code subject} of STREAM.NAMES) are
 * Unicode text in JSON and find the messages stored under their UTF-8 bytes; subjects in answers are text in JSON
 * (the {@code subject} of STREAM.MSG.GET, the keys of {@code state.subjects}) and the bytes themselves in the
 * direct get's {@code Nats-Subject} header. The same scenario runs on nats-server 2.9.10 when it is installed.
 */
@Timeout(60)
class Utf8ApiIT {

    private static final String E = "v-é";

    /** What a jnats client (sending UTF-8 subjects) sees, one line per step. */
    private static List<String> scenario(JsFixture f) throws Exception {
        Connection nc = f.connectUtf8();
        JetStreamManagement jsm = nc.jetStreamManagement();
        JetStream js = nc.jetStream();
        jsm.addStream(JsFixture.memory("U", E, "ü.>").build());
        jsm.addStream(JsFixture.memory("D", "d-é").allowDirect(true).build());
        js.publish(E, JsFixture.bytes("e1"));
        js.publish("ü.ß", JsFixture.bytes("u1"));
        js.publish(E, JsFixture.bytes("e2"));
        js.publish("d-é", JsFixture.bytes("d1"));
        List<String> out = new ArrayList<>();
        out.add("last " + describe(jsm.getLastMessage("U", E)));
        out.add("next " + describe(jsm.getNextMessage("U", 1, "ü.>")));
        JsonNode get = JsFixture.request(nc, "$JS.API.STREAM.MSG.GET.U", "{\"last_by_subj\":\"" + E + "\"}");
        out.add("msg.get subject " + get.get("message").get("subject").asString());
        // jnats refuses header values that are not ASCII: the direct gets are read from a socket
        out.add("direct " + rawDirectGet(f, "$JS.API.DIRECT.GET.D", "{\"last_by_subj\":\"d-é\"}"));
        out.add("direct by subject " + rawDirectGet(f, "$JS.API.DIRECT.GET.D.d-é", ""));
        out.add("subjects " + new TreeMap<>(jsm.getStreamInfo("U", StreamInfoOptions.filterSubjects(">"))
                .getStreamState().getSubjectMap()));
        out.add("subjects ü.> " + jsm.getStreamInfo("U", StreamInfoOptions.filterSubjects("ü.>"))
                .getStreamState().getSubjectMap());
        out.add("names ü.x " + jsm.getStreamNames("ü.x"));
        out.add("purged " + jsm.purgeStream("U", PurgeOptions.subject(E)).getPurged());
        out.add("left " + jsm.getStreamInfo("U").getStreamState().getMsgCount());
        return out;
    }

    /**
     * Sends a direct get from a raw connection and returns its {@code Nats-Subject} header line, its bytes read as
     * UTF-8.
     */
    private static String rawDirectGet(JsFixture f, String subject, String body) throws Exception {
        URI url = URI.create(f.url());
        try (Socket socket = new Socket(url.getHost(), url.getPort())) {
            socket.setSoTimeout((int) JsFixture.WAIT.toMillis());
            InputStream in = socket.getInputStream();
            readLine(in); // INFO
            byte[] payload = JsFixture.bytes(body);
            ByteArrayOutputStream req = new ByteArrayOutputStream();
            req.writeBytes(JsFixture.bytes("CONNECT {\"headers\":true,\"verbose\":false}\r\nSUB in 1\r\nPUB "
                    + subject + " in " + payload.length + "\r\n"));
            req.writeBytes(payload);
            req.writeBytes(JsFixture.bytes("\r\n"));
            socket.getOutputStream().write(req.toByteArray());
            String line;
            do {
                line = readLine(in);
            } while (!line.startsWith("HMSG"));
            int total = Integer.parseInt(line.substring(line.lastIndexOf(' ') + 1));
            String message = new String(in.readNBytes(total), StandardCharsets.UTF_8);
            return message.lines().filter(l -> l.startsWith("Nats-Subject:")).findFirst().orElse("none");
        }
    }

    private static String readLine(InputStream in) throws Exception {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
            line.write(b);
        }
        return line.toString(StandardCharsets.UTF_8).strip();
    }

    private static String describe(MessageInfo m) {
        return m.getSubject() + " @" + m.getSeq() + " " + new String(m.getData(), StandardCharsets.UTF_8);
    }

    @Test
    void utf8SubjectsInRequestsAndAnswersAreTheTextTheClientUses() throws Exception {
        List<String> natsj;
        try (JsFixture f = JsFixture.natsj()) {
            natsj = scenario(f);
        }
        assertThat(natsj).containsExactly("last v-é @3 e2", "next ü.ß @2 u1", "msg.get subject v-é",
                "direct Nats-Subject: d-é", "direct by subject Nats-Subject: d-é", "subjects {v-é=2, ü.ß=1}",
                "subjects ü.> {ü.ß=1}", "names ü.x [U]", "purged 2", "left 1");
        if (JsFixture.natsServerInstalled()) {
            try (JsFixture ref = JsFixture.natsServer()) {
                assertThat(scenario(ref)).containsExactlyElementsOf(natsj);
            }
        }
    }

    @Test
    void directGetBatchesNameUtf8SubjectsInTheirBytes() throws Exception {
        // multi_last and batches came with nats-server 2.10: natsj alone
        try (JsFixture f = JsFixture.natsj()) {
            Connection nc = f.connectUtf8();
            nc.jetStreamManagement().addStream(JsFixture.memory("D", "d.>").allowDirect(true).build());
            nc.jetStream().publish("d.é", JsFixture.bytes("1"));
            nc.jetStream().publish("d.ü", JsFixture.bytes("2"));
            assertThat(rawDirectGet(f, "$JS.API.DIRECT.GET.D", "{\"multi_last\":[\"d.ü\"],\"batch\":5}"))
                    .isEqualTo("Nats-Subject: d.ü");
            assertThat(rawDirectGet(f, "$JS.API.DIRECT.GET.D", "{\"next_by_subj\":\"d.ü\",\"seq\":1,\"batch\":5}"))
                    .isEqualTo("Nats-Subject: d.ü");
        }
    }
}
