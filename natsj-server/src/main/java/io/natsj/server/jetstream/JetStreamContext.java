package io.natsj.server.jetstream;

import io.natsj.server.account.Account;
import io.natsj.server.util.ServerClock;

import java.util.concurrent.ScheduledExecutorService;

/**
 * What JetStream's components need from the server: the account whose subjects they serve, the clock, the shared
 * timer thread, the JetStream domain (or null) and the nats-server version natsj reports in stream metadata.
 *
 * @param account       the account (whose subjects the streams and the API serve)
 * @param clock         time for timestamps and expiry
 * @param timers        the server's timer thread; tasks must only hand work to an owner, never do it
 * @param domain        the JetStream domain, or null
 * @param serverVersion the nats-server version natsj implements
 * @param serverName    the server's name, for advisories
 * @param usage         the account's storage limits, asked before each message is stored
 */
public record JetStreamContext(Account account, ServerClock clock, ScheduledExecutorService timers, String domain,
                               String serverVersion, String serverName, AccountUsage usage) {

    /** The advisories publisher for this server. */
    public Advisories advisories() {
        return new Advisories(this, serverName);
    }
}
