package io.natsj.server.util;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NodeHashTest {

    @Test
    void eightCharactersPickedByTheShaBytesModulo62() {
        // computed independently: base62 digit of each of the first 8 SHA-256 bytes, as nats-server's getHash
        assertThat(NodeHash.of("n1")).isEqualTo("fjFyEjc1");
        assertThat(NodeHash.of("S-1")).isEqualTo("esFhDys3");
        assertThat(NodeHash.of("nats-1")).isEqualTo("yrzKKRBu");
    }
}
