package io.natsj.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** How lame duck mode spreads the closing of clients, as nats-server does: pause between closes, clients per pause. */
@Timeout(10)
class LameDuckModeTest {

    private static long[] schedule(Duration duration, Duration grace, int clients) {
        return LameDuckMode.schedule(duration.toNanos(), grace.toNanos(), clients);
    }

    @Test
    void theTimeAfterTheGracePeriodIsSharedByTheClientsAtMostOneSecondApart() {
        assertThat(schedule(Duration.ofSeconds(1), Duration.ZERO, 4)).containsExactly(250_000_000L, 1);
        assertThat(schedule(Duration.ofSeconds(31), Duration.ofSeconds(1), 3)).as("defaults-like, few clients")
                .containsExactly(1_000_000_000L, 1);
        assertThat(schedule(Duration.ofMinutes(2), Duration.ofSeconds(10), 1000))
                .containsExactly(110_000_000L, 1);
    }

    @Test
    void aGracePeriodAsLongAsTheDurationLeavesOneSecond() {
        assertThat(schedule(Duration.ofSeconds(10), Duration.ofSeconds(10), 2)).containsExactly(500_000_000L, 1);
    }

    @Test
    void moreClientsThanNanosecondsAreClosedInBatches() {
        assertThat(LameDuckMode.schedule(110, 100, 50)).containsExactly(1L, 5L);
    }
}
