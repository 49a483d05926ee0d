package io.natsj.server.config;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One value of a parsed config file with the position it came from. The value is a {@link String}, {@link Long},
 * {@link Double}, {@link Boolean}, {@link Instant}, {@code List<ConfigValue>} or {@code Map<String, ConfigValue>}
 * (keys as written, in file order).
 *
 * <p>A value that a {@code $variable} referred to is marked used, so that a top-level key that only defines a
 * variable is not reported as an unknown field (nats-server's rule).
 *
 * <p>Threading: built and read by one thread.
 */
public final class ConfigValue {

    private final Object value;
    private final ConfigPosition position;
    private boolean usedAsVariable;

    ConfigValue(Object value, ConfigPosition position) {
        this.value = value;
        this.position = position;
    }

    /** The raw value (see the class comment for its possible types). */
    public Object value() {
        return value;
    }

    /** Where the value (or, for a map entry, its key) starts. */
    public ConfigPosition position() {
        return position;
    }

    /** Whether a {@code $variable} reference read this value. */
    public boolean usedAsVariable() {
        return usedAsVariable;
    }

    void markUsedAsVariable() {
        usedAsVariable = true;
    }

    /** This value at another position (a variable's value where it is referenced, a map entry at its key). */
    ConfigValue at(ConfigPosition where) {
        return new ConfigValue(value, where);
    }

    /** The name of the value's type, as used in error messages. */
    public String typeName() {
        return switch (value) {
            case String s -> "string";
            case Long l -> "integer";
            case Double d -> "float";
            case Boolean b -> "boolean";
            case Instant i -> "datetime";
            case List<?> l -> "array";
            case Map<?, ?> m -> "map";
            default -> value.getClass().getSimpleName();
        };
    }

    @Override
    public String toString() {
        return String.valueOf(value);
    }
}
