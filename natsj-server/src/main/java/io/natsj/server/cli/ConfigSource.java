package io.natsj.server.cli;

import io.natsj.server.ServerOptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the options start from before the flags apply: nats-server's defaults, or the config file given with
 * {@code -c}.
 *
 * <p>Threading: stateless.
 */
final class ConfigSource {

    private ConfigSource() {
    }

    static ServerOptions.Builder load(Path config) {
        if (config == null) {
            return ServerOptions.builder();
        }
        if (!Files.isReadable(config)) {
            throw new IllegalArgumentException("open " + config + ": no such file or directory");
        }
        throw new IllegalArgumentException("config files are not supported yet: " + config);
    }
}
