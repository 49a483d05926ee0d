package io.natsj.server.jetstream;

import io.natsj.server.ServerOptions.JetStreamOptions;
import io.natsj.server.jetstream.api.JsApiRouter;
import io.natsj.server.jetstream.api.JsErrorCode;
import io.natsj.server.jetstream.stream.Stream;
import io.natsj.server.jetstream.stream.StreamConfig;
import io.natsj.server.jetstream.stream.StreamConfigCheck;
import io.natsj.server.store.StorageType;
import io.natsj.server.store.StreamStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * JetStream in one server: the streams of the account, their creation, restoration from the store directory at
 * start and removal, the machine-derived limits, and the API router that serves {@code $JS.API.>}.
 *
 * <p>Layout on disk: {@code <store_dir>/jetstream/$G/streams/<stream>/meta.inf} (see {@link StreamMeta}) and the
 * file store's files beside it. Memory streams are not kept across restarts, as in nats-server.
 *
 * <p>Threading: create, update and delete are serialised by the service's lock; lookups are lock-free.
 */
public final class JetStreamService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JetStreamService.class);
    static final String ACCOUNT_DIR = "$G";

    private final JetStreamContext ctx;
    private final JetStreamOptions options;
    private final Path storeDir;
    private final StoreFactory stores;
    private final JetStreamLimits limits;
    private final Map<String, Stream> streams = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    private final JetStreamAccountView accountView = new ServiceAccountView(this);
    private JsApiRouter api;

    /** Opens the store for a stream. */
    @FunctionalInterface
    public interface StoreFactory {
        StreamStore open(StreamConfig config, Path streamDir);
    }

    public JetStreamService(JetStreamContext ctx, JetStreamOptions options, Path storeDir, StoreFactory stores) {
        this.ctx = ctx;
        this.options = options;
        this.storeDir = storeDir;
        this.stores = stores;
        this.limits = JetStreamLimits.of(options, storeDir);
    }

    /** Restores the file streams found on disk, then starts serving the API. */
    public void start() throws IOException {
        Files.createDirectories(streamsDir());
        LOG.info("Starting JetStream");
        LOG.info("    Max Memory:      {}", JetStreamLimits.friendlyBytes(limits.maxMemory()));
        LOG.info("    Max Storage:     {}", JetStreamLimits.friendlyBytes(limits.maxStore()));
        LOG.info("    Store Directory: \"{}\"", storeDir.resolve("jetstream"));
        restoreStreams();
        api = new JsApiRouter(ctx, this);
        api.start();
    }

    private Path streamsDir() {
        return storeDir.resolve("jetstream").resolve(ACCOUNT_DIR).resolve("streams");
    }

    private void restoreStreams() throws IOException {
        try (var dirs = Files.list(streamsDir())) {
            for (Path dir : dirs.sorted().toList()) {
                StreamMeta.Loaded meta = StreamMeta.read(dir);
                if (meta == null) {
                    LOG.warn("  Skipping stream directory without metadata: {}", dir);
                    continue;
                }
                Stream stream = new Stream(ctx, meta.config(), stores.open(meta.config(), dir), meta.created());
                stream.origins(this::stream);
                stream.consumersDirectory(dir.resolve("obs"), options.syncAlways());
                stream.start();
                stream.restoreConsumers();
                streams.put(meta.config().name(), stream);
                var state = stream.store().state();
                LOG.info("  Restored {} messages for stream '$G > {}' in {}", state.msgs(), meta.config().name(),
                        meta.config().storage().json());
            }
        }
    }

    public JetStreamContext context() {
        return ctx;
    }

    public JetStreamLimits limits() {
        return limits;
    }

    public JetStreamOptions options() {
        return options;
    }

    /** Where JetStream keeps its files: {@code <store_dir>/jetstream}, as nats-server reports {@code store_dir}. */
    public Path storeDirectory() {
        return storeDir.resolve("jetstream");
    }

    /** The JetStream view of the account this service serves, for monitoring. */
    public JetStreamAccountView accountView() {
        return accountView;
    }

    /** The stream named {@code name}, or null. */
    public Stream stream(String name) {
        return streams.get(name);
    }

    /** Every stream, sorted by name. */
    public List<Stream> streams() {
        List<Stream> all = new ArrayList<>(streams.values());
        all.sort(Comparator.comparing(Stream::name));
        return all;
    }

    /** The result of a create: the stream and whether it is new. */
    public record Created(Stream stream, boolean created) {
    }

    /**
     * Creates a stream from a normalised config, or returns the existing one when its config is the same.
     *
     * @throws io.natsj.server.jetstream.api.JsApiException with nats-server's error otherwise
     */
    public Created create(StreamConfig cfg) {
        synchronized (lock) {
            Stream existing = streams.get(cfg.name());
            if (existing != null) {
                if (existing.config().equals(cfg)) {
                    return new Created(existing, false);
                }
                throw JsErrorCode.STREAM_NAME_EXIST.error().exception();
            }
            if (cfg.replicas() > 1) {
                throw JsErrorCode.STREAM_REPLICAS_NOT_SUPPORTED.error().exception();
            }
            checkOverlap(cfg, null);
            checkResources(cfg);
            Path dir = streamsDir().resolve(cfg.name());
            Instant created = ctx.clock().now();
            try {
                if (cfg.storage() == StorageType.FILE) {
                    Files.createDirectories(dir);
                    StreamMeta.write(dir, cfg, created);
                }
            } catch (IOException e) {
                throw JsErrorCode.STREAM_STORE_FAILED_F.with("err", "error creating store for stream: " + e)
                        .exception();
            }
            Stream stream = new Stream(ctx, cfg, stores.open(cfg, dir), created);
            stream.origins(this::stream);
            if (cfg.storage() == StorageType.FILE) {
                stream.consumersDirectory(dir.resolve("obs"), options.syncAlways());
            }
            if (cfg.firstSeq() > 1) {
                stream.store().skipTo(cfg.firstSeq());
            }
            stream.start();
            streams.put(cfg.name(), stream);
            api.streamAdded(stream);
            ctx.advisories().stream(cfg.name(), "create");
            return new Created(stream, true);
        }
    }

    /** Applies a checked update to {@code stream}: persisted, then applied on its worker. */
    public void update(Stream stream, StreamConfig updated) {
        synchronized (lock) {
            checkOverlap(updated, stream.name());
            if (updated.storage() == StorageType.FILE) {
                try {
                    StreamMeta.write(streamsDir().resolve(updated.name()), updated, stream.created());
                } catch (IOException e) {
                    throw JsErrorCode.STREAM_STORE_FAILED_F.with("err", e.toString()).exception();
                }
            }
            boolean directChanged = updated.allowDirect() != stream.config().allowDirect();
            stream.submit(() -> {
                stream.applyUpdate(updated);
                return null;
            }).join();
            if (directChanged) {
                api.streamRemoved(stream);
                api.streamAdded(stream);
            }
            ctx.advisories().stream(updated.name(), "modify");
        }
    }

    /** Deletes a stream and everything it stored. */
    public void delete(Stream stream) {
        synchronized (lock) {
            streams.remove(stream.name(), stream);
            api.streamRemoved(stream);
            stream.stop(true);
            ctx.advisories().stream(stream.name(), "delete");
            Path dir = streamsDir().resolve(stream.name());
            try {
                deleteTree(dir);
            } catch (IOException e) {
                LOG.warn("Could not remove the directory of stream '$G > {}': {}", stream.name(), e.toString());
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private void checkOverlap(StreamConfig cfg, String self) {
        for (Stream other : streams.values()) {
            if (other.name().equals(self) || other.name().equals(cfg.name())) {
                continue;
            }
            if (!StreamConfigCheck.overlaps(cfg.subjects(), other.config().subjects()).isEmpty()) {
                throw JsErrorCode.STREAM_SUBJECT_OVERLAP.error().exception();
            }
        }
    }

    private void checkResources(StreamConfig cfg) {
        if (cfg.maxBytes() <= 0) {
            return;
        }
        if (cfg.storage() == StorageType.MEMORY && cfg.maxBytes() > limits.maxMemory() - reserved(StorageType.MEMORY)) {
            throw JsErrorCode.MEMORY_RESOURCES_EXCEEDED.error().exception();
        }
        if (cfg.storage() == StorageType.FILE && cfg.maxBytes() > limits.maxStore() - reserved(StorageType.FILE)) {
            throw JsErrorCode.STORAGE_RESOURCES_EXCEEDED.error().exception();
        }
    }

    /** Bytes reserved by streams of {@code type} with a {@code max_bytes}. */
    public long reserved(StorageType type) {
        return streams.values().stream().filter(s -> s.config().storage() == type && s.config().maxBytes() > 0)
                .mapToLong(s -> s.config().maxBytes()).sum();
    }

    /** Bytes stored by streams of {@code type}. */
    public long used(StorageType type) {
        return streams.values().stream().filter(s -> s.config().storage() == type)
                .mapToLong(s -> s.store().state().bytes()).sum();
    }

    /** Names of streams whose subjects collide with {@code filter} (all when null/empty). */
    public List<Stream> filtered(String filter) {
        if (filter == null || filter.isEmpty()) {
            return streams();
        }
        return streams().stream().filter(s -> s.config().subjects().stream()
                        .anyMatch(subject -> io.natsj.server.routing.Subjects.subjectsCollide(filter, subject)))
                .collect(Collectors.toList());
    }

    /** The API counters (total, errors). */
    public JsApiRouter api() {
        return api;
    }

    /** Stops the API and every stream; file streams keep their data. */
    @Override
    public void close() {
        if (api != null) {
            api.close();
        }
        synchronized (lock) {
            for (Stream s : streams.values()) {
                s.stop(false);
            }
            streams.clear();
        }
    }
}
