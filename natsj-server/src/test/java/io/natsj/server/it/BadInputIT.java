package io.natsj.server.it;

import io.nats.client.Options;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad client input on raw sockets: for every row of docs/protocol.md's error table natsj sends exactly nats-server's
 * {@code -ERR} line (or none) and closes or keeps the connection as nats-server does; afterwards the server still
 * serves a healthy jnats client. A megabyte of random garbage gets the connection closed, nothing more.
 */
@Timeout(60)
class BadInputIT {

    static final List<ProtocolCases.Case> ERROR_TABLE = ProtocolCases.ERROR_TABLE;
    static final List<ProtocolCases.Case> AUTH_TABLE = ProtocolCases.AUTH_TABLE;

    private static ServerFixture open;
    private static ServerFixture auth;

    @BeforeAll
    static void startServers() throws IOException {
        open = ServerFixture.start();
        auth = ServerFixture.start(ServerFixture.options().user(ProtocolCases.USER).password(ProtocolCases.PASSWORD));
    }

    @AfterAll
    static void stopServers() throws Exception {
        open.close();
        auth.close();
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("ERROR_TABLE")
    void errorTableRow(ProtocolCases.Case row) throws Exception {
        assertThat(row.run(open.port())).isEqualTo(row.expected());
        open.assertServes();
    }

    @ParameterizedTest(name = "{0}")
    @FieldSource("AUTH_TABLE")
    void authErrorTableRow(ProtocolCases.Case row) throws Exception {
        assertThat(row.run(auth.port())).isEqualTo(row.expected());
        auth.assertServes(Options.builder().userInfo(ProtocolCases.USER, ProtocolCases.PASSWORD));
    }

    @Test
    void connectWithAccountUnderSingleUserAuthIsRefused() throws Exception {
        ProtocolCases.Case row = ProtocolCases.AUTH_WITH_ACCOUNT;
        assertThat(row.run(auth.port())).isEqualTo(row.expected());
    }

    @Test
    void oneMegabyteOfRandomGarbageClosesTheConnection() throws Exception {
        byte[] garbage = new byte[1024 * 1024];
        new Random(42).nextBytes(garbage);
        try (RawClient raw = RawClient.connected(open.port())) {
            try {
                raw.send(garbage);
            } catch (IOException e) {
                // closed before all of it was read: that is the expected outcome
            }
            assertThat(raw.drainUntilClosed(Duration.ofSeconds(10))).as("closed").isTrue();
        }
        open.assertServes();
    }
}
