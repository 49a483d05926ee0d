package io.natsj.server.jetstream;

import io.natsj.server.account.Account;
import io.natsj.server.util.ServerClock;

import java.util.concurrent.ScheduledExecutorService;

/**
 * What JetStream's components need from the server: the account whose subjects they serve, the clock, the shared
 * timer thread, the JetStream domain (or null) and the nats-server version natsj reports in stream metadata.
 *
 * @param account       the account (natsj has one, {@code $G}, until accounts arrive)
 * @param clock         time for timestamps and expiry
 * @param timers        the server's timer thread; tasks must only hand work to an owner, never do it
 * @param domain        the JetStream domain, or null
 * @param serverVersion the nats-server version natsj implements
 * @param serverName    the server's name, for advisories
 */
public record JetStreamContext(Account account, ServerClock clock, ScheduledExecutorService timers, String domain,
                               String serverVersion, String serverName) {

    /** The advisories publisher for this server. */
    public Advisories advisories() {
        return new Advisories(this, serverName);
    }
}
