package io.natsj.server.monitor;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code /metrics}: natsj's metrics in the Prometheus text exposition format (version 0.0.4), written by the
 * Prometheus Java library from collectors that read the server's current values at each scrape
 * ({@link ServerMetrics}, {@link JetStreamMetrics}). nats-server has no such endpoint (it needs a separate
 * exporter); the metric names are natsj's own, prefixed {@code natsj_}.
 *
 * <p>Threading: the registry is private to this endpoint; scrapes may run concurrently.
 */
final class MetricsEndpoint {

    /** {@code text/plain; version=0.0.4; charset=utf-8}. */
    static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    MetricsEndpoint(MonitoredServer server, Supplier<Map<String, Long>> httpRequests) {
        registry.register(new ServerMetrics(server, httpRequests));
        registry.register(new JetStreamMetrics(server));
    }

    /** One scrape, as the bytes of the answer. */
    byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
