package io.natsj.server.cluster;

import io.natsj.server.account.Account;
import io.natsj.server.account.Accounts;
import io.natsj.server.routing.DeliveryBatch;
import io.natsj.server.routing.Subscriber;
import io.natsj.server.routing.Subscription;
import io.natsj.server.util.ServerClock;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The interest layer's bookkeeping, without servers: reference counts of plain subscriptions, queue weights, what a
 * new peer is told, and peers' interest entering and leaving the subject index.
 */
class ClusterInterestTest {

    /** A link that records the protocol it would send. */
    private static final class Recording implements RouteLink {
        final List<String> sent = new ArrayList<>();
        boolean closed;

        @Override
        public String remoteServerId() {
            return "PEER";
        }

        @Override
        public String remoteServerName() {
            return "peer";
        }

        @Override
        public void sendSubscribe(String account, String subject, String queue, int weight) {
            sent.add("RS+ " + account + " " + subject + (queue == null ? "" : " " + queue + " " + weight));
        }

        @Override
        public void sendUnsubscribe(String account, String subject, String queue) {
            sent.add("RS- " + account + " " + subject + (queue == null ? "" : " " + queue));
        }

        @Override
        public boolean sendMessage(String account, String subject, String reply, List<String> queues, byte[] buf,
                                   int off, int hdrLen, int totalLen, DeliveryBatch batch) {
            sent.add("RMSG " + account + " " + subject + " " + queues);
            return true;
        }

        @Override
        public boolean isClosed() {
            return closed;
        }
    }

    private static final Subscriber CLIENT = (sub, subject, reply, buf, off, hdrLen, totalLen, batch) -> true;

    private final Accounts accounts = Accounts.globalOnly(ServerClock.SYSTEM);
    private final Account global = accounts.global();
    private final ClusterInterest interest = new ClusterInterest(accounts);
    private final Recording peer = new Recording();

    private Subscription local(String subject, String queue) {
        Subscription sub = new Subscription(CLIENT, subject, queue, "1");
        global.index().insert(sub);
        return sub;
    }

    @Test
    void aPlainSubjectIsAnnouncedByItsFirstSubscriptionAndWithdrawnWithItsLast() {
        interest.routeUp(peer);
        Subscription a = local("foo", null);
        Subscription b = local("foo", null);
        global.index().remove(a);
        assertThat(peer.sent).containsExactly("RS+ $G foo");

        global.index().removeAll(List.of(b));

        assertThat(peer.sent).containsExactly("RS+ $G foo", "RS- $G foo");
        assertThat(interest.localInterest("$G", "foo", null)).isZero();
    }

    @Test
    void aQueueGroupSendsItsWeightOnEveryChangeAndRsMinusWhenItsLastMemberLeaves() {
        interest.routeUp(peer);
        Subscription a = local("work", "q");
        Subscription b = local("work", "q");
        Subscription c = local("work", "q");
        global.index().remove(b);
        global.index().remove(a);
        global.index().remove(c);

        assertThat(peer.sent).containsExactly("RS+ $G work q 1", "RS+ $G work q 2", "RS+ $G work q 3",
                "RS+ $G work q 2", "RS+ $G work q 1", "RS- $G work q");
    }

    @Test
    void aNewPeerIsToldTheWholeLocalInterestWithQueueWeights() {
        local("foo", null);
        local("foo", null);
        local("work", "q");
        local("work", "q");
        Subscription gone = local("bar", null);
        global.index().remove(gone);

        interest.routeUp(peer);

        assertThat(peer.sent).containsExactlyInAnyOrder("RS+ $G foo", "RS+ $G work q 2");
    }

    @Test
    void subscriptionsThatExistedBeforeTheClusterLayerAreCounted() {
        Accounts early = Accounts.globalOnly(ServerClock.SYSTEM);
        early.global().index().insert(new Subscription(CLIENT, "early", null, "1"));
        ClusterInterest late = new ClusterInterest(early);

        late.routeUp(peer);

        assertThat(peer.sent).containsExactly("RS+ $G early");
    }

    @Test
    void aPeersInterestEntersTheIndexWithItsWeightAndIsNeverSentOn() {
        Recording other = new Recording();
        interest.routeUp(peer);
        interest.routeUp(other);

        interest.remoteSubscribe(peer, "$G", "work", "q", 3);
        interest.remoteSubscribe(peer, "$G", "foo", null, 1);
        interest.remoteSubscribe(peer, "$G", "foo", null, 1); // a repeated RS+ changes nothing
        interest.remoteSubscribe(peer, "$G", "work", "q", 5); // the group's new weight there

        assertThat(other.sent).as("full mesh: a peer's interest goes nowhere").isEmpty();
        List<Subscription> remote = interest.remoteSubscriptions(peer);
        assertThat(remote).hasSize(2);
        assertThat(global.index().count()).isEqualTo(2);
        Subscription queue = remote.stream().filter(s -> s.queue() != null).findFirst().orElseThrow();
        assertThat(queue.weight()).isEqualTo(5);
        assertThat(queue.subscriber()).isInstanceOf(RouteInterest.class);

        interest.remoteUnsubscribe(peer, "$G", "foo", null);
        assertThat(global.index().count()).isEqualTo(1);
        interest.routeDown(peer);
        assertThat(global.index().count()).isZero();
        assertThat(queue.isClosed()).isTrue();
    }

    @Test
    void interestInAnUnknownAccountIsIgnored() {
        interest.routeUp(peer);

        interest.remoteSubscribe(peer, "NOPE", "foo", null, 1);

        assertThat(interest.remoteSubscriptions(peer)).isEmpty();
    }

    @Test
    void aPeerThatWentDownAddsNoMoreInterest() {
        interest.routeUp(peer);
        interest.routeDown(peer);
        peer.closed = true;

        interest.remoteSubscribe(peer, "$G", "late", null, 1);

        assertThat(global.index().count()).isZero();
        local("after", null);
        assertThat(peer.sent).as("a gone peer is told nothing").isEmpty();
    }

    @Test
    void aMessageGoesOnceToEachPeerWithTheQueueGroupsNoLocalMemberTook() {
        interest.routeUp(peer);
        interest.remoteSubscribe(peer, "$G", "foo.*", null, 1);
        interest.remoteSubscribe(peer, "$G", "foo.>", null, 1);
        interest.remoteSubscribe(peer, "$G", "foo.bar", "remote-only", 1);
        interest.remoteSubscribe(peer, "$G", "foo.bar", "both", 1);
        List<String> delivered = new ArrayList<>();
        global.index().insert(new Subscription((sub, subject, reply, buf, off, hdrLen, totalLen, batch) ->
                delivered.add(sub.queue()), "foo.bar", "both", "1"));
        peer.sent.clear();

        byte[] msg = "x".getBytes();
        int matched = global.publish(null, true, "foo.bar", null, 0, msg, 0, msg.length, DeliveryBatch.IMMEDIATE);

        assertThat(matched).isEqualTo(5);
        assertThat(delivered).containsExactly("both");
        assertThat(peer.sent).containsExactly("RMSG $G foo.bar [remote-only]");
    }

    @Test
    void publishingWithoutPeersAllocatesNothingPerMessage() {
        local("hot", null);
        local("hot", "q");
        local("hot", "q");
        byte[] msg = "payload".getBytes();
        Runnable publish = () -> {
            for (int i = 0; i < 50_000; i++) {
                global.publish(null, true, "hot", null, 0, msg, 0, msg.length, DeliveryBatch.IMMEDIATE);
            }
        };
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long least = Long.MAX_VALUE;
        for (int round = 0; round < 8; round++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            publish.run();
            least = Math.min(least, threads.getCurrentThreadAllocatedBytes() - before);
        }
        assertThat(least).as("bytes allocated by 50,000 publishes once compiled").isLessThan(50_000);
    }
}
