package io.natsj.server.jetstream.consumer;

import io.natsj.server.json.GoFormats;
import io.natsj.server.json.GoJson;
import io.natsj.server.json.GoStruct;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
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
import java.util.ArrayList;
import java.util.List;

/**
 * A durable consumer's files in {@code <stream dir>/obs/<consumer>/}: {@code meta.inf}
 * ({@code {"created":..., "config":{...}}}) and {@code o.dat}, its {@link ConsumerState} as JSON
 * ({@code {"delivered":{"consumer_seq","stream_seq"},"ack_floor":{...},"next":N,"pending":[[sseq,cseq,ts,count],...]}}).
 * Both are written to a {@code .tmp} file, forced and renamed over the old one. See {@code docs/storage-format.md}.
 *
 * <p>Threading: {@link #save} may be called from the consumer's worker and from the thread stopping it; it is
 * synchronized.
 */
public final class ConsumerFiles implements ConsumerState.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumerFiles.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Path dir;
    private final boolean syncAlways;

    public ConsumerFiles(Path dir, boolean syncAlways) {
        this.dir = dir;
        this.syncAlways = syncAlways;
    }

    /** A consumer read back from disk. */
    public record Loaded(String name, ConsumerConfig config, Instant created, ConsumerState state) {
    }

    /** Writes {@code meta.inf}. */
    public void writeMeta(ConsumerConfig config, Instant created) throws IOException {
        Files.createDirectories(dir);
        ObjectNode o = NODES.objectNode();
        o.put("created", GoFormats.rfc3339Nano(created));
        o.set("config", ConsumerConfigJson.write(config));
        write("meta.inf", GoJson.COMPACT.writeValueAsString(o), true);
    }

    @Override
    public synchronized void save(ConsumerState s) {
        ObjectNode o = NODES.objectNode();
        ObjectNode d = o.putObject("delivered");
        d.put("consumer_seq", s.deliveredConsumer());
        d.put("stream_seq", s.deliveredStream());
        ObjectNode a = o.putObject("ack_floor");
        a.put("consumer_seq", s.ackFloorConsumer());
        a.put("stream_seq", s.ackFloorStream());
        o.put("next", s.nextStreamSeq());
        ArrayNode p = o.putArray("pending");
        for (ConsumerState.PendingEntry e : s.pending()) {
            ArrayNode row = p.addArray();
            row.add(e.streamSeq()).add(e.consumerSeq()).add(e.deliveredAt()).add(e.count());
        }
        try {
            write("o.dat", GoJson.COMPACT.writeValueAsString(o), syncAlways);
        } catch (IOException e) {
            LOG.error("could not save consumer state in {}: {}", dir, e.toString());
        }
    }

    @Override
    public void saveConfig(ConsumerConfig config, Instant created) {
        try {
            writeMeta(config, created);
        } catch (IOException e) {
            LOG.error("could not save consumer config in {}: {}", dir, e.toString());
        }
    }

    @Override
    public boolean syncAlways() {
        return syncAlways;
    }

    private void write(String file, String content, boolean force) throws IOException {
        Files.createDirectories(dir);
        Path tmp = dir.resolve(file + ".tmp");
        if (force) {
            Files.writeString(tmp, content, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
        } else {
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
        }
        try {
            Files.move(tmp, dir.resolve(file), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Reads a consumer directory, or null when its metadata is missing or damaged. */
    public static Loaded read(Path dir) {
        try {
            Path meta = dir.resolve("meta.inf");
            if (!Files.isRegularFile(meta)) {
                return null;
            }
            JsonNode m = JSON.readTree(Files.readString(meta, StandardCharsets.UTF_8));
            ConsumerConfig config = ConsumerConfigJson.read(GoStruct.of(m.get("config"), "ConsumerConfig"));
            Instant created = Instant.parse(m.get("created").asString());
            ConsumerState state = null;
            Path dat = dir.resolve("o.dat");
            if (Files.isRegularFile(dat)) {
                JsonNode s = JSON.readTree(Files.readString(dat, StandardCharsets.UTF_8));
                List<ConsumerState.PendingEntry> pending = new ArrayList<>();
                for (JsonNode row : s.get("pending")) {
                    pending.add(new ConsumerState.PendingEntry(row.get(0).longValue(), row.get(1).longValue(),
                            row.get(2).longValue(), row.get(3).intValue()));
                }
                state = new ConsumerState(s.get("delivered").get("consumer_seq").longValue(),
                        s.get("delivered").get("stream_seq").longValue(),
                        s.get("ack_floor").get("consumer_seq").longValue(),
                        s.get("ack_floor").get("stream_seq").longValue(), s.get("next").longValue(), pending);
            }
            return new Loaded(dir.getFileName().toString(), config, created, state);
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not read consumer in {}: {}", dir, e.toString());
            return null;
        }
    }

    /** Deletes the consumer's files. */
    public void delete() {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.warn("could not delete {}: {}", dir, e.toString());
        }
    }
}
