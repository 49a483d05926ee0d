package io.natsj.server.auth;

import io.natsj.server.auth.Permissions.ResponsePermission;
import io.natsj.server.auth.Permissions.SubjectPermission;
import io.natsj.server.util.ServerClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Per-connection permission state: response permits on a manual clock, the publish cache, the delivery filter. */
@Timeout(10)
class ConnectionPermissionsTest {

    /** A clock the test moves by hand. */
    static final class ManualClock implements ServerClock {
        long nanos = 1_000_000_000L;

        @Override
        public long nanoTime() {
            return nanos;
        }

        @Override
        public Instant now() {
            return Instant.ofEpochSecond(0, nanos);
        }

        void advance(Duration d) {
            nanos += d.toNanos();
        }
    }

    private final ManualClock clock = new ManualClock();

    private ConnectionPermissions conn(Permissions p) {
        return new ConnectionPermissions(UserPermissions.compile(p), clock);
    }

    @Test
    void aDeliveredRequestAllowsOneResponseByDefault() {
        ConnectionPermissions c = conn(new Permissions(null, null, ResponsePermission.DEFAULT));
        assertThat(c.mayPublish("_INBOX.a")).isFalse();
        c.requestDelivered("_INBOX.a");
        assertThat(c.mayPublish("_INBOX.a")).isTrue();
        assertThat(c.mayPublish("_INBOX.a")).isFalse();
        assertThat(c.mayPublish("_INBOX.b")).isFalse();
    }

    @Test
    void responsesAreLimitedByMaxAndExpiry() {
        ConnectionPermissions c = conn(new Permissions(null, null,
                new ResponsePermission(3, Duration.ofSeconds(10))));
        c.requestDelivered("r.1");
        assertThat(c.mayPublish("r.1")).isTrue();
        assertThat(c.mayPublish("r.1")).isTrue();
        assertThat(c.mayPublish("r.1")).isTrue();
        assertThat(c.mayPublish("r.1")).isFalse();

        c.requestDelivered("r.2");
        clock.advance(Duration.ofSeconds(11));
        assertThat(c.mayPublish("r.2")).isFalse();
    }

    @Test
    void negativeMaxAndExpiryMeanNoLimit() {
        ConnectionPermissions c = conn(new Permissions(null, null, new ResponsePermission(-1, Duration.ofNanos(-1))));
        c.requestDelivered("r");
        clock.advance(Duration.ofDays(1));
        for (int i = 0; i < 100; i++) {
            assertThat(c.mayPublish("r")).isTrue();
        }
    }

    @Test
    void aRequestDeliveredAgainRestartsItsPermit() {
        ConnectionPermissions c = conn(new Permissions(null, null, ResponsePermission.DEFAULT));
        c.requestDelivered("r");
        assertThat(c.mayPublish("r")).isTrue();
        c.requestDelivered("r");
        assertThat(c.mayPublish("r")).isTrue();
    }

    @Test
    void repliesAlreadyAllowedAreNotTracked() {
        ConnectionPermissions c = conn(new Permissions(new SubjectPermission(List.of("_INBOX.>"), null), null,
                ResponsePermission.DEFAULT));
        c.requestDelivered("_INBOX.x");
        for (int i = 0; i < 3; i++) {
            assertThat(c.mayPublish("_INBOX.x")).isTrue();
        }
    }

    @Test
    void thePublishCacheKeepsAnswersCorrectBeyondItsBound() {
        ConnectionPermissions c = conn(new Permissions(new SubjectPermission(List.of("ok.*"), null), null, null));
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < ConnectionPermissions.PUBLISH_CACHE_MAX * 3; i++) {
                assertThat(c.mayPublish("ok." + i)).isTrue();
                assertThat(c.mayPublish("no." + i)).isFalse();
            }
        }
    }

    @Test
    void theDeliveryFilterIsOnOnlyAfterAWildcardSubscriptionOverADeniedSubject() {
        ConnectionPermissions c = conn(new Permissions(null, new SubjectPermission(null, List.of("foo.bar")), null));
        assertThat(c.maySubscribe("foo.baz", null)).isTrue();
        assertThat(c.deliveryDenied("foo.bar")).isFalse();
        assertThat(c.maySubscribe("foo.*", null)).isTrue();
        for (int i = 0; i < ConnectionPermissions.DENY_CACHE_MAX * 2; i++) {
            assertThat(c.deliveryDenied("foo.bar")).isTrue();
            assertThat(c.deliveryDenied("foo." + i)).isFalse();
        }
    }
}
