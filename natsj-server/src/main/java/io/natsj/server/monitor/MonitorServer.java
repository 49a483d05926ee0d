package io.natsj.server.monitor;

import io.natsj.server.json.GoJson;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.natsj.server.tls.ServerTls;
import io.natsj.server.ServerOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;

/**
 * The HTTP monitoring server ({@code -m} / {@code http_port}), or HTTPS ({@code https_port}, with the client port's
 * certificate and without client certificates, as nats-server serves it): {@code /varz}, {@code /connz},
 * {@code /subsz} ({@code /subscriptionsz}), {@code /accountz}, {@code /jsz}, {@code /healthz} and an index page, as
 * JSON with nats-server's field names, written byte for byte as nats-server writes it ({@link GoJson}); and
 * {@code /metrics}, natsj's Prometheus text endpoint ({@link MetricsEndpoint}). Supports JSONP ({@code ?callback=})
 * like nats-server.
 * Errors are 400 with nats-server's text; unknown paths are Go's 404. {@code http_req_stats} counts as nats-server
 * counts: {@code /subscriptionsz} as {@code /subsz}, a {@code /connz} whose parameters do not decode not at all.
 *
 * <p>Threading: requests are served on virtual threads; every view is a read-only snapshot of the server.
 */
public final class MonitorServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MonitorServer.class);
    /** The content type Go's server sniffs for the plain-text bodies it writes (errors, 404). */
    private static final String TEXT = "text/plain; charset=utf-8";

    private final MonitoredServer server;
    private final HttpServer http;
    private final boolean secure;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, LongAdder> requestCounts = new ConcurrentHashMap<>();
    private final MetricsEndpoint metrics;

    public MonitorServer(MonitoredServer server) {
        this.server = server;
        ServerOptions o = server.options();
        secure = o.httpsPort() != 0;
        int configured = secure ? o.httpsPort() : o.httpPort();
        int port = configured == ServerOptions.RANDOM_PORT ? 0 : configured;
        try {
            InetSocketAddress address = new InetSocketAddress(o.httpHost(), port);
            http = secure ? https(address, server.tls()) : HttpServer.create(address, 128);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for monitoring on " + o.httpHost() + ":" + port, e);
        }
        http.setExecutor(executor);
        http.createContext("/", this::index);
        endpoint("/varz", "/varz", (q, count) -> {
            count.run();
            return MonitorReply.indented(VarzView.build(server, secure ? 0 : port(), secure ? port() : 0,
                    requestStats()));
        });
        endpoint("/connz", "/connz", (q, count) -> MonitorReply.indented(ConnzView.build(server, q, count)));
        Endpoint subsz = (q, count) -> {
            count.run();
            return MonitorReply.indented(SubszView.build(server, q));
        };
        endpoint("/subsz", "/subsz", subsz);
        // nats-server serves the alias with the same handler and counts it as /subsz
        endpoint("/subscriptionsz", "/subsz", subsz);
        endpoint("/accountz", "/accountz", (q, count) -> {
            count.run();
            return MonitorReply.indented(AccountzView.build(server, q));
        });
        endpoint("/healthz", "/healthz", (q, count) -> {
            count.run();
            return HealthzView.build(server, q);
        });
        endpoint("/routez", "/routez", (q, count) -> {
            count.run();
            return MonitorReply.indented(RoutezView.build(server, q));
        });
        endpoint("/jsz", "/jsz", (q, count) -> {
            count.run();
            return MonitorReply.indented(JszView.build(server, q));
        });
        metrics = new MetricsEndpoint(server, this::requestStats);
        http.createContext("/metrics", this::metrics);
        http.start();
        LOG.info("Starting {} monitor on {}:{}", secure ? "https" : "http", o.httpHost(), port());
    }

    private static HttpsServer https(InetSocketAddress address, ServerTls tls) throws IOException {
        HttpsServer https = HttpsServer.create(address, 128);
        https.setHttpsConfigurator(new HttpsConfigurator(tls.context()) {
            @Override
            public void configure(HttpsParameters params) {
                params.setSSLParameters(tls.parameters(false));
            }
        });
        return https;
    }

    /** The bound port. */
    public int port() {
        return http.getAddress().getPort();
    }

    /** True when serving HTTPS. */
    public boolean secure() {
        return secure;
    }

    @Override
    public void close() {
        http.stop(0);
        executor.shutdownNow();
    }

    private Map<String, Long> requestStats() {
        Map<String, Long> out = new TreeMap<>();
        requestCounts.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    private void count(String key) {
        requestCounts.computeIfAbsent(key, k -> new LongAdder()).increment();
    }

    /** One endpoint: decodes its parameters, calls {@code count} once it counts the request, builds its reply. */
    @FunctionalInterface
    private interface Endpoint {
        MonitorReply handle(QueryParams q, Runnable count);
    }

    private void endpoint(String path, String countKey, Endpoint endpoint) {
        http.createContext(path, exchange -> {
            try (exchange) {
                if (!exchange.getRequestURI().getPath().equals(path)) {
                    notFound(exchange);
                    return;
                }
                QueryParams q = new QueryParams(exchange.getRequestURI());
                MonitorReply reply;
                try {
                    reply = endpoint.handle(q, () -> count(countKey));
                } catch (QueryParams.BadRequest e) {
                    respond(exchange, 400, TEXT, e.getMessage().getBytes(StandardCharsets.UTF_8));
                    return;
                }
                byte[] bytes = (reply.indented() ? GoJson.INDENTED : GoJson.COMPACT).writeValueAsBytes(reply.body());
                String callback = q.get("callback");
                if (!callback.isEmpty()) {
                    byte[] head = (callback + "(").getBytes(StandardCharsets.UTF_8);
                    byte[] js = new byte[head.length + bytes.length + 1];
                    System.arraycopy(head, 0, js, 0, head.length);
                    System.arraycopy(bytes, 0, js, head.length, bytes.length);
                    js[js.length - 1] = ')';
                    respond(exchange, reply.status(), "application/javascript", js);
                } else {
                    exchange.getResponseHeaders().set("Access-Control-Allow-Origin", "*");
                    respond(exchange, reply.status(), "application/json", bytes);
                }
            } catch (RuntimeException e) {
                LOG.warn("monitoring request {} failed", path, e);
                try {
                    respond(exchange, 500, TEXT, "internal error\n".getBytes(StandardCharsets.UTF_8));
                } catch (IOException | RuntimeException ignored) {
                    // headers already sent or exchange gone
                }
            }
        });
    }

    /** Go's {@code http.NotFound}. */
    private static void notFound(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        respond(exchange, 404, TEXT, "404 page not found\n".getBytes(StandardCharsets.UTF_8));
    }

    private void index(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestURI().getPath().equals("/")) {
                notFound(exchange);
                return;
            }
            count("/");
            StringBuilder html = new StringBuilder("<html><head><title>natsj</title></head><body>")
                    .append("<h1>natsj ").append(server.serverName()).append("</h1><ul>");
            for (String p : new String[]{"varz", "connz", "routez", "subsz", "accountz", "jsz", "healthz", "metrics"}) {
                html.append("<li><a href=\"").append(p).append("\">").append(p).append("</a></li>");
            }
            html.append("</ul></body></html>");
            respond(exchange, 200, "text/html; charset=utf-8", html.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    /** {@code /metrics}: the Prometheus text format, counted as {@code /metrics} in {@code http_req_stats}. */
    private void metrics(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestURI().getPath().equals("/metrics")) {
                notFound(exchange);
                return;
            }
            count("/metrics");
            byte[] body;
            try {
                body = metrics.scrape();
            } catch (RuntimeException e) {
                LOG.warn("monitoring request /metrics failed", e);
                respond(exchange, 500, TEXT, "internal error\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            respond(exchange, 200, MetricsEndpoint.CONTENT_TYPE, body);
        }
    }

    private static void respond(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
