package io.natsj.bench;

import java.util.Arrays;

/**
 * Small statistics for benchmark results: median, percentiles, and the natsj/nats-server ratio.
 *
 * <p>Threading: stateless.
 */
public final class Stats {

    private Stats() {
    }

    /** The p-th percentile (nearest rank) of the values; sorts a copy. */
    public static double percentile(long[] values, double p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** The median of the values (mean of the two middle ones for an even count). */
    public static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        if (n == 0) {
            return Double.NaN;
        }
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** How much better natsj is: natsj/nats for throughput, nats/natsj for latency, so above 1.0 favours natsj. */
    public static double ratio(double natsj, double nats, boolean higherIsBetter) {
        return higherIsBetter ? natsj / nats : nats / natsj;
    }
}
