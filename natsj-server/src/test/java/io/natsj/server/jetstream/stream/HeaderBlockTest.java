package io.natsj.server.jetstream.stream;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Replacing a header the way nats-server rewrites one: every old line out, the new one last. */
class HeaderBlockTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void replaceTakesOutEveryLineOfTheNameAndAddsTheNewOneLast() {
        byte[] block = b("NATS/1.0\r\nNats-TTL: 1\r\nA: x\r\nNats-TTL: 2s\r\nNats-TTL-Other: y\r\n\r\n");
        assertThat(s(HeaderBlock.replace(block, "Nats-TTL", "50")))
                .isEqualTo("NATS/1.0\r\nA: x\r\nNats-TTL-Other: y\r\nNats-TTL: 50\r\n\r\n");
    }

    @Test
    void replaceKeepsTheFirstLineAndLooksAtNamesCaseSensitively() {
        byte[] block = b("NATS/1.0 100 Idle\r\nnats-ttl: 1\r\nNats-TTL: 1\r\n\r\n");
        assertThat(s(HeaderBlock.replace(block, "Nats-TTL", "5")))
                .isEqualTo("NATS/1.0 100 Idle\r\nnats-ttl: 1\r\nNats-TTL: 5\r\n\r\n");
    }

    @Test
    void replaceOfTheOnlyHeader() {
        assertThat(s(HeaderBlock.replace(b("NATS/1.0\r\nNats-TTL: 1\r\n\r\n"), "Nats-TTL", "2")))
                .isEqualTo("NATS/1.0\r\nNats-TTL: 2\r\n\r\n");
    }
}
