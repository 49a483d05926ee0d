package io.natsj.server.jetstream;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.Mirror;
import io.nats.client.api.Source;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import io.nats.client.api.SubjectTransform;
import io.natsj.server.NatsServer;
import io.natsj.server.ServerOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * Mirrors copy an origin stream with its sequences; sources merge origins into a stream of their own, with
 * {@code Nats-Stream-Source}; both keep up with new messages, resume after a restart and follow nats-server's
 * configuration rules.
 */
@Timeout(60)
class MirrorSourceIT {

    @TempDir
    Path storeDir;
    private NatsServer server;
    private Connection nc;

    private void start() throws Exception {
        server = NatsServer.start(ServerOptions.builder().host("127.0.0.1").port(0).noLog(true)
                .jetStream(ServerOptions.JetStreamOptions.DISABLED.withEnabled(true).withStoreDir(storeDir)).build());
        nc = Nats.connect(server.clientUrl());
    }

    @BeforeEach
    void setUp() throws Exception {
        start();
    }

    @AfterEach
    void tearDown() throws Exception {
        nc.close();
        server.close();
    }

    private void publish(String subject, int n) throws Exception {
        for (int i = 1; i <= n; i++) {
            nc.jetStream().publish(subject, (subject + "-" + i).getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void mirrorCopiesWithTheOriginsSequencesAndKeepsUp() throws Exception {
        JetStreamManagement jsm = nc.jetStreamManagement();
        jsm.addStream(StreamConfiguration.builder().name("O").subjects("o.>").storageType(StorageType.File).build());
        publish("o.a", 3);
        jsm.deleteMessage("O", 2);
        jsm.addStream(StreamConfiguration.builder().name("M").storageType(StorageType.File)
                .mirror(Mirror.builder().sourceName("O").build()).build());
        await().atMost(Duration.ofSeconds(10)).until(() -> jsm.getStreamInfo("M").getStreamState().getMsgCount() == 2);
        assertThat(jsm.getMessage("M", 3).getSubject()).isEqualTo("o.a");
        assertThat(new String(jsm.getMessage("M", 3).getData(), StandardCharsets.UTF_8)).isEqualTo("o.a-3");
        publish("o.b", 2);
        await().atMost(Duration.ofSeconds(10)).until(() -> jsm.getStreamInfo("M").getStreamState().getLastSequence()
                == 5);
        StreamInfo info = jsm.getStreamInfo("M");
        assertThat(info.getMirrorInfo().getName()).isEqualTo("O");
        assertThat(info.getMirrorInfo().getLag()).isZero();
        assertThat(info.getConfiguration().getSubjects()).isEmpty();

        nc.close();
        server.close();
        start();
        JetStreamManagement again = nc.jetStreamManagement();
        nc.jetStream().publish("o.c", new byte[1]);
        await().atMost(Duration.ofSeconds(10)).until(() -> again.getStreamInfo("M").getStreamState().getLastSequence()
                == 6);
        assertThat(again.getStreamInfo("M").getStreamState().getMsgCount()).isEqualTo(5);
    }

    @Test
    void sourcesMergeOriginsWithFiltersAndTransforms() throws Exception {
        JetStreamManagement jsm = nc.jetStreamManagement();
        jsm.addStream(StreamConfiguration.builder().name("EU").subjects("eu.>").storageType(StorageType.Memory)
                .build());
        jsm.addStream(StreamConfiguration.builder().name("US").subjects("us.>").storageType(StorageType.Memory)
                .build());
        publish("eu.orders", 2);
        publish("us.orders", 2);
        publish("us.refunds", 1);
        jsm.addStream(StreamConfiguration.builder().name("ALL").storageType(StorageType.Memory)
                .sources(Source.builder().sourceName("EU").build(),
                        Source.builder().sourceName("US").filterSubject("us.orders").build()).build());
        await().atMost(Duration.ofSeconds(10)).until(() -> jsm.getStreamInfo("ALL").getStreamState().getMsgCount()
                == 4);
        assertThat(jsm.getStreamInfo("ALL").getStreamState().getSubjectCount()).isEqualTo(2);
        String sourceHeader = jsm.getMessage("ALL", 1).getHeaders().getFirst("Nats-Stream-Source");
        assertThat(sourceHeader).matches("(EU|US) 1");
        assertThat(jsm.getStreamInfo("ALL").getSourceInfos()).hasSize(2);
        publish("eu.orders", 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> jsm.getStreamInfo("ALL").getStreamState().getMsgCount()
                == 5);
    }

    @Test
    void configurationRulesAreNatsServers() throws Exception {
        JetStreamManagement jsm = nc.jetStreamManagement();
        jsm.addStream(StreamConfiguration.builder().name("O").subjects("o").storageType(StorageType.Memory).build());
        assertThatThrownBy(() -> jsm.addStream(StreamConfiguration.builder().name("M1").subjects("m")
                .mirror(Mirror.builder().sourceName("O").build()).build()))
                .isInstanceOfSatisfying(JetStreamApiException.class, e ->
                        assertThat(e.getApiErrorCode()).isEqualTo(10034));
        assertThatThrownBy(() -> jsm.addStream(StreamConfiguration.builder().name("M2")
                .mirror(Mirror.builder().sourceName("O").build())
                .sources(Source.builder().sourceName("O").build()).build()))
                .isInstanceOfSatisfying(JetStreamApiException.class, e ->
                        assertThat(e.getApiErrorCode()).isEqualTo(10031));
        // jnats drops a repeated source itself: send the request raw
        String dup = new String(nc.request("$JS.API.STREAM.CREATE.S1", ("{\"name\":\"S1\",\"sources\":"
                + "[{\"name\":\"O\"},{\"name\":\"O\"}]}").getBytes(StandardCharsets.UTF_8),
                Duration.ofSeconds(5)).getData(), StandardCharsets.UTF_8);
        assertThat(dup).contains("\"err_code\":10140");
        jsm.addStream(StreamConfiguration.builder().name("M3").storageType(StorageType.Memory)
                .mirror(Mirror.builder().sourceName("O").build()).build());
        assertThatThrownBy(() -> jsm.updateStream(StreamConfiguration.builder().name("M3")
                .storageType(StorageType.Memory).mirror(Mirror.builder().sourceName("O").filterSubject("o").build())
                .build()))
                .isInstanceOfSatisfying(JetStreamApiException.class, e ->
                        assertThat(e.getApiErrorCode()).isEqualTo(10055));
    }

    /** Sends a raw API request and returns the reply's text. */
    private String api(String subject, String body) throws Exception {
        return new String(nc.request("$JS.API." + subject, body.getBytes(StandardCharsets.UTF_8),
                Duration.ofSeconds(5)).getData(), StandardCharsets.UTF_8);
    }

    @Test
    void mirrorSubjectTransformsAreKeptAndApplied() throws Exception {
        // nats-server 2.10+ (stream.go processInboundMirrorMsg): the first transform whose source matches maps the
        // subject; what no source matches is not copied; sequences stay the origin's
        JetStreamManagement jsm = nc.jetStreamManagement();
        jsm.addStream(StreamConfiguration.builder().name("O").subjects("o.>").storageType(StorageType.File).build());
        for (String subject : new String[]{"o.a.1", "o.c", "o.b", "o.a.2"}) {
            nc.jetStream().publish(subject, subject.getBytes(StandardCharsets.UTF_8));
        }
        StreamInfo created = jsm.addStream(StreamConfiguration.builder().name("M").storageType(StorageType.File)
                .mirror(Mirror.builder().sourceName("O").subjectTransforms(
                        SubjectTransform.builder().source("o.a.*").destination("m.{{wildcard(1)}}").build(),
                        SubjectTransform.builder().source("o.b").destination("b").build()).build()).build());
        List<SubjectTransform> transforms = created.getConfiguration().getMirror().getSubjectTransforms();
        assertThat(transforms).extracting(SubjectTransform::getSource, SubjectTransform::getDestination)
                .containsExactly(tuple("o.a.*", "m.{{wildcard(1)}}"), tuple("o.b", "b"));
        await().atMost(Duration.ofSeconds(10)).until(() -> jsm.getStreamInfo("M").getStreamState().getLastSequence()
                == 4);
        assertThat(jsm.getMessage("M", 1).getSubject()).isEqualTo("m.1");
        assertThat(jsm.getMessage("M", 3).getSubject()).isEqualTo("b");
        assertThat(jsm.getMessage("M", 4).getSubject()).isEqualTo("m.2");
        assertThat(jsm.getStreamInfo("M").getStreamState().getMsgCount()).isEqualTo(3);
        assertThat(jsm.getStreamInfo("M").getConfiguration().getMirror().getSubjectTransforms()).hasSize(2);

        nc.jetStream().publish("o.a.3", new byte[0]);
        await().atMost(Duration.ofSeconds(10)).until(() -> jsm.getStreamInfo("M").getStreamState().getLastSequence()
                == 5);
        assertThat(jsm.getMessage("M", 5).getSubject()).isEqualTo("m.3");
    }

    @Test
    void streamInfoShowsEachOriginsFilterOrSubjectTransformsAsConfigured() throws Exception {
        // nats-server 2.11 (stream.go sourceInfo): name, lag, active, then filter_subject or subject_transforms
        JetStreamManagement jsm = nc.jetStreamManagement();
        jsm.addStream(StreamConfiguration.builder().name("O").subjects("o.>").storageType(StorageType.Memory).build());
        jsm.addStream(StreamConfiguration.builder().name("P").subjects("p.>").storageType(StorageType.Memory).build());
        api("STREAM.CREATE.M", "{\"name\":\"M\",\"storage\":\"memory\",\"mirror\":{\"name\":\"O\","
                + "\"subject_transforms\":[{\"src\":\"o.a.*\",\"dest\":\"m.{{wildcard(1)}}\"},{\"src\":\"o.b\"}]}}");
        api("STREAM.CREATE.S", "{\"name\":\"S\",\"storage\":\"memory\",\"sources\":[{\"name\":\"O\","
                + "\"filter_subject\":\"o.c\"},{\"name\":\"P\",\"subject_transforms\":[{\"src\":\"p.x\","
                + "\"dest\":\"y\"}]}]}");
        JsonNode mirror = JsFixture.json(api("STREAM.INFO.M", "")).get("mirror");
        assertThat(mirror.propertyNames()).containsExactly("name", "lag", "active", "subject_transforms");
        assertThat(mirror.get("subject_transforms")).isEqualTo(JsFixture.json(
                "[{\"src\":\"o.a.*\",\"dest\":\"m.{{wildcard(1)}}\"},{\"src\":\"o.b\",\"dest\":\"\"}]"));
        JsonNode sources = JsFixture.json(api("STREAM.INFO.S", "")).get("sources");
        assertThat(sources.get(0).propertyNames()).containsExactly("name", "lag", "active", "filter_subject");
        assertThat(sources.get(0).get("filter_subject").asString()).isEqualTo("o.c");
        assertThat(sources.get(1).propertyNames()).containsExactly("name", "lag", "active", "subject_transforms");
        assertThat(sources.get(1).get("subject_transforms"))
                .isEqualTo(JsFixture.json("[{\"src\":\"p.x\",\"dest\":\"y\"}]"));
        // and through jnats
        assertThat(jsm.getStreamInfo("M").getMirrorInfo().getSubjectTransforms())
                .extracting(SubjectTransform::getSource, SubjectTransform::getDestination)
                .containsExactly(tuple("o.a.*", "m.{{wildcard(1)}}"), tuple("o.b", ""));
    }

    @Test
    void mirrorSubjectTransformRulesAreNatsServers() throws Exception {
        nc.jetStreamManagement().addStream(StreamConfiguration.builder().name("O").subjects("o.>")
                .storageType(StorageType.Memory).build());
        assertThat(api("STREAM.CREATE.M", "{\"name\":\"M\",\"mirror\":{\"name\":\"O\",\"filter_subject\":\"o.a\","
                + "\"subject_transforms\":[{\"src\":\"o.b\",\"dest\":\"m.b\"}]}}"))
                .contains("\"err_code\":10150");
        assertThat(api("STREAM.CREATE.M", "{\"name\":\"M\",\"mirror\":{\"name\":\"O\",\"subject_transforms\":"
                + "[{\"src\":\"o.*\",\"dest\":\"m.a\"},{\"src\":\"o.b\",\"dest\":\"m.b\"}]}}"))
                .contains("\"err_code\":10152");
        assertThat(api("STREAM.CREATE.M", "{\"name\":\"M\",\"mirror\":{\"name\":\"O\",\"subject_transforms\":"
                + "[{\"src\":\"o..b\",\"dest\":\"m.b\"}]}}"))
                .contains("\"err_code\":10151").contains("mirror transform source: invalid subject o..b");
        assertThat(api("STREAM.CREATE.M", "{\"name\":\"M\",\"mirror\":{\"name\":\"O\",\"subject_transforms\":"
                + "[{\"src\":\"o.*\",\"dest\":\"m.{{wildcard(2)}}\"}]}}"))
                .contains("\"err_code\":10154");
    }
}
