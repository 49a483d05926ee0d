package io.natsj.server.json;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(10)
class GoFormatsTest {

    @Test
    void timesAreRfc3339WithTrailingZerosTrimmedLikeGo() {
        assertThat(GoFormats.rfc3339Nano(Instant.parse("2026-11-23T23:06:25.463485775Z")))
                .isEqualTo("2026-11-23T23:06:25.463485775Z");
        assertThat(GoFormats.rfc3339Nano(Instant.parse("2026-11-23T23:06:25.463485700Z")))
                .isEqualTo("2026-11-23T23:06:25.4634857Z");
        assertThat(GoFormats.rfc3339Nano(Instant.parse("2026-11-23T23:06:25Z")))
                .isEqualTo("2026-11-23T23:06:25Z");
        assertThat(GoFormats.rfc3339Nano(Instant.parse("0001-01-01T00:00:00Z")))
                .isEqualTo("0001-01-01T00:00:00Z");
    }

    @Test
    void durationsLookLikeGoDurationString() {
        assertThat(GoFormats.goDuration(Duration.ZERO)).isEqualTo("0s");
        assertThat(GoFormats.goDuration(Duration.ofNanos(750))).isEqualTo("750ns");
        assertThat(GoFormats.goDuration(Duration.ofNanos(1_074_590))).isEqualTo("1.07459ms");
        assertThat(GoFormats.goDuration(Duration.ofNanos(12_500))).isEqualTo("12.5µs");
        assertThat(GoFormats.goDuration(Duration.ofSeconds(1))).isEqualTo("1s");
        assertThat(GoFormats.goDuration(Duration.ofMillis(62_500))).isEqualTo("1m2.5s");
        assertThat(GoFormats.goDuration(Duration.ofHours(2))).isEqualTo("2h0m0s");
    }

    @Test
    void uptimeUsesNatsServerDayAndYearForm() {
        assertThat(GoFormats.uptime(Duration.ofSeconds(0))).isEqualTo("0s");
        assertThat(GoFormats.uptime(Duration.ofSeconds(65))).isEqualTo("1m5s");
        assertThat(GoFormats.uptime(Duration.ofSeconds(3600))).isEqualTo("1h0m0s");
        assertThat(GoFormats.uptime(Duration.ofDays(1).plusSeconds(4))).isEqualTo("1d0h0m4s");
        assertThat(GoFormats.uptime(Duration.ofDays(366))).isEqualTo("1y1d0h0m0s");
    }
}
