package io.natsj.server.monitor;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.natsj.server.NatsServer;
import io.natsj.server.ServerOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.util.DefaultIndenter;
import tools.jackson.core.util.DefaultPrettyPrinter;
import tools.jackson.core.util.Separators;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;

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
import java.util.function.Function;

/**
 * The HTTP monitoring server ({@code -m} / {@code http_port}): {@code /varz}, {@code /connz}, {@code /subsz}
 * ({@code /subscriptionsz}), {@code /healthz} and an index page, as JSON with nats-server's field names, indented
 * as nats-server indents it. Supports JSONP ({@code ?callback=}) like nats-server.
 *
 * <p>Threading: requests are served on virtual threads; every view is a read-only snapshot of the server.
 */
public final class MonitorServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MonitorServer.class);
    private static final ObjectWriter JSON = JsonMapper.builder().build().writer().with(goStylePrinter());

    private final NatsServer server;
    private final HttpServer http;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, LongAdder> requestCounts = new ConcurrentHashMap<>();

    public MonitorServer(NatsServer server) {
        this.server = server;
        ServerOptions o = server.options();
        int port = o.httpPort() == ServerOptions.RANDOM_PORT ? 0 : o.httpPort();
        try {
            http = HttpServer.create(new InetSocketAddress(o.httpHost(), port), 128);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for monitoring on " + o.httpHost() + ":" + port, e);
        }
        http.setExecutor(executor);
        http.createContext("/", this::index);
        json("/varz", q -> VarzView.build(server, port(), requestStats()));
        json("/connz", q -> ConnzView.build(server, q));
        json("/subsz", q -> SubszView.build(server, q));
        json("/subscriptionsz", q -> SubszView.build(server, q));
        json("/healthz", q -> HealthzView.build(server));
        http.start();
        LOG.info("Starting http monitor on {}:{}", o.httpHost(), port());
    }

    /** The bound port. */
    public int port() {
        return http.getAddress().getPort();
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

    private void json(String path, Function<QueryParams, Map<String, Object>> view) {
        http.createContext(path, exchange -> {
            try (exchange) {
                if (!exchange.getRequestURI().getPath().equals(path)) {
                    respond(exchange, 404, "text/plain", "404 page not found\n".getBytes(StandardCharsets.UTF_8));
                    return;
                }
                requestCounts.computeIfAbsent(path, k -> new LongAdder()).increment();
                QueryParams q = new QueryParams(exchange.getRequestURI());
                Map<String, Object> body;
                try {
                    body = view.apply(q);
                } catch (QueryParams.BadRequest e) {
                    respond(exchange, 400, "text/plain", e.getMessage().getBytes(StandardCharsets.UTF_8));
                    return;
                }
                int status = body.get("status_code") instanceof Integer code ? code : 200;
                byte[] bytes = JSON.writeValueAsBytes(body);
                String callback = q.get("callback");
                if (!callback.isEmpty()) {
                    byte[] js = (callback + "(" + new String(bytes, StandardCharsets.UTF_8) + ")")
                            .getBytes(StandardCharsets.UTF_8);
                    respond(exchange, status, "application/javascript", js);
                } else {
                    exchange.getResponseHeaders().set("Access-Control-Allow-Origin", "*");
                    respond(exchange, status, "application/json", bytes);
                }
            } catch (RuntimeException e) {
                LOG.warn("monitoring request {} failed", path, e);
            }
        });
    }

    private void index(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestURI().getPath().equals("/")) {
                respond(exchange, 404, "text/plain", "404 page not found\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            requestCounts.computeIfAbsent("/", k -> new LongAdder()).increment();
            StringBuilder html = new StringBuilder("<html><head><title>natsj</title></head><body>")
                    .append("<h1>natsj ").append(server.serverName()).append("</h1><ul>");
            for (String p : new String[]{"varz", "connz", "subsz", "healthz"}) {
                html.append("<li><a href=\"").append(p).append("\">").append(p).append("</a></li>");
            }
            html.append("</ul></body></html>");
            respond(exchange, 200, "text/html; charset=utf-8", html.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void respond(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** Two-space indentation, {@code "key": value}, empty {@code {}} and {@code []}: Go's MarshalIndent look. */
    private static DefaultPrettyPrinter goStylePrinter() {
        Separators separators = Separators.createDefaultInstance()
                .withObjectNameValueSpacing(Separators.Spacing.AFTER)
                .withObjectEmptySeparator("")
                .withArrayEmptySeparator("");
        DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        return new DefaultPrettyPrinter(separators)
                .withObjectIndenter(indenter)
                .withArrayIndenter(indenter);
    }
}
