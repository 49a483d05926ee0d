package io.natsj.server.json;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(10)
class GoJsonTest {

    /** {@code /connz?subs=detail} as nats-server 2.9.10 answered it (captured with curl). */
    private static final String NATS_SERVER_CONNZ = """
            {
              "server_id": "NCWDIKZ6DNVQM7P2XMEF2WAVV5XQLGS2DRN6APHIPYMYCETVGJECYGJQ",
              "now": "2026-11-23T23:58:05.558325928Z",
              "num_connections": 1,
              "total": 1,
              "offset": 0,
              "limit": 1024,
              "connections": [
                {
                  "cid": 4,
                  "kind": "Client",
                  "type": "nats",
                  "ip": "127.0.0.1",
                  "port": 49398,
                  "start": "2026-11-23T23:58:05.221085601Z",
                  "last_activity": "2026-11-23T23:58:05.223609706Z",
                  "rtt": "1.962273ms",
                  "uptime": "0s",
                  "idle": "0s",
                  "pending_bytes": 0,
                  "in_msgs": 1,
                  "out_msgs": 1,
                  "in_bytes": 2,
                  "out_bytes": 2,
                  "subscriptions": 2,
                  "name": "a\\u003cb\\u0026c",
                  "lang": "py",
                  "version": "1",
                  "subscriptions_list_detail": [
                    {
                      "subject": "foo.\\u003e",
                      "sid": "1",
                      "msgs": 1,
                      "cid": 4
                    },
                    {
                      "subject": "bar",
                      "qgroup": "q1",
                      "sid": "2",
                      "msgs": 0,
                      "max": 5,
                      "cid": 4
                    }
                  ]
                }
              ]
            }""";

    /** {@code /subsz} as nats-server 2.9.10 answered it. */
    private static final String NATS_SERVER_SUBSZ = """
            {
              "num_subscriptions": 43,
              "num_cache": 5,
              "num_inserts": 43,
              "num_removes": 0,
              "num_matches": 5,
              "cache_hit_rate": 0,
              "max_fanout": 1,
              "avg_fanout": 0.8
            }""";

    private static final tools.jackson.databind.json.JsonMapper JSON_READER =
            tools.jackson.databind.json.JsonMapper.builder().build();

    private static String roundTrip(String json) {
        Object tree = JSON_READER.readValue(json, LinkedHashMap.class);
        return GoJson.INDENTED.writeValueAsString(tree);
    }

    @Test
    void rewritesNatsServerDocumentsByteForByte() {
        assertThat(roundTrip(NATS_SERVER_CONNZ)).isEqualTo(NATS_SERVER_CONNZ);
        assertThat(roundTrip(NATS_SERVER_SUBSZ)).isEqualTo(NATS_SERVER_SUBSZ);
    }

    @Test
    void emptyContainersStayOnOneLine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cluster", Map.of());
        m.put("connections", List.of());
        m.put("nested", Map.of("list", List.of(Map.of())));

        assertThat(GoJson.INDENTED.writeValueAsString(m)).isEqualTo("""
                {
                  "cluster": {},
                  "connections": [],
                  "nested": {
                    "list": [
                      {}
                    ]
                  }
                }""");
    }

    @Test
    void compactIsGoMarshal() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", "ok");
        m.put("rate", 0.0);
        m.put("list", List.of(1, 2));

        assertThat(GoJson.COMPACT.writeValueAsString(m)).isEqualTo("{\"status\":\"ok\",\"rate\":0,\"list\":[1,2]}");
    }

    @Test
    void stringsAreEscapedAsGoEscapesThem() {
        assertThat(GoJson.COMPACT.writeValueAsString("<a&b>")).isEqualTo("\"\\u003ca\\u0026b\\u003e\"");
        assertThat(GoJson.COMPACT.writeValueAsString("\u0001\n\t\"\\")).isEqualTo("\"\\u0001\\n\\t\\\"\\\\\"");
        assertThat(GoJson.COMPACT.writeValueAsString("\u001f\u2028\u2029é")).isEqualTo("\"\\u001f\\u2028\\u2029é\"");
    }

    @Test
    void floatsUseGoNotation() {
        assertThat(GoJson.goFloat(2.0)).isEqualTo("2");
        assertThat(GoJson.goFloat(0.0)).isEqualTo("0");
        assertThat(GoJson.goFloat(0.75)).isEqualTo("0.75");
        assertThat(GoJson.goFloat(1.5)).isEqualTo("1.5");
        assertThat(GoJson.goFloat(0.1 + 0.2)).isEqualTo("0.30000000000000004");
        assertThat(GoJson.goFloat(2.0 / 3)).isEqualTo("0.6666666666666666");
        assertThat(GoJson.goFloat(123456789.5)).isEqualTo("123456789.5");
        assertThat(GoJson.goFloat(1e20)).isEqualTo("100000000000000000000");
        assertThat(GoJson.goFloat(0.000001)).isEqualTo("0.000001");
        assertThat(GoJson.goFloat(1e-7)).isEqualTo("1e-7");
        assertThat(GoJson.goFloat(2.5e-10)).isEqualTo("2.5e-10");
        assertThat(GoJson.goFloat(1.5e21)).isEqualTo("1.5e+21");
        assertThat(GoJson.goFloat(-3.25)).isEqualTo("-3.25");
    }
}
