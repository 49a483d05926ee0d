package io.natsj.server.config;

import java.util.List;

/**
 * A config file that cannot be used: a syntax error from {@link ConfigParser}, or one or more errors found by
 * {@link ConfigLoader}. The message names the file, line and column of every error, one per line.
 */
public final class ConfigException extends IllegalArgumentException {

    private final List<String> errors;

    /** One error at {@code where}. */
    public ConfigException(ConfigPosition where, String reason) {
        this(List.of(where + ": " + reason));
    }

    /** Several errors, each already prefixed with its position. */
    public ConfigException(List<String> errors) {
        super(String.join("\n", errors));
        this.errors = List.copyOf(errors);
    }

    /** The errors, one line each. */
    public List<String> errors() {
        return errors;
    }
}
