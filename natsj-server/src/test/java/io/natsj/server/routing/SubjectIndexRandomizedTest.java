package io.natsj.server.routing;

import static io.natsj.server.routing.MatchView.qsub;
import static io.natsj.server.routing.MatchView.sub;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Compares {@link SubjectIndex} with a brute-force matcher over seeded random inserts, removes, batch removes and
 * matches on a small token alphabet, so that subjects overlap, results get cached and then changed under the cache.
 */
@Timeout(60)
class SubjectIndexRandomizedTest {

    private static final String[] TOKENS = {"a", "b", "c", "ab"};
    private static final String[] QUEUES = {"q1", "q2"};

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42, 20240601})
    void indexAgreesWithBruteForceAfterEveryOperation(long seed) {
        runAgainstBruteForce(seed, true);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {7, 8})
    void indexWithoutCacheAgreesWithBruteForce(long seed) {
        runAgainstBruteForce(seed, false);
    }

    private static void runAgainstBruteForce(long seed, boolean cacheEnabled) {
        Random random = new Random(seed);
        SubjectIndex index = new SubjectIndex(cacheEnabled);
        Set<Subscription> model = new LinkedHashSet<>();
        int checks = 0;

        for (int op = 0; op < 6_000; op++) {
            int dice = random.nextInt(100);
            if (dice < 30) {
                Subscription s = random.nextInt(4) == 0
                        ? qsub(randomFilter(random), QUEUES[random.nextInt(QUEUES.length)])
                        : sub(randomFilter(random));
                index.insert(s);
                model.add(s);
            } else if (dice < 50 && !model.isEmpty()) {
                Subscription s = pick(random, model);
                assertThat(index.remove(s)).isTrue();
                model.remove(s);
            } else if (dice < 52 && !model.isEmpty()) {
                List<Subscription> batch = new ArrayList<>();
                int n = random.nextInt(random.nextBoolean() ? 5 : 60);
                for (int i = 0; i < n && !model.isEmpty(); i++) {
                    Subscription s = pick(random, model);
                    model.remove(s);
                    batch.add(s);
                }
                index.removeAll(batch);
            } else {
                String subject = randomLiteral(random);
                assertThat(MatchView.of(index.match(subject)))
                        .as("seed %d op %d match %s", seed, op, subject)
                        .isEqualTo(MatchView.expected(model, subject));
                assertThat(index.hasInterest(subject)).isEqualTo(!MatchView.expected(model, subject).plain().isEmpty()
                        || !MatchView.expected(model, subject).queues().isEmpty());
                checks++;
            }
            assertThat(index.count()).isEqualTo(model.size());
        }

        assertThat(checks).isGreaterThan(1_000);
        assertThat(index.subscriptions()).containsExactlyInAnyOrderElementsOf(model);
        if (cacheEnabled) {
            assertThat(index.stats().cacheHitRate()).as("the cache was exercised").isGreaterThan(0.3);
        } else {
            assertThat(index.stats().numCache()).isZero();
            assertThat(index.stats().cacheHitRate()).isZero();
        }
        // every cached entry, and every subject, still agrees at the end
        for (String subject : allLiterals()) {
            assertThat(MatchView.of(index.match(subject))).isEqualTo(MatchView.expected(model, subject));
        }
    }

    private static Subscription pick(Random random, Set<Subscription> model) {
        int i = random.nextInt(model.size());
        for (Subscription s : model) {
            if (i-- == 0) {
                return s;
            }
        }
        throw new AssertionError();
    }

    private static String randomFilter(Random random) {
        int n = 1 + random.nextInt(3);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append('.');
            }
            int r = random.nextInt(10);
            if (r < 2) {
                sb.append('*');
            } else if (r < 3 && i == n - 1) {
                sb.append('>');
            } else {
                sb.append(TOKENS[random.nextInt(TOKENS.length)]);
            }
        }
        return sb.toString();
    }

    private static String randomLiteral(Random random) {
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
        List<String> previous = List.of("");
        for (int depth = 1; depth <= 3; depth++) {
            List<String> next = new ArrayList<>();
            for (String prefix : previous) {
                for (String t : TOKENS) {
                    next.add(prefix.isEmpty() ? t : prefix + "." + t);
                }
            }
            all.addAll(next);
            previous = next;
        }
        return all;
    }
}
