package io.natsj.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * natsj's own version and the nats-server version whose API it implements (advertised in INFO {@code version}, since
 * clients pick request forms from it), read from the build-generated {@code version.properties}.
 *
 * <p>Threading: immutable after class initialisation.
 */
public final class Versions {

    private static final Properties PROPS = load();

    private Versions() {
    }

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = Versions.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    /** natsj's version, e.g. {@code 0.1.0-SNAPSHOT}. */
    public static String natsjVersion() {
        return PROPS.getProperty("natsj.version", "0.0.0-dev");
    }

    /** The nats-server version whose API natsj implements, e.g. {@code 2.11.0}. */
    public static String natsApiVersion() {
        return PROPS.getProperty("nats.api.version", "2.11.0");
    }

    /** What INFO's {@code go} field carries for natsj: its own version and the Java runtime. */
    public static String runtimeDescription() {
        return "natsj " + natsjVersion() + " (java " + Runtime.version().feature() + ")";
    }
}
