package io.natsj.server.jetstream;

import io.natsj.server.jetstream.stream.StreamConfig;
import io.natsj.server.jetstream.stream.StreamConfigJson;
import io.natsj.server.json.GoFormats;
import io.natsj.server.json.GoJson;
import io.natsj.server.json.GoStruct;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.zip.CRC32C;

/**
 * A stream's definition on disk, {@code meta.inf} in its directory: one JSON object
 * {@code {"created":"<RFC 3339>","config":{<stream config as in the API>},"crc32c":"<hex of the rest>"}}, written
 * to {@code meta.inf.tmp}, forced to disk and renamed over the old file, so that a crash leaves the old or the new
 * definition, never a torn one. See {@code docs/storage-format.md}.
 *
 * <p>Threading: stateless.
 */
public final class StreamMeta {

    static final String FILE = "meta.inf";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** A definition read back. */
    public record Loaded(StreamConfig config, Instant created) {
    }

    private StreamMeta() {
    }

    /** Writes the definition atomically. */
    public static void write(Path dir, StreamConfig config, Instant created) throws IOException {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("created", GoFormats.rfc3339Nano(created));
        body.set("config", StreamConfigJson.write(config));
        String content = GoJson.COMPACT.writeValueAsString(body);
        ObjectNode withSum = body.deepCopy();
        withSum.put("crc32c", crc(content));
        Path tmp = dir.resolve(FILE + ".tmp");
        Files.writeString(tmp, GoJson.COMPACT.writeValueAsString(withSum), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE,
                StandardOpenOption.SYNC);
        try {
            Files.move(tmp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, dir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Reads the definition in {@code dir}, or null when there is none or it is damaged. */
    public static Loaded read(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        JsonNode node;
        try {
            node = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            return null;
        }
        if (!(node instanceof ObjectNode obj) || !obj.has("crc32c")) {
            return null;
        }
        String sum = obj.get("crc32c").asString();
        ObjectNode body = obj.deepCopy();
        body.remove("crc32c");
        if (!sum.equals(crc(GoJson.COMPACT.writeValueAsString(body)))) {
            return null;
        }
        StreamConfig config = StreamConfigJson.read(GoStruct.of(body.get("config"), "StreamConfig"));
        if (config.subjects() == null) {
            config = config.withSubjects(java.util.List.of()); // a mirror's: written as absent
        }
        Instant created = Instant.parse(body.get("created").asString());
        return new Loaded(config, created);
    }

    private static String crc(String content) {
        CRC32C crc = new CRC32C();
        crc.update(content.getBytes(StandardCharsets.UTF_8));
        return Long.toHexString(crc.getValue());
    }
}
