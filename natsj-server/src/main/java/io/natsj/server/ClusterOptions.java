package io.natsj.server;

import io.natsj.server.auth.Permissions;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The cluster layer's options: nats-server's {@code cluster {}} block and its flags ({@code --cluster},
 * {@code --cluster_name}, {@code --routes}, {@code --cluster_advertise}, {@code --no_advertise}). Defaults are
 * nats-server's.
 *
 * @param name           the cluster's name ({@code name}, {@code --cluster_name}); empty: the servers agree on one
 *                       (nats-server takes the name a peer announces, else a generated one)
 * @param host           the interface the route port listens on ({@code host}, or the host of {@code listen})
 * @param port           the route port; {@link ServerOptions#RANDOM_PORT} or 0 picks a free one
 * @param routes         the explicit routes to dial ({@code routes [ ]}, {@code --routes}), e.g.
 *                       {@code nats-route://user:pass@host:6222}; the user info authenticates to that peer
 * @param advertise      the route address told to peers instead of the listen address ({@code advertise},
 *                       {@code cluster_advertise}); null when unset
 * @param noAdvertise    do not advertise this server's client URLs to clients ({@code no_advertise})
 * @param connectRetries how often a failed explicit route is retried before it is given up; 0 = forever for
 *                       explicit routes (nats-server's default), implicit routes are always retried only this many
 *                       times
 * @param user           the user peers must present ({@code authorization { user }}), or null
 * @param password       that user's password (plain or bcrypt), or null
 * @param authTimeout    how long a peer has to send its CONNECT ({@code authorization { timeout }}); null = default
 * @param tls            TLS on routes ({@code tls { }} with {@code verify}), or null when off
 * @param poolSize       route connections per peer ({@code pool_size}, 2.10+); 3 by default, -1 = no pooling
 * @param pinnedAccounts accounts with a route connection of their own ({@code accounts [ ]}, 2.10+)
 * @param compression    the route compression mode asked for ({@code compression}): {@code "off"} by default;
 *                       natsj sends uncompressed and answers peers as one without compression
 * @param permissions    what may cross routes ({@code permissions { import, export }}), or null for everything
 */
public record ClusterOptions(String name, String host, int port, List<URI> routes, String advertise,
                             boolean noAdvertise, int connectRetries, String user, String password,
                             Duration authTimeout, TlsOptions tls, int poolSize, List<String> pinnedAccounts,
                             String compression, Permissions permissions) {

    /** nats-server's conventional route port. */
    public static final int DEFAULT_PORT = 6222;
    /** nats-server's default route pool size (2.10+). */
    public static final int DEFAULT_POOL_SIZE = 3;
    /** nats-server's route authorization timeout default. */
    public static final Duration DEFAULT_AUTH_TIMEOUT = Duration.ofSeconds(2);

    public ClusterOptions {
        name = name == null ? "" : name;
        host = host == null ? "0.0.0.0" : host;
        routes = routes == null ? List.of() : List.copyOf(routes);
        pinnedAccounts = pinnedAccounts == null ? List.of() : List.copyOf(pinnedAccounts);
        compression = compression == null || compression.isEmpty() ? "off" : compression;
        authTimeout = authTimeout == null ? DEFAULT_AUTH_TIMEOUT : authTimeout;
    }

    /** A cluster listening on {@code host:port} with nats-server's defaults otherwise. */
    public static ClusterOptions listen(String host, int port) {
        return new ClusterOptions("", host, port, List.of(), null, false, 0, null, null, null, null,
                DEFAULT_POOL_SIZE, List.of(), "off", null);
    }

    public ClusterOptions withName(String v) {
        return new ClusterOptions(v, host, port, routes, advertise, noAdvertise, connectRetries, user, password,
                authTimeout, tls, poolSize, pinnedAccounts, compression, permissions);
    }

    /** These options listening on {@code h:p} ({@code listen}, {@code host}, {@code port}, {@code --cluster}). */
    public ClusterOptions withListen(String h, int p) {
        return new ClusterOptions(name, h, p, routes, advertise, noAdvertise, connectRetries, user, password,
                authTimeout, tls, poolSize, pinnedAccounts, compression, permissions);
    }

    public ClusterOptions withRoutes(List<URI> v) {
        return new ClusterOptions(name, host, port, Objects.requireNonNull(v), advertise, noAdvertise, connectRetries,
                user, password, authTimeout, tls, poolSize, pinnedAccounts, compression, permissions);
    }

    public ClusterOptions withAdvertise(String v) {
        return new ClusterOptions(name, host, port, routes, v, noAdvertise, connectRetries, user, password,
                authTimeout, tls, poolSize, pinnedAccounts, compression, permissions);
    }

    public ClusterOptions withNoAdvertise(boolean v) {
        return new ClusterOptions(name, host, port, routes, advertise, v, connectRetries, user, password,
                authTimeout, tls, poolSize, pinnedAccounts, compression, permissions);
    }

    public ClusterOptions withConnectRetries(int v) {
        return new ClusterOptions(name, host, port, routes, advertise, noAdvertise, v, user, password,
                authTimeout, tls, poolSize, pinnedAccounts, compression, permissions);
    }

    public ClusterOptions withAuthorization(String u, String p, Duration timeout) {
        return new ClusterOptions(name, host, port, routes, advertise, noAdvertise, connectRetries, u, p,
                timeout, tls, poolSize, pinnedAccounts, compression, permissions);
    }

    public ClusterOptions withTls(TlsOptions v) {
        return new ClusterOptions(name, host, port, routes, advertise, noAdvertise, connectRetries, user, password,
                authTimeout, v, poolSize, pinnedAccounts, compression, permissions);
    }

    public ClusterOptions withPoolSize(int v) {
        return new ClusterOptions(name, host, port, routes, advertise, noAdvertise, connectRetries, user, password,
                authTimeout, tls, v, pinnedAccounts, compression, permissions);
    }

    public ClusterOptions withPinnedAccounts(List<String> v) {
        return new ClusterOptions(name, host, port, routes, advertise, noAdvertise, connectRetries, user, password,
                authTimeout, tls, poolSize, v, compression, permissions);
    }

    public ClusterOptions withCompression(String v) {
        return new ClusterOptions(name, host, port, routes, advertise, noAdvertise, connectRetries, user, password,
                authTimeout, tls, poolSize, pinnedAccounts, v, permissions);
    }

    public ClusterOptions withPermissions(Permissions v) {
        return new ClusterOptions(name, host, port, routes, advertise, noAdvertise, connectRetries, user, password,
                authTimeout, tls, poolSize, pinnedAccounts, compression, v);
    }
}
