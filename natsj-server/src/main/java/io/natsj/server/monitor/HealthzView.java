package io.natsj.server.monitor;

import io.natsj.server.jetstream.JetStream;
import io.natsj.server.jetstream.JetStreamAccountView;
import io.natsj.server.jetstream.stream.Stream;
import io.natsj.server.monitor.HealthStatus.ErrorType;
import io.natsj.server.monitor.HealthStatus.Problem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code /healthz}: 200 {@code {"status":"ok"}} (compact JSON) while the server is healthy, nats-server 2.11's checks
 * otherwise (see {@link HealthStatus} for the answer's shape).
 *
 * <p>The checks, in nats-server's order: {@code stream} without {@code account}, or {@code consumer} without
 * {@code stream}, is a 400; {@code js-server-only=true} stops there; a server not configured for JetStream is
 * healthy; configured but not running is 503 "unavailable" with {@code JetStream not enabled (10076)};
 * {@code js-enabled-only=true} (or the deprecated {@code js-enabled=true}) stops there. Then, as a single server
 * does, the store directory is walked: every account folder must belong to a JetStream account ("could not be
 * resolved" otherwise) and every stream folder to a stream that was recovered ("could not be recovered"); with
 * {@code account}, {@code stream} and {@code consumer} only those are looked at, and one that is missing is a 404
 * (streams are looked for among the folders, so a memory stream is not found, as in nats-server).
 * In a cluster the meta group is checked before the walk: none formed yet or no leader is 503 "JetStream has not
 * established contact with a meta leader", a replica recovering from damaged storage 503 "JetStream is not current
 * with the meta leader"; {@code js-meta-only=true} stops after that check (on a single server it changes nothing).
 *
 * <p>Threading: stateless; reads the store directory and the accounts' current streams.
 */
final class HealthzView {

    private static final String UNAVAILABLE = "unavailable";
    /** Where a clustered server keeps its Raft logs, beside the accounts' folders (as nats-server). */
    private static final String RAFT_DIR = "$SYS";

    /** What the JetStream checks look at. */
    record JetStreamFacts(boolean configured, boolean running, Path storeDirectory,
                          List<JetStreamAccountView> accounts, MetaFacts meta) {

        static JetStreamFacts of(MonitoredServer server) {
            JetStream js = server.jetStreamServer();
            return new JetStreamFacts(server.options().jetStream().enabled(), js != null,
                    js != null ? js.storeDirectory() : null, server.jetStreamAccounts(), server.metaFacts());
        }
    }

    /** The request's options. */
    private record Options(boolean jsEnabledOnly, boolean jsServerOnly, boolean jsMetaOnly, String account,
                           String stream, String consumer) {
    }

    private HealthzView() {
    }

    static MonitorReply build(MonitoredServer server, QueryParams q) {
        return build(JetStreamFacts.of(server), q);
    }

    static MonitorReply build(JetStreamFacts js, QueryParams q) {
        boolean jsEnabled = q.bool("js-enabled");
        boolean jsEnabledOnly = q.bool("js-enabled-only");
        boolean jsServerOnly = q.bool("js-server-only");
        boolean jsMetaOnly = q.bool("js-meta-only");
        HealthStatus health = new HealthStatus(q.bool("details"));
        Options o = new Options(jsEnabled || jsEnabledOnly, jsServerOnly, jsMetaOnly, q.get("account"),
                q.get("stream"), q.get("consumer"));
        check(js, o, health);
        return health.reply();
    }

    private static void check(JetStreamFacts js, Options o, HealthStatus health) {
        if (o.account().isEmpty() && !o.stream().isEmpty()) {
            badRequest(health, "account", "stream");
            return;
        }
        if (o.stream().isEmpty() && !o.consumer().isEmpty()) {
            badRequest(health, "stream", "consumer");
            return;
        }
        if (o.jsServerOnly() || !js.configured()) {
            return;
        }
        if (!js.running()) {
            health.fail(503, UNAVAILABLE, Problem.of(ErrorType.JETSTREAM, "JetStream not enabled (10076)"), false);
            return;
        }
        if (o.jsEnabledOnly()) {
            return;
        }
        if (js.meta() != null) {
            String problem = metaProblem(js.meta());
            if (problem != null) {
                health.fail(0, UNAVAILABLE, Problem.of(ErrorType.JETSTREAM, problem), false);
                return;
            }
            if (o.jsMetaOnly()) {
                return;
            }
        }
        checkAssets(js, o, health);
    }

    /** What is wrong with the meta group, in nats-server's words, or null when it is healthy. */
    private static String metaProblem(MetaFacts meta) {
        if (!meta.formed() || meta.leader() == null) {
            return "JetStream has not established contact with a meta leader";
        }
        if (meta.recovering()) {
            return "JetStream is not current with the meta leader";
        }
        return null;
    }

    private static void badRequest(HealthStatus health, String missing, String checking) {
        health.fail(400, "error", Problem.of(ErrorType.BAD_REQUEST,
                "\"" + missing + "\" must not be empty when checking " + checking + " health"), false);
    }

    /** The single-server walk over {@code <store_dir>/jetstream/<account>/streams/<stream>}. */
    private static void checkAssets(JetStreamFacts js, Options o, HealthStatus health) {
        boolean accountFound = false;
        boolean streamFound = false;
        boolean consumerFound = false;
        for (String accountDir : folders(js.storeDirectory())) {
            if (js.meta() != null && accountDir.equals(RAFT_DIR)) {
                continue; // the Raft groups' logs (the meta group's), not an account's streams
            }
            if (!o.account().isEmpty()) {
                if (!accountDir.equals(o.account())) {
                    continue;
                }
                accountFound = true;
            }
            JetStreamAccountView account = account(js, accountDir);
            if (account == null) {
                String text = "JetStream account '" + accountDir + "' could not be resolved";
                health.fail(0, UNAVAILABLE, new Problem(ErrorType.ACCOUNT, accountDir, null, null, text), false);
                if (!health.details()) {
                    return;
                }
                continue;
            }
            for (String streamDir : folders(js.storeDirectory().resolve(accountDir).resolve("streams"))) {
                if (!o.stream().isEmpty()) {
                    if (!streamDir.equals(o.stream())) {
                        continue;
                    }
                    streamFound = true;
                }
                Stream stream = stream(account, streamDir);
                if (stream == null) {
                    String text = "JetStream stream '" + accountDir + " > " + streamDir + "' could not be recovered";
                    health.fail(0, UNAVAILABLE, new Problem(ErrorType.STREAM, accountDir, streamDir, null, text),
                            false);
                    if (!health.details()) {
                        return;
                    }
                    continue;
                }
                if (streamFound) {
                    consumerFound = !o.consumer().isEmpty() && stream.consumers().containsKey(o.consumer());
                    break;
                }
            }
            if (accountFound) {
                break;
            }
        }
        notFound(o, health, accountFound, streamFound, consumerFound);
    }

    private static void notFound(Options o, HealthStatus health, boolean accountFound, boolean streamFound,
                                 boolean consumerFound) {
        String acc = QueryParams.goQuote(o.account());
        if (!o.account().isEmpty() && !accountFound) {
            health.fail(404, UNAVAILABLE, new Problem(ErrorType.ACCOUNT, o.account(), null, null,
                    "JetStream account " + acc + " not found"), true);
        } else if (!o.stream().isEmpty() && !streamFound) {
            health.fail(404, UNAVAILABLE, new Problem(ErrorType.STREAM, o.account(), o.stream(), null,
                    "JetStream stream " + QueryParams.goQuote(o.stream()) + " not found on account " + acc), true);
        } else if (!o.consumer().isEmpty() && !consumerFound) {
            health.fail(404, UNAVAILABLE, new Problem(ErrorType.CONSUMER, o.account(), o.stream(), o.consumer(),
                    "JetStream consumer " + QueryParams.goQuote(o.consumer()) + " not found for stream "
                            + QueryParams.goQuote(o.stream()) + " on account " + acc), true);
        }
    }

    private static JetStreamAccountView account(JetStreamFacts js, String name) {
        for (JetStreamAccountView a : js.accounts()) {
            if (a.accountName().equals(name)) {
                return a;
            }
        }
        return null;
    }

    private static Stream stream(JetStreamAccountView account, String name) {
        for (Stream s : account.streams()) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        return null;
    }

    /** The names of the folders (and files, as Go's {@code os.ReadDir}) in {@code dir}, sorted; none if absent. */
    private static List<String> folders(Path dir) {
        if (dir == null || !Files.isDirectory(dir)) {
            return List.of();
        }
        try (var list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
