package io.natsj.server.cluster;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Subscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seeded model test of interest propagation: random SUB, queue SUB and UNSUB operations of clients on random
 * servers of a three-server cluster, now and then a server whose routes go down and come back, and after each batch
 * of operations every published message must reach exactly the subscribers a single-server model says: every matching
 * plain subscription once, and exactly one matching member of each queue group in the whole cluster. The seed comes from {@code -Dnatsj.model.seed} (random otherwise) and is
 * printed with any failure.
 */
@Timeout(120)
class ClusterModelIT {

    private static final int SERVERS = 3;
    private static final int CLIENTS_PER_SERVER = 2;
    private static final int ROUNDS = 12;
    private static final int OPS_PER_ROUND = 16;
    private static final int MESSAGES_PER_SUBJECT = 2;
    private static final String[] PATTERNS = {"a.b", "a.c", "b.b", "a.b.c", "a.*", "*.b", "a.>", ">", "b.*", "*.*"};
    private static final String[] SUBJECTS = {"a.b", "a.c", "b.b", "a.b.c", "c.d"};
    private static final String[] QUEUES = {null, null, null, "q1", "q2"};

    /** One subscription of the model: who, on what, in which group, and what it received this round. */
    private record ModelSub(int client, String pattern, String queue, Subscription sub, List<String> got) {
    }

    private InMemoryCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void everyMessageReachesExactlyWhatASingleServerWouldDeliver() throws Exception {
        long seed = Long.getLong("natsj.model.seed", ThreadLocalRandom.current().nextLong());
        try {
            run(new Random(seed));
        } catch (AssertionError | Exception e) {
            throw new AssertionError("model test failed with -Dnatsj.model.seed=" + seed + ": " + e.getMessage(), e);
        }
    }

    private void run(Random random) throws Exception {
        cluster = InMemoryCluster.start(SERVERS, InMemoryCluster::defaults);
        List<Connection> clients = new ArrayList<>();
        for (int i = 0; i < SERVERS * CLIENTS_PER_SERVER; i++) {
            clients.add(cluster.connect(i % SERVERS));
        }
        List<Connection> publishers = new ArrayList<>();
        for (int s = 0; s < SERVERS; s++) {
            publishers.add(cluster.connect(s));
        }
        List<ModelSub> live = new ArrayList<>();
        List<String> log = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            for (int op = 0; op < OPS_PER_ROUND; op++) {
                if (live.isEmpty() || random.nextInt(10) < 6) {
                    int client = random.nextInt(clients.size());
                    String pattern = PATTERNS[random.nextInt(PATTERNS.length)];
                    String queue = QUEUES[random.nextInt(QUEUES.length)];
                    Connection nc = clients.get(client);
                    Subscription sub = queue == null ? nc.subscribe(pattern) : nc.subscribe(pattern, queue);
                    live.add(new ModelSub(client, pattern, queue, sub, new ArrayList<>()));
                    log.add("SUB c" + client + "@s" + client % SERVERS + " " + pattern + (queue == null ? "" : " " + queue));
                } else {
                    ModelSub gone = live.remove(random.nextInt(live.size()));
                    gone.sub().unsubscribe();
                    log.add("UNSUB c" + gone.client() + " " + gone.pattern() + (gone.queue() == null ? "" : " " + gone.queue()));
                }
            }
            settle(clients);
            if (random.nextInt(4) == 0) {
                int bounced = random.nextInt(SERVERS);
                cluster.isolate(bounced); // its routes go down and come back: the peers learn its interest anew
                cluster.rejoin(bounced);
                log.add("BOUNCE s" + bounced);
            }

            List<String[]> published = new ArrayList<>();
            for (String subject : SUBJECTS) {
                for (int n = 0; n < MESSAGES_PER_SUBJECT; n++) {
                    int from = random.nextInt(SERVERS);
                    String payload = "r" + round + "-" + subject + "-" + n + "-s" + from;
                    publishers.get(from).publish(subject, payload.getBytes(StandardCharsets.UTF_8));
                    published.add(new String[] {subject, payload});
                }
            }
            settle(publishers);
            settle(clients);
            for (ModelSub m : live) {
                Message msg;
                while ((msg = m.sub().nextMessage(Duration.ofMillis(1))) != null) {
                    m.got().add(new String(msg.getData(), StandardCharsets.UTF_8));
                }
            }
            for (String[] p : published) {
                check(p[0], p[1], live, round, log);
            }
            for (ModelSub m : live) {
                m.got().clear();
            }
        }
    }

    private void settle(List<Connection> connections) throws Exception {
        for (Connection nc : connections) {
            nc.flush(InMemoryCluster.WAIT);
        }
        cluster.awaitQuiet();
        for (Connection nc : connections) {
            nc.flush(InMemoryCluster.WAIT);
        }
    }

    private static void check(String subject, String payload, List<ModelSub> live, int round, List<String> log) {
        Map<String, Integer> queueCopies = new HashMap<>();
        for (ModelSub m : live) {
            int copies = (int) m.got().stream().filter(payload::equals).count();
            boolean matches = matches(m.pattern(), subject);
            String who = "round " + round + ": " + payload + " at c" + m.client() + " " + m.pattern()
                    + (m.queue() == null ? "" : " " + m.queue()) + " (ops: " + log + ")";
            if (m.queue() == null) {
                assertThat(copies).as(who).isEqualTo(matches ? 1 : 0);
            } else {
                assertThat(copies).as(who).isLessThanOrEqualTo(matches ? 1 : 0);
                if (matches) {
                    queueCopies.merge(m.queue(), copies, Integer::sum);
                }
            }
        }
        queueCopies.forEach((queue, copies) -> assertThat(copies)
                .as("round " + round + ": " + payload + " in queue group " + queue + " (ops: " + log + ")")
                .isEqualTo(1));
    }

    /** The single-server model's subject matching: tokens, {@code *} one token, {@code >} the rest. */
    static boolean matches(String pattern, String subject) {
        String[] p = pattern.split("\\.");
        String[] s = subject.split("\\.");
        for (int i = 0; i < p.length; i++) {
            if (p[i].equals(">")) {
                return s.length > i;
            }
            if (i >= s.length || (!p[i].equals("*") && !p[i].equals(s[i]))) {
                return false;
            }
        }
        return p.length == s.length;
    }
}
