package io.natsj.server.routing;

import static io.natsj.server.routing.MatchView.qsub;
import static io.natsj.server.routing.MatchView.sub;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Matchers and writers on many threads at once: no exception, matches never mix in a subscription from outside
 * the match's subject, a subscription that was present throughout is always seen, and the final state (count,
 * cached and uncached matches) agrees with a brute force over what is left.
 */
@Timeout(30)
class SubjectIndexConcurrencyTest {

    private static final String[] TOKENS = {"a", "b", "c", "d"};
    private static final long RUN_MILLIS = 1_500;

    private final CountDownLatch firstFailure = new CountDownLatch(1);

    @Test
    void concurrentMatchesInsertsAndRemovesStayConsistent() throws Exception {
        SubjectIndex index = new SubjectIndex();
        Subscription permanent = sub(">");
        index.insert(permanent);
        int writers = 3;
        int matchers = 5;
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Subscription> left = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong matches = new AtomicLong();
        CountDownLatch done = new CountDownLatch(writers + matchers);
        List<Thread> threads = new ArrayList<>();

        for (int w = 0; w < writers; w++) {
            long seed = 100 + w;
            threads.add(Thread.ofVirtual().unstarted(() -> run(done, failures, () -> {
                Random random = new Random(seed);
                List<Subscription> mine = new ArrayList<>();
                while (!stop.get()) {
                    int dice = random.nextInt(10);
                    if (dice < 5 || mine.isEmpty()) {
                        Subscription s = random.nextBoolean()
                                ? sub(filter(random)) : qsub(filter(random), "q" + random.nextInt(2));
                        index.insert(s);
                        mine.add(s);
                    } else if (dice < 9) {
                        assertThat(index.remove(mine.remove(random.nextInt(mine.size())))).isTrue();
                    } else {
                        List<Subscription> batch = new ArrayList<>(mine.subList(0, Math.min(3, mine.size())));
                        mine.removeAll(batch);
                        index.removeAll(batch);
                    }
                    if (mine.size() > 200) {
                        index.removeAll(new ArrayList<>(mine));
                        mine.clear();
                    }
                }
                left.addAll(mine);
            })));
        }
        for (int m = 0; m < matchers; m++) {
            long seed = 200 + m;
            threads.add(Thread.ofVirtual().unstarted(() -> run(done, failures, () -> {
                Random random = new Random(seed);
                while (!stop.get()) {
                    String subject = literal(random);
                    SubjectMatch match = index.match(subject);
                    MatchView view = MatchView.of(match);
                    assertThat(view.plain()).contains(permanent);
                    view.plain().forEach(s -> assertThat(MatchView.naiveMatches(s.subject(), subject)).isTrue());
                    view.queues().values().forEach(group -> group.forEach(
                            s -> assertThat(MatchView.naiveMatches(s.subject(), subject)).isTrue()));
                    assertThat(index.hasInterest(subject)).isTrue();
                    matches.incrementAndGet();
                }
            })));
        }

        threads.forEach(Thread::start);
        firstFailure.await(RUN_MILLIS, TimeUnit.MILLISECONDS); // run for a while, or until something fails
        stop.set(true);
        assertThat(done.await(20, TimeUnit.SECONDS)).as("all threads finished").isTrue();

        assertThat(failures).isEmpty();
        assertThat(matches.get()).isPositive();
        List<Subscription> expected = new ArrayList<>(left);
        expected.add(permanent);
        assertThat(index.count()).isEqualTo(expected.size());
        assertThat(index.subscriptions()).containsExactlyInAnyOrderElementsOf(expected);
        for (String subject : allLiterals()) {
            MatchView want = MatchView.expected(expected, subject);
            assertThat(MatchView.of(index.match(subject))).as("cached or not: %s", subject).isEqualTo(want);
            assertThat(MatchView.of(index.match(subject))).as("second time: %s", subject).isEqualTo(want);
        }
    }

    private void run(CountDownLatch done, ConcurrentLinkedQueue<Throwable> failures, Runnable body) {
        try {
            body.run();
        } catch (Throwable t) {
            failures.add(t);
            firstFailure.countDown();
        } finally {
            done.countDown();
        }
    }

    private static String filter(Random random) {
        int n = 1 + random.nextInt(3);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append('.');
            }
            int r = random.nextInt(8);
            sb.append(r == 0 ? "*" : r == 1 && i == n - 1 ? ">" : TOKENS[random.nextInt(TOKENS.length)]);
        }
        return sb.toString();
    }

    private static String literal(Random random) {
        int n = 1 + random.nextInt(3);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append('.');
            }
            sb.append(TOKENS[random.nextInt(TOKENS.length)]);
        }
        return sb.toString();
    }

    private static List<String> allLiterals() {
        List<String> all = new ArrayList<>();
        for (String a : TOKENS) {
            all.add(a);
            for (String b : TOKENS) {
                all.add(a + "." + b);
                for (String c : TOKENS) {
                    all.add(a + "." + b + "." + c);
                }
            }
        }
        return all;
    }
}
