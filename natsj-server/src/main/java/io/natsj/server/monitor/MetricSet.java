package io.natsj.server.monitor;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects the samples of one scrape by metric family (name, help, gauge or counter) and turns them into the
 * Prometheus library's snapshots; families keep the order of their first sample, and a family without samples does
 * not appear.
 *
 * <p>Threading: one instance per scrape.
 */
final class MetricSet {

    private enum Kind { GAUGE, COUNTER }

    private record Sample(Labels labels, double value) {
    }

    private record Family(String help, Kind kind, List<Sample> samples) {
    }

    private final Map<String, Family> families = new LinkedHashMap<>();

    /** Declares gauge {@code name} (when new) and adds a sample. */
    MetricSet gauge(String name, String help, Labels labels, double value) {
        return add(name, help, Kind.GAUGE, labels, value);
    }

    /** Declares counter {@code name} (written with the {@code _total} suffix) and adds a sample. */
    MetricSet counter(String name, String help, Labels labels, double value) {
        return add(name, help, Kind.COUNTER, labels, value);
    }

    private MetricSet add(String name, String help, Kind kind, Labels labels, double value) {
        Family f = families.computeIfAbsent(name, n -> new Family(help, kind, new ArrayList<>()));
        if (f.kind() != kind) {
            throw new IllegalArgumentException(name + " is a " + f.kind() + ", not a " + kind);
        }
        f.samples().add(new Sample(labels, value));
        return this;
    }

    MetricSnapshots snapshots() {
        List<MetricSnapshot> out = new ArrayList<>();
        families.forEach((name, f) -> {
            if (f.kind() == Kind.GAUGE) {
                GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(f.help());
                f.samples().forEach(s -> b.dataPoint(GaugeDataPointSnapshot.builder().labels(s.labels())
                        .value(s.value()).build()));
                out.add(b.build());
            } else {
                CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(f.help());
                f.samples().forEach(s -> b.dataPoint(CounterDataPointSnapshot.builder().labels(s.labels())
                        .value(s.value()).build()));
                out.add(b.build());
            }
        });
        return new MetricSnapshots(out);
    }
}
