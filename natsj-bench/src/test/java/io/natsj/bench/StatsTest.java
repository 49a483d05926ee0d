package io.natsj.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

@Timeout(5)
class StatsTest {

    @Test
    void medianOfOddAndEvenCounts() {
        assertThat(Stats.median(new double[]{5, 1, 3})).isEqualTo(3);
        assertThat(Stats.median(new double[]{4, 1, 3, 2})).isEqualTo(2.5);
    }

    @Test
    void percentileUsesNearestRank() {
        long[] v = new long[100];
        for (int i = 0; i < 100; i++) {
            v[i] = 100 - i;
        }
        assertThat(Stats.percentile(v, 50)).isEqualTo(50);
        assertThat(Stats.percentile(v, 99)).isEqualTo(99);
        assertThat(Stats.percentile(v, 100)).isEqualTo(100);
    }

    @Test
    void ratioAboveOneAlwaysFavoursNatsj() {
        assertThat(Stats.ratio(200, 100, true)).isCloseTo(2.0, within(1e-9));
        assertThat(Stats.ratio(50, 100, false)).isCloseTo(2.0, within(1e-9));
    }
}
