package io.natsj.server.util;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(5)
class GoDurationTest {

    @Test
    void parsesGoDurations() {
        assertThat(GoDuration.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(GoDuration.parse("10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(GoDuration.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(GoDuration.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(GoDuration.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(GoDuration.parse("0")).isEqualTo(Duration.ZERO);
    }

    @Test
    void rejectsWhatGoRejects() {
        assertThatThrownBy(() -> GoDuration.parse("10")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GoDuration.parse("s")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GoDuration.parse("5x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> GoDuration.parse("")).isInstanceOf(IllegalArgumentException.class);
    }
}
