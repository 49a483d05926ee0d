package io.natsj.server.jetstream.consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * What most consumer integration tests start from: an embedded natsj server with JetStream on a temporary store
 * directory ({@link #f}), started before each test and closed after it, and a second temporary directory for a
 * reference nats-server when a test compares the two. A subclass's own {@code @BeforeEach} runs after this one.
 */
abstract class ConsumerTestBase {

    @TempDir
    Path dir;
    @TempDir
    Path refDir;
    ConsumerFixture f;

    @BeforeEach
    void startNatsj() throws Exception {
        f = ConsumerFixture.natsj(dir);
    }

    @AfterEach
    void stopNatsj() throws Exception {
        f.close();
    }
}
