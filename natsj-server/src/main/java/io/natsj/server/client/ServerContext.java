package io.natsj.server.client;

import io.natsj.server.ServerOptions;
import io.natsj.server.ServerStats;
import io.natsj.server.account.Account;
import io.natsj.server.auth.ClientAuthenticator;
import io.natsj.server.tls.ServerTls;
import io.natsj.server.util.ServerClock;

import java.util.concurrent.ScheduledExecutorService;

/**
 * What a client connection needs from the server that accepted it: options, clock, the account it publishes in,
 * counters, the shared timer, and callbacks for INFO and for the connection's end.
 *
 * <p>Threading: implementations are safe from any thread.
 */
public interface ServerContext {

    ServerOptions options();

    ServerClock clock();

    /** The account a new connection binds to until its CONNECT says otherwise: the global account. */
    Account account();

    /** The account named {@code name} (null: the global account), or null when there is none by that name. */
    Account account(String name);

    /** Whether {@code account} is the system account. */
    boolean isSystemAccount(Account account);

    ServerStats stats();

    ClientAuthenticator authenticator();

    /** Shared timer for pings and auth timeouts; tasks must be short and non-blocking. */
    ScheduledExecutorService timers();

    /** The INFO line (with CRLF) to send to a newly accepted connection. */
    byte[] infoLine(ClientConnection connection);

    /**
     * The INFO line for a connection; {@code afterTlsFirst} for the INFO sent after a "TLS first" handshake, which
     * says {@code tls_required} even when {@code allow_non_tls} is on (as nats-server's does).
     */
    byte[] infoLine(ClientConnection connection, boolean afterTlsFirst);

    /** TLS on the client port, or null when it is off. */
    ServerTls tls();

    /** Called once when a connection's first CONNECT was accepted (for the system account's events). */
    void clientConnected(ClientConnection connection);

    /** Called once when a connection has closed, to unregister it and record it for {@code /connz}. */
    void connectionClosed(ClientConnection connection);
}
