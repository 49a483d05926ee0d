package io.natsj.server.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.natsj.server.raft.HardState.Recovery;
import io.natsj.server.raft.RaftMessage.InstallSnapshot;
import io.natsj.server.raft.RaftMessage.TimeoutNow;
import io.natsj.server.raft.RaftMessage.VoteRequest;
import io.natsj.server.raft.RaftMessage.VoteResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Focused behaviour of one {@link RaftNode} in a small synchronous group ({@link TestGroup}). */
class RaftNodeTest {

    @Test
    void aReplicaPastItsElectionTimeoutIsElectedAndReplicatesWhatItCommits() {
        TestGroup g = new TestGroup("n1", "n2", "n3");
        RaftNode leader = g.elect("n1");
        assertThat(leader.term()).isEqualTo(1);
        assertThat(g.node("n2").leader()).isEqualTo("n1");
        g.propose("n1", "a");
        g.propose("n1", "b");
        g.tickAll(2);
        for (String id : List.of("n1", "n2", "n3")) {
            assertThat(g.values(id)).as(id).containsExactly("a", "b");
        }
    }

    @Test
    void aSingleVoterLeadsAloneAndCommitsOnceItsOwnLogIsSynced() {
        TestGroup g = new TestGroup("n1");
        RaftNode n1 = g.elect("n1");
        long index = ((ProposeResult.Accepted) n1.propose("a".getBytes())).index();
        Ready r = n1.ready();
        assertThat(r.committedEntries()).isEmpty();
        g.disks.get("n1").write(r);
        n1.advance(r);
        n1.persisted(r.persistIndex(), r.persistTerm());
        assertThat(n1.commitIndex()).isEqualTo(index);
        assertThat(n1.ready().committedEntries()).extracting(Entry::index).containsExactly(index);
    }

    @Test
    void proposalsBetweenTwoReadiesTravelInBatchedPipelinedAppends() {
        TestGroup g = new TestGroup("n1", "n2", "n3");
        RaftNode n1 = g.elect("n1");
        g.propose("n1", "warm-up");
        for (int i = 0; i < 100; i++) {
            n1.propose(("v" + i).getBytes());
        }
        Ready r = n1.ready();
        List<RaftMessage.Append> toN2 = r.messages().stream()
                .filter(m -> m instanceof RaftMessage.Append a && a.to().equals("n2"))
                .map(m -> (RaftMessage.Append) m).toList();
        assertThat(toN2).extracting(a -> a.entries().size()).containsExactly(64, 36);
        assertThat(toN2.get(1).prevIndex()).isEqualTo(toN2.get(0).prevIndex() + 64);
        g.disks.get("n1").write(r);
        n1.advance(r);
    }

    @Test
    void aFollowerRefusesProposalsAndNamesTheLeader() {
        TestGroup g = new TestGroup("n1", "n2", "n3");
        g.elect("n1");
        ProposeResult r = g.node("n2").propose("x".getBytes());
        assertThat(r).isEqualTo(new ProposeResult.Refused(ProposeResult.Reason.NOT_LEADER, "n1"));
    }

    @Test
    void votesAndTheirTermLeaveOnlyAfterTheReadyThatPersistsThem() {
        TestGroup g = new TestGroup("n1", "n2", "n3");
        RaftNode n2 = g.node("n2");
        n2.step(new VoteRequest("n1", "n2", 1, 0, 0, false, false));
        Ready r = n2.ready();
        assertThat(r.hardState()).isEqualTo(new HardState(1, "n1", 0, Recovery.NONE));
        assertThat(r.messages()).isEmpty();
        assertThat(r.messagesAfterPersist()).containsExactly(new VoteResponse("n2", "n1", 1, false, true));
        n2.advance(r);
    }

    @Test
    void aLeaderSendsItsAppendsBeforeItsOwnSyncAndCountsItselfOnlyOncePersisted() {
        TestGroup g = new TestGroup("n1", "n2", "n3");
        RaftNode n1 = g.elect("n1");
        long index = ((ProposeResult.Accepted) n1.propose("a".getBytes())).index();
        Ready r = n1.ready();
        assertThat(r.entries()).extracting(Entry::index).containsExactly(index);
        assertThat(r.messages()).hasSize(2).allMatch(m -> m instanceof RaftMessage.Append);
        g.disks.get("n1").write(r);
        n1.advance(r);
        // one follower acknowledges: with the leader's own copy unsynced there is no quorum yet
        n1.step(new RaftMessage.AppendResponse("n2", "n1", 1, index, false, 0, 0, index, false));
        assertThat(n1.commitIndex()).isLessThan(index);
        n1.persisted(r.persistIndex(), r.persistTerm());
        assertThat(n1.commitIndex()).isEqualTo(index);
    }

    @Test
    void preVoteKeepsAPartitionedReplicaFromRaisingTheTermAndDeposingTheLeader() {
        TestGroup g = new TestGroup("n1", "n2", "n3");
        g.elect("n1");
        g.isolate("n3");
        g.tick("n3", 100);
        assertThat(g.node("n3").term()).isEqualTo(1);
        assertThat(g.sent).filteredOn(m -> m instanceof VoteRequest v && v.from().equals("n3"))
                .allMatch(m -> ((VoteRequest) m).preVote());
        g.heal();
        g.tickAll(30);
        assertThat(g.node("n1").isLeader()).isTrue();
        assertThat(g.node("n1").term()).isEqualTo(1);
    }

    @Test
    void replicasHearingFromTheirLeaderRefuseADisruptiveCandidate() {
        TestGroup g = new TestGroup("n1", "n2", "n3");
        g.elect("n1");
        RaftNode n2 = g.node("n2");
        n2.step(new VoteRequest("n3", "n2", 5, 100, 1, false, false));
        assertThat(n2.term()).isEqualTo(1);
        Ready r = n2.ready();
        assertThat(r.messagesAfterPersist()).containsExactly(new VoteResponse("n2", "n3", 1, false, false));
        n2.advance(r);
    }

    @Test
    void theLeaderReportsEachFollowersMatchAndHowLongAgoItAnswered() {
        TestGroup g = new TestGroup("n1", "n2", "n3");
        RaftNode n1 = g.elect("n1");
        g.propose("n1", "a");
        g.tickAll(2);
        assertThat(n1.replicas()).extracting(RaftNode.Replica::peer).containsExactly("n2", "n3");
        assertThat(n1.replicas()).allSatisfy(r -> {
            assertThat(r.match()).isEqualTo(n1.lastIndex());
            assertThat(r.ticksSinceContact()).isLessThanOrEqualTo(RaftConfig.of("n1").heartbeatTicks());
        });
        g.isolate("n3");
        g.tick("n1", 5);
        RaftNode.Replica n3 = n1.replicas().stream().filter(r -> r.peer().equals("n3")).findFirst().orElseThrow();
        assertThat(n3.ticksSinceContact()).isGreaterThanOrEqualTo(5);
        assertThat(g.node("n2").replicas()).as("only the leader knows").isEmpty();
    }

    @Test
    void checkQuorumStepsDownALeaderThatNoLongerHearsFromAQuorum() {
        TestGroup g = new TestGroup("n1", "n2", "n3");
        RaftNode n1 = g.elect("n1");
        g.isolate("n1");
        g.tick("n1", 2 * RaftConfig.of("n1").electionTicks());
        assertThat(n1.role()).isEqualTo(RaftNode.Role.FOLLOWER);
        assertThat(n1.propose("x".getBytes())).isInstanceOf(ProposeResult.Refused.class);
    }

    @Test
    void aDeposedLeadersUncommittedEntriesAreReplacedByTheNewLeadersLog() {
        TestGroup g = new TestGroup("n1", "n2", "n3");
        g.elect("n1");
        g.propose("n1", "committed");
        g.tickAll(2);
        g.isolate("n1");
        g.node("n1").propose("lost-1".getBytes());
        g.node("n1").propose("lost-2".getBytes());
        g.deliver();
        g.tickAll(30);
        RaftNode leader = g.nodes.values().stream().filter(n -> n.isLeader() && n.term() > 1).findFirst()
                .orElseThrow();
        g.propose(leader.id(), "kept");
        g.heal();
        g.tickAll(30);
        assertThat(leader.isLeader()).isTrue();
        for (String id : List.of("n1", "n2", "n3")) {
            assertThat(g.values(id)).as(id).containsExactly("committed", "kept");
        }
        // 1: no-op, 2: "committed", 3 and 4: n1's lost entries, replaced from 3 by the new leader's no-op and "kept"
        assertThat(g.truncations).containsExactly("n1@3");
        MemoryRaftStorage n1log = g.disks.get("n1");
        assertThat(n1log.term(n1log.lastIndex())).isEqualTo(leader.term());
    }

    @Test
    void aFollowerBehindTheCompactedLogIsSentTheSnapshot() {
        TestGroup g = new TestGroup("n1", "n2", "n3");
        g.elect("n1");
        g.isolate("n3");
        for (int i = 0; i < 20; i++) {
            g.propose("n1", "v" + i);
        }
        g.tickAll(2);
        RaftNode n1 = g.node("n1");
        n1.compact(n1.appliedIndex(), "state-at-21".getBytes());
        g.deliver();
        assertThat(g.disks.get("n1").firstIndex()).isEqualTo(n1.appliedIndex() + 1);
        g.heal();
        g.tickAll(4);
        assertThat(g.sent).anyMatch(m -> m instanceof InstallSnapshot s && s.to().equals("n3"));
        MemoryRaftStorage n3log = g.disks.get("n3");
        assertThat(new String(n3log.snapshot().data())).isEqualTo("state-at-21");
        assertThat(g.node("n3").appliedIndex()).isEqualTo(n1.appliedIndex());
        g.propose("n1", "after");
        g.tickAll(2);
        assertThat(g.values("n3")).containsExactly("after");
    }

    @Test
    void membershipChangesOneVoterAtATimeAndARemovedLeaderStepsDown() {
        TestGroup g = new TestGroup("n1", "n2", "n3");
        RaftNode n1 = g.elect("n1");
        g.propose("n1", "a");
        g.tickAll(2);
        Membership three = n1.membership();
        assertThat(n1.proposeMembership(three.with("n4").with("n5")))
                .isEqualTo(new ProposeResult.Refused(ProposeResult.Reason.INVALID_CHANGE, "n1"));
        RaftNode n4 = g.join("n4", three);
        assertThat(n1.proposeMembership(three.with("n4"))).isInstanceOf(ProposeResult.Accepted.class);
        assertThat(n1.proposeMembership(three.with("n4").without("n2")))
                .isEqualTo(new ProposeResult.Refused(ProposeResult.Reason.CHANGE_PENDING, "n1"));
        g.deliver();
        g.tickAll(4);
        assertThat(n4.membership().voters()).containsExactly("n1", "n2", "n3", "n4");
        assertThat(g.values("n4")).containsExactly("a");

        assertThat(n1.proposeMembership(n1.membership().without("n1"))).isInstanceOf(ProposeResult.Accepted.class);
        g.deliver();
        g.tickAll(2);
        assertThat(n1.isLeader()).isFalse();
        g.tickAll(60);
        RaftNode leader = g.nodes.values().stream().filter(RaftNode::isLeader).findFirst().orElseThrow();
        assertThat(leader.id()).isIn("n2", "n3", "n4");
        assertThat(leader.membership().voters()).containsExactly("n2", "n3", "n4");
        g.propose(leader.id(), "b");
        g.tickAll(2);
        assertThat(g.values("n4")).containsExactly("a", "b");
    }

    @Test
    void aLearnerIsReplicatedToButNeitherCountsNorCampaignsUntilPromoted() {
        TestGroup g = new TestGroup("n1", "n2");
        RaftNode n1 = g.elect("n1");
        g.propose("n1", "a");
        g.tickAll(2);
        RaftNode n3 = g.join("n3", n1.membership());
        assertThat(n1.proposeMembership(n1.membership().withLearner("n3"))).isInstanceOf(ProposeResult.Accepted.class);
        g.deliver();
        g.tickAll(4);
        assertThat(n3.membership().learners()).containsExactly("n3");
        assertThat(g.values("n3")).containsExactly("a");

        g.isolate("n2");
        long index = g.propose("n1", "b");
        g.tickAll(2);
        assertThat(n3.lastIndex()).isEqualTo(index);
        assertThat(n1.commitIndex()).as("a learner's copy does not count").isLessThan(index);
        g.tick("n3", 100);
        assertThat(g.sent).noneMatch(m -> m instanceof VoteRequest v && v.from().equals("n3"));

        g.heal();
        g.tickAll(4);
        assertThat(n1.commitIndex()).isGreaterThanOrEqualTo(index);
        assertThat(n1.proposeMembership(n1.membership().with("n3"))).isInstanceOf(ProposeResult.Accepted.class);
        g.deliver();
        g.tickAll(4);
        assertThat(n3.membership().voters()).containsExactly("n1", "n2", "n3");
        assertThat(n3.membership().learners()).isEmpty();
    }

    @Test
    void leadershipTransferCatchesTheTargetUpThenHandsOver() {
        TestGroup g = new TestGroup("n1", "n2", "n3");
        RaftNode n1 = g.elect("n1");
        g.dropWhere(m -> m.to().equals("n2"));
        g.propose("n1", "a");
        g.heal();
        assertThat(n1.transferLeadership("n2")).isTrue();
        assertThat(n1.propose("b".getBytes()))
                .isEqualTo(new ProposeResult.Refused(ProposeResult.Reason.TRANSFERRING, "n1"));
        g.deliver();
        g.tickAll(2);
        assertThat(g.sent).anyMatch(m -> m instanceof TimeoutNow t && t.to().equals("n2"));
        assertThat(g.node("n2").isLeader()).isTrue();
        assertThat(g.node("n2").term()).isEqualTo(2);
        assertThat(g.values("n2")).containsExactly("a");
    }

    @Test
    void aReplicaRestartedFromStorageKeepsItsTermVoteAndLog() {
        TestGroup g = new TestGroup("n1", "n2", "n3");
        g.elect("n1");
        g.propose("n1", "a");
        g.tickAll(2);
        RaftNode before = g.node("n2");
        RaftNode after = g.start("n2");
        assertThat(after.term()).isEqualTo(before.term());
        assertThat(after.vote()).isEqualTo("n1");
        assertThat(after.lastIndex()).isEqualTo(before.lastIndex());
        assertThat(after.commitIndex()).isEqualTo(before.commitIndex());
    }

    @Test
    void aDamagedReplicaNeitherVotesNorCampaignsUntilCaughtUpFromTheLeader() {
        TestGroup g = new TestGroup("n1", "n2", "n3");
        g.elect("n1");
        for (int i = 0; i < 5; i++) {
            g.propose("n1", "v" + i);
        }
        g.tickAll(2);
        MemoryRaftStorage disk = g.disks.get("n3");
        disk.truncateFrom(disk.lastIndex() - 2);
        disk.markDamaged(false);
        g.isolate("n3");
        RaftNode n3 = g.start("n3");
        assertThat(n3.recovery()).isEqualTo(Recovery.CATCHING_UP);
        g.process();
        assertThat(disk.hardState().recovery()).isEqualTo(Recovery.CATCHING_UP);
        assertThat(disk.initialState().logDamaged()).isFalse();

        g.tick("n3", 100);
        assertThat(g.sent).noneMatch(m -> m instanceof VoteRequest v && v.from().equals("n3"));
        n3.step(new VoteRequest("n2", "n3", n3.term() + 1, 1000, 1000, false, false));
        Ready r = n3.ready();
        assertThat(r.messagesAfterPersist()).containsExactly(new VoteResponse("n3", "n2", n3.term(), false, false));
        n3.advance(r);

        g.heal();
        g.tickAll(40);
        assertThat(n3.recovery()).isEqualTo(Recovery.NONE);
        RaftNode leader = g.nodes.values().stream().filter(RaftNode::isLeader).findFirst().orElseThrow();
        assertThat(leader.id()).isNotEqualTo("n3");
        assertThat(n3.lastIndex()).isEqualTo(leader.lastIndex());
        assertThat(g.disks.get("n3").hardState().recovery()).isEqualTo(Recovery.NONE);
    }

    @Test
    void aReplicaThatLostItsHardStateLearnsTheTermFromTheOthersBeforeCatchingUp() {
        TestGroup g = new TestGroup("n1", "n2", "n3");
        g.elect("n1");
        g.propose("n1", "a");
        g.tickAll(2);
        MemoryRaftStorage disk = g.disks.get("n3");
        disk.markDamaged(true);
        RaftNode n3 = g.start("n3");
        assertThat(n3.recovery()).isEqualTo(Recovery.TERM_UNKNOWN);
        assertThat(n3.term()).isZero();
        g.tickAll(30);
        assertThat(n3.term()).isEqualTo(g.node("n1").term());
        assertThat(n3.recovery()).isEqualTo(Recovery.NONE);
        assertThat(g.values("n3")).containsExactly("a");
    }
}
