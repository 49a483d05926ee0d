package io.natsj.server.jetstream.consumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The wait queue on its own: waiting pull requests take turns message by message, leave when their batch or byte
 * budget is used up, and the judge's pass/drop verdicts move them to the back or out.
 */
@Timeout(5)
class WaitQueueTest {

    private static final Function<PullRequest, WaitQueue.Verdict> ANYONE = r -> WaitQueue.Verdict.TAKE;

    private static PullRequest request(String reply, String body) {
        return PullRequest.of(reply, PullRequest.parse(body.getBytes(StandardCharsets.UTF_8)), 0);
    }

    private static List<String> replies(WaitQueue q) {
        List<String> out = new ArrayList<>();
        q.forEach(r -> out.add(r.reply));
        return out;
    }

    /** Who gets each of {@code n} messages of {@code size} bytes, in order ("-" when nobody may). */
    private static List<String> serve(WaitQueue q, int n, long size, Function<PullRequest, WaitQueue.Verdict> judge) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            PullRequest r = q.next(size, judge);
            out.add(r == null ? "-" : r.reply);
        }
        return out;
    }

    @Test
    void waitingRequestsTakeTurnsMessageByMessage() {
        WaitQueue q = new WaitQueue();
        q.add(request("a", "3"), 0);
        q.add(request("b", "2"), 0);
        q.add(request("c", "1"), 0);
        assertThat(serve(q, 7, 10, ANYONE)).containsExactly("a", "b", "c", "a", "b", "a", "-");
        assertThat(q.isEmpty()).isTrue();
    }

    @Test
    void aLoneRequestKeepsTheHeadUntilItsBatchIsDone() {
        WaitQueue q = new WaitQueue();
        PullRequest a = request("a", "2");
        q.add(a, 0);
        assertThat(q.pop(10)).isSameAs(a);
        assertThat(q.peek()).isSameAs(a);
        assertThat(a.remaining).isEqualTo(1);
        assertThat(a.delivered).isEqualTo(1);
        q.pop(10);
        assertThat(q.isEmpty()).isTrue();
    }

    @Test
    void aBatchOfZeroOrLessGetsOneMessage() {
        WaitQueue q = new WaitQueue();
        PullRequest zero = request("z", "{\"batch\":0,\"expires\":1000000000}");
        PullRequest negative = request("n", "-3");
        assertThat(zero.remaining).isZero();
        q.add(zero, 0);
        q.add(negative, 0);
        assertThat(serve(q, 3, 10, ANYONE)).containsExactly("z", "n", "-");
        assertThat(zero.remaining).isEqualTo(-1);
        assertThat(negative.remaining).isEqualTo(-4);
    }

    @Test
    void theByteBudgetGoesDownAndAnExactFitIsTheLastMessage() {
        WaitQueue q = new WaitQueue();
        PullRequest a = request("a", "{\"batch\":10,\"max_bytes\":250}");
        q.add(a, 0);
        q.pop(100);
        assertThat(a.remainingBytes).isEqualTo(150);
        assertThat(a.remaining).isEqualTo(9);
        assertThat(a.fits(151)).isFalse();
        assertThat(a.fits(150)).isTrue();
        q.pop(150);
        assertThat(a.remainingBytes).isZero();
        assertThat(a.remaining).isZero();
        assertThat(q.isEmpty()).isTrue();
    }

    @Test
    void withoutMaxBytesAnySizeFits() {
        assertThat(request("a", "5").fits(Long.MAX_VALUE)).isTrue();
    }

    @Test
    void passedRequestsWaitAtTheBackAndNobodyGetsTheMessageWhenAllPass() {
        WaitQueue q = new WaitQueue();
        q.add(request("a", "5"), 0);
        q.add(request("b", "5"), 0);
        q.add(request("c", "5"), 0);
        Function<PullRequest, WaitQueue.Verdict> onlyC = r -> r.reply.equals("c") ? WaitQueue.Verdict.TAKE
                : WaitQueue.Verdict.PASS;
        assertThat(q.next(10, onlyC).reply).isEqualTo("c");
        assertThat(replies(q)).containsExactly("a", "b", "c");
        assertThat(q.next(10, r -> WaitQueue.Verdict.PASS)).isNull();
        assertThat(replies(q)).containsExactly("a", "b", "c");
    }

    @Test
    void droppedRequestsLeaveAndTheNextOneIsAsked() {
        WaitQueue q = new WaitQueue();
        q.add(request("a", "5"), 0);
        q.add(request("b", "5"), 0);
        q.add(request("c", "5"), 0);
        Map<String, WaitQueue.Verdict> verdicts = Map.of("a", WaitQueue.Verdict.PASS, "b", WaitQueue.Verdict.DROP,
                "c", WaitQueue.Verdict.DROP);
        assertThat(q.next(10, r -> verdicts.get(r.reply))).isNull();
        assertThat(replies(q)).containsExactly("a");
        assertThat(q.next(10, ANYONE).reply).isEqualTo("a");
    }

    @Test
    void addRespectsTheLimitAndCycleAndRemoveCurrentWorkOnTheHead() {
        WaitQueue q = new WaitQueue();
        assertThat(q.add(request("a", "1"), 2)).isTrue();
        assertThat(q.add(request("b", "1"), 2)).isTrue();
        assertThat(q.isFull(2)).isTrue();
        assertThat(q.add(request("c", "1"), 2)).isFalse();
        assertThat(q.isFull(0)).isFalse();
        q.cycle();
        assertThat(replies(q)).containsExactly("b", "a");
        q.removeCurrent();
        assertThat(replies(q)).containsExactly("a");
        q.cycle();
        assertThat(q.peek().reply).isEqualTo("a");
        assertThat(q.size()).isEqualTo(1);
    }

    @Test
    void aBodyThatIsNeitherJsonNorANumberAsksForOneMessage() {
        assertThat(PullRequest.parse("abc".getBytes(StandardCharsets.UTF_8)).batch()).isEqualTo(1);
        assertThat(PullRequest.parse(" 7 ".getBytes(StandardCharsets.UTF_8)).batch()).isEqualTo(7);
        assertThat(PullRequest.parse("+4".getBytes(StandardCharsets.UTF_8)).batch()).isEqualTo(4);
    }
}
