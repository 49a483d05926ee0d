package io.natsj.server.jetstream;

import io.natsj.server.ServerOptions.JetStreamOptions;
import io.natsj.server.account.Account;
import io.natsj.server.jetstream.api.JsApiRouter;
import io.natsj.server.jetstream.error.JsErrorCode;
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
 * JetStream of one account: its streams, their creation, restoration from the store directory at start and
 * removal, the account's limits, and the API router that serves {@code $JS.API.>} in the account's subject space.
 *
 * <p>Layout on disk: {@code <store_dir>/jetstream/<account>/streams/<stream>/meta.inf} (see {@link StreamMeta}) and
 * the file store's files beside it. Memory streams are not kept across restarts, as in nats-server.
 *
 * <p>Threading: create, update and delete are serialised by the service's lock; lookups are lock-free.
 */
public final class JetStreamService implements AccountUsage, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JetStreamService.class);

    private final JetStream server;
    private final JetStreamContext ctx;
    private final JetStreamAccountLimits accountLimits;
    private final Map<String, Stream> streams = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    private final JetStreamAccountView accountView = new ServiceAccountView(this);
    private JsApiRouter api;

    /** Opens the store for a stream. */
    @FunctionalInterface
    public interface StoreFactory {
        StreamStore open(StreamConfig config, Path streamDir);
    }

    JetStreamService(JetStream server, Account account, JetStreamAccountLimits accountLimits) {
        this.server = server;
        this.accountLimits = accountLimits;
        boolean limited = accountLimits.maxMemory() >= 0 || accountLimits.maxStorage() >= 0
                || accountLimits.memoryMaxStreamBytes() > 0 || accountLimits.storageMaxStreamBytes() > 0;
        this.ctx = new JetStreamContext(account, server.clock(), server.timers(), server.options().domain(),
                server.serverVersion(), server.serverName(), limited ? this : AccountUsage.UNLIMITED);
    }

    /** Restores the file streams found on disk, then starts serving the API. */
    public void start() throws IOException {
        Files.createDirectories(streamsDir());
        restoreStreams();
        api = new JsApiRouter(ctx, this);
        api.start();
    }

    private Path streamsDir() {
        return server.storeDir().resolve("jetstream").resolve(ctx.account().name()).resolve("streams");
    }

    private void restoreStreams() throws IOException {
        try (var dirs = Files.list(streamsDir())) {
            for (Path dir : dirs.sorted().toList()) {
                StreamMeta.Loaded meta = StreamMeta.read(dir);
                if (meta == null) {
                    LOG.warn("  Skipping stream directory without metadata: {}", dir);
                    continue;
                }
                Stream stream = new Stream(ctx, meta.config(), server.stores().open(meta.config(), dir),
                        meta.created());
                stream.origins(this::stream);
                stream.consumersDirectory(dir.resolve("obs"), server.options().syncAlways());
                stream.start();
                stream.restoreConsumers();
                streams.put(meta.config().name(), stream);
                var state = stream.store().state();
                LOG.info("  Restored {} messages for stream '{} > {}' in {}", state.msgs(), ctx.account().name(),
                        meta.config().name(),
                        meta.config().storage().json());
            }
        }
    }

    public JetStreamContext context() {
        return ctx;
    }

    /** The server's memory and storage limits. */
    public JetStreamLimits limits() {
        return server.limits();
    }

    /** This account's JetStream limits. */
    public JetStreamAccountLimits accountLimits() {
        return accountLimits;
    }

    public JetStreamOptions options() {
        return server.options();
    }

    /** Where JetStream keeps its files: {@code <store_dir>/jetstream}, as nats-server reports {@code store_dir}. */
    public Path storeDirectory() {
        return server.storeDir().resolve("jetstream");
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
     * @throws io.natsj.server.jetstream.error.JsApiException with nats-server's error otherwise
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
            if (accountLimits.maxStreams() > 0 && streams.size() >= accountLimits.maxStreams()) {
                throw JsErrorCode.MAXIMUM_STREAMS_LIMIT.error().exception();
            }
            checkResources(cfg, null);
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
            Stream stream = new Stream(ctx, cfg, server.stores().open(cfg, dir), created);
            stream.origins(this::stream);
            if (cfg.storage() == StorageType.FILE) {
                stream.consumersDirectory(dir.resolve("obs"), server.options().syncAlways());
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
            checkResources(updated, stream.name());
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
                LOG.warn("Could not remove the directory of stream '{} > {}': {}", ctx.account().name(), stream.name(),
                        e.toString());
            }
        }
    }

    /** Deletes every stream, as {@link #delete} does one by one (account purge). */
    void deleteAllStreams() {
        synchronized (lock) {
            for (Stream s : streams()) {
                delete(s);
            }
        }
    }

    /** Removes {@code dir} and everything under it, when it exists. */
    static void deleteTree(Path dir) throws IOException {
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

    /** nats-server's account and server limit checks for a stream config ({@code self}: the stream updated). */
    private void checkResources(StreamConfig cfg, String self) {
        long maxStreamBytes = cfg.storage() == StorageType.MEMORY ? accountLimits.memoryMaxStreamBytes()
                : accountLimits.storageMaxStreamBytes();
        if (accountLimits.maxBytesRequired() && cfg.maxBytes() <= 0) {
            throw JsErrorCode.STREAM_MAX_BYTES_REQUIRED.error().exception();
        }
        if (maxStreamBytes > 0 && cfg.maxBytes() > maxStreamBytes) {
            throw JsErrorCode.STREAM_MAX_STREAM_BYTES_EXCEEDED.error().exception();
        }
        if (cfg.maxConsumers() > 0 && accountLimits.maxConsumers() > 0
                && cfg.maxConsumers() > accountLimits.maxConsumers()) {
            throw JsErrorCode.MAXIMUM_CONSUMERS_LIMIT.error().exception();
        }
        long add = cfg.maxBytes() > 0 ? cfg.maxBytes() : 1;
        boolean memory = cfg.storage() == StorageType.MEMORY;
        long accountMax = memory ? accountLimits.maxMemory() : accountLimits.maxStorage();
        long serverMax = memory ? server.limits().maxMemory() : server.limits().maxStore();
        long serverReserved = server.reserved(cfg.storage()) - (self == null ? 0 : reservedBy(self, cfg.storage()));
        boolean overAccount = accountMax >= 0 && reservedExcept(cfg.storage(), cfg.name()) + add > accountMax;
        boolean overServer = cfg.maxBytes() > 0 && serverReserved + add > serverMax;
        if (overAccount || overServer) {
            throw (memory ? JsErrorCode.MEMORY_RESOURCES_EXCEEDED : JsErrorCode.STORAGE_RESOURCES_EXCEEDED).error()
                    .exception();
        }
    }

    private long reservedBy(String name, StorageType type) {
        Stream s = streams.get(name);
        return s == null || s.config().storage() != type || s.config().maxBytes() <= 0 ? 0 : s.config().maxBytes();
    }

    private long reservedExcept(StorageType type, String name) {
        return reserved(type) - reservedBy(name, type);
    }

    @Override
    public boolean wouldExceed(StorageType type, long bytes) {
        boolean memory = type == StorageType.MEMORY;
        long max = memory ? accountLimits.maxMemory() : accountLimits.maxStorage();
        long maxStream = memory ? accountLimits.memoryMaxStreamBytes() : accountLimits.storageMaxStreamBytes();
        if (max < 0 && maxStream <= 0) {
            return false;
        }
        long total = used(type) + bytes;
        return (maxStream > 0 && total > maxStream) || (max >= 0 && total > max);
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
