package io.natsj.server.monitor;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** Test helper: GETs monitoring endpoints over HTTP (or HTTPS) and parses their JSON with Jackson. */
final class MonitorHttp implements AutoCloseable {

    static final JsonMapper MAPPER = JsonMapper.builder().build();

    private final HttpClient client;
    private final String base;

    MonitorHttp(String host, int port) {
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        this.base = "http://" + host + ":" + port;
    }

    private MonitorHttp(int port, SSLContext tls) {
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).sslContext(tls).build();
        this.base = "https://127.0.0.1:" + port;
    }

    /** A client of an HTTPS monitoring port whose certificate {@code tls} trusts. */
    static MonitorHttp https(int port, SSLContext tls) {
        return new MonitorHttp(port, tls);
    }

    MonitorHttp(int port) {
        this("127.0.0.1", port);
    }

    HttpResponse<String> get(String pathAndQuery) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + pathAndQuery))
                .timeout(Duration.ofSeconds(10)).GET().build();
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("GET " + pathAndQuery + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** GETs and parses a 200 JSON answer. */
    JsonNode json(String pathAndQuery) {
        HttpResponse<String> r = get(pathAndQuery);
        assertThat(r.statusCode()).as("status of %s: %s", pathAndQuery, r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        return MAPPER.readTree(r.body());
    }

    /** Every field path in {@code n}: objects joined by dots, array elements merged under {@code []}. */
    static Set<String> paths(JsonNode n) {
        Set<String> out = new TreeSet<>();
        collect(n, "", out);
        return out;
    }

    private static void collect(JsonNode n, String prefix, Set<String> out) {
        if (n.isObject()) {
            n.properties().forEach(e -> {
                String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
                out.add(path);
                collect(e.getValue(), path, out);
            });
        } else if (n.isArray()) {
            n.forEach(e -> collect(e, prefix + "[]", out));
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
