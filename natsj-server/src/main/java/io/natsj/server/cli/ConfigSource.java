package io.natsj.server.cli;

import io.natsj.server.ServerOptions;
import io.natsj.server.config.ConfigLoader;

import java.nio.file.Path;
import java.util.List;

/**
 * Where the options start from before the flags apply: nats-server's defaults, or the config file given with
 * {@code -c}.
 *
 * <p>Threading: stateless.
 */
final class ConfigSource {

    private ConfigSource() {
    }

    /** The defaults, or the file applied to them; throws {@link IllegalArgumentException} for a bad file. */
    static ConfigLoader.Loaded load(Path config) {
        if (config == null) {
            return new ConfigLoader.Loaded(ServerOptions.builder(), List.of());
        }
        return ConfigLoader.load(config);
    }
}
