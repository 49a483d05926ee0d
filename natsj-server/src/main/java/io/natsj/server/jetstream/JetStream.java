package io.natsj.server.jetstream;

import io.natsj.server.ServerOptions.JetStreamOptions;
import io.natsj.server.account.Account;
import io.natsj.server.account.Accounts;
import io.natsj.server.jetstream.api.JsApiRouter;
import io.natsj.server.jetstream.api.MetaLeadership;
import io.natsj.server.store.StorageType;
import io.natsj.server.util.ServerClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;

/**
 * JetStream in one server: the server's resource limits and store directory, and one {@link JetStreamService} per
 * account that has JetStream. As in nats-server, a server without configured accounts gives the global account
 * JetStream without limits; with accounts, only those with a {@code jetstream} entry get it, and the others are
 * told "JetStream not enabled for account" by their API ({@link JsApiRouter} without a service). The system
 * account's clients reach the server-wide requests ({@code ACCOUNT.PURGE}, {@link #purgeAccount}) and hear
 * "JetStream not enabled for account" on the rest ({@link JsApiRouter#systemAccount}).
 *
 * <p>Threading: accounts are enabled once at start; afterwards the map is read-only and lookups are safe from any
 * thread. Server-wide reservations are computed under the calling account's lock, so two accounts creating streams
 * at the same moment may both pass a nearly exhausted server limit (nats-server checks the same way).
 */
public final class JetStream implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JetStream.class);

    private final JetStreamOptions options;
    private final Path storeDir;
    private final JetStreamLimits limits;
    private final ServerClock clock;
    private final ScheduledExecutorService timers;
    private final String serverVersion;
    private final String serverName;
    private final JetStreamService.StoreFactory stores;
    private final Map<String, JetStreamService> accounts = new LinkedHashMap<>();
    /** The API of the accounts without JetStream, and the system account's. */
    private final List<JsApiRouter> disabled = new ArrayList<>();
    private volatile MetaLeadership metaLeadership;

    public JetStream(JetStreamOptions options, Path storeDir, ServerClock clock, ScheduledExecutorService timers,
                     String serverVersion, String serverName, JetStreamService.StoreFactory stores) {
        this.options = options;
        this.storeDir = storeDir;
        this.limits = JetStreamLimits.of(options, storeDir);
        this.clock = clock;
        this.timers = timers;
        this.serverVersion = serverVersion;
        this.serverName = serverName;
        this.stores = stores;
    }

    /** Enables JetStream for the accounts that have it, restoring their streams from the store directory. */
    public void start(Accounts all) throws IOException {
        LOG.info("Starting JetStream");
        LOG.info("    Max Memory:      {}", JetStreamLimits.friendlyBytes(limits.maxMemory()));
        LOG.info("    Max Storage:     {}", JetStreamLimits.friendlyBytes(limits.maxStore()));
        LOG.info("    Store Directory: \"{}\"", storeDir.resolve("jetstream"));
        boolean globalOnly = all.all().stream().allMatch(a -> a == all.global() || a == all.system());
        for (Account account : all.all()) {
            JetStreamAccountLimits accountLimits = globalOnly && account == all.global()
                    ? JetStreamAccountLimits.UNLIMITED : account.config().jetStream();
            if (accountLimits != null) {
                JetStreamService service = new JetStreamService(this, account, accountLimits);
                accounts.put(account.name(), service);
                service.start();
            } else {
                JetStreamContext ctx = new JetStreamContext(account, clock, timers,
                        account == all.system() ? null : options.domain(), serverVersion, serverName,
                        AccountUsage.UNLIMITED);
                JsApiRouter api = account == all.system() ? JsApiRouter.systemAccount(ctx, this)
                        : new JsApiRouter(ctx, null);
                disabled.add(api);
                api.start();
            }
        }
    }

    /**
     * nats-server's {@code ACCOUNT.PURGE} on a single server: deletes every stream of the account named (and so
     * their consumers, stopped first), then its directory {@code <store_dir>/jetstream/<account>}. An account
     * without JetStream or unknown has no streams; its directory is removed all the same. A name that is not a
     * single path element touches nothing on disk.
     */
    public void purgeAccount(String name) throws IOException {
        JetStreamService service = accounts.get(name);
        if (service != null) {
            service.deleteAllStreams();
        }
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.contains("/") || name.contains("\\")) {
            return;
        }
        JetStreamService.deleteTree(storeDirectory().resolve(name));
    }

    /** Gives the API the meta group (clustered JetStream); until then the meta-leader requests go unanswered. */
    public void metaLeadership(MetaLeadership meta) {
        this.metaLeadership = meta;
    }

    /** The meta group as the API sees it, or null on a single server. */
    public MetaLeadership metaLeadership() {
        return metaLeadership;
    }

    /** The JetStream of {@code account}, or null when it has none. */
    public JetStreamService account(String account) {
        return accounts.get(account);
    }

    /** Every account with JetStream, in configuration order. */
    public List<JetStreamService> accounts() {
        return Collections.unmodifiableList(new ArrayList<>(accounts.values()));
    }

    public JetStreamOptions options() {
        return options;
    }

    public Path storeDir() {
        return storeDir;
    }

    /** Where JetStream keeps its files: {@code <store_dir>/jetstream}, as nats-server reports {@code store_dir}. */
    public Path storeDirectory() {
        return storeDir.resolve("jetstream");
    }

    /** The server's memory and storage limits. */
    public JetStreamLimits limits() {
        return limits;
    }

    ServerClock clock() {
        return clock;
    }

    ScheduledExecutorService timers() {
        return timers;
    }

    String serverVersion() {
        return serverVersion;
    }

    String serverName() {
        return serverName;
    }

    JetStreamService.StoreFactory stores() {
        return stores;
    }

    /** Bytes reserved ({@code max_bytes}) by every account's streams of {@code type}. */
    public long reserved(StorageType type) {
        return accounts.values().stream().mapToLong(a -> a.reserved(type)).sum();
    }

    /** Bytes stored by every account's streams of {@code type}. */
    public long used(StorageType type) {
        return accounts.values().stream().mapToLong(a -> a.used(type)).sum();
    }

    /** Stops every account's API and streams; file streams keep their data. */
    @Override
    public void close() {
        for (JsApiRouter d : disabled) {
            d.close();
        }
        for (JetStreamService a : accounts.values()) {
            a.close();
        }
    }
}
