package io.natsj.server.cluster;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The pool slot of an account must be the one nats-server 2.10+ computes, or pooled peers would disagree. */
class RoutePeerTest {

    @Test
    void theSlotIsFnv1a32OfTheAccountNameModuloThePoolSize() {
        // FNV-1a 32 test vectors: "a" = 0xe40c292c, "foobar" = 0xbf9cf968 (both above 2^31: unsigned modulo)
        assertThat(RoutePeer.poolIndex(3, "a")).isEqualTo((int) (0xe40c292cL % 3));
        assertThat(RoutePeer.poolIndex(5, "a")).isEqualTo((int) (0xe40c292cL % 5));
        assertThat(RoutePeer.poolIndex(3, "foobar")).isEqualTo((int) (0xbf9cf968L % 3));
        assertThat(RoutePeer.poolIndex(7, "foobar")).isEqualTo((int) (0xbf9cf968L % 7));
        // the name's UTF-8 bytes, unsigned
        assertThat(RoutePeer.poolIndex(7, "é")).isEqualTo((int) (0x1e9de8c1L % 7));
    }

    @Test
    void aPoolOfOneOrNoneIsAlwaysSlotZero() {
        assertThat(RoutePeer.poolIndex(1, "a")).isZero();
        assertThat(RoutePeer.poolIndex(0, "foobar")).isZero();
        assertThat(RoutePeer.poolIndex(-1, "foobar")).isZero();
    }
}
