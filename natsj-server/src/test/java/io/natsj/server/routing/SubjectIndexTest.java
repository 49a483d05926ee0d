package io.natsj.server.routing;

import static io.natsj.server.routing.MatchView.qsub;
import static io.natsj.server.routing.MatchView.sub;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(10)
class SubjectIndexTest {

    private final SubjectIndex index = new SubjectIndex();

    private Subscription add(Subscription s) {
        index.insert(s);
        return s;
    }

    private Set<Subscription> plain(String subject) {
        return MatchView.of(index.match(subject)).plain();
    }

    @Test
    void literalSubscriptionMatchesOnlyItsSubject() {
        Subscription foo = add(sub("foo.bar"));

        assertThat(plain("foo.bar")).containsExactly(foo);
        assertThat(plain("foo")).isEmpty();
        assertThat(plain("foo.bar.baz")).isEmpty();
        assertThat(plain("foo.baz")).isEmpty();
    }

    @Test
    void partialWildcardMatchesExactlyOneToken() {
        Subscription any = add(sub("foo.*"));

        assertThat(plain("foo.bar")).containsExactly(any);
        assertThat(plain("foo")).isEmpty();
        assertThat(plain("foo.bar.baz")).isEmpty();
    }

    @Test
    void fullWildcardMatchesOneOrMoreTrailingTokens() {
        Subscription rest = add(sub("foo.>"));
        Subscription all = add(sub(">"));

        assertThat(plain("foo.bar")).containsExactlyInAnyOrder(rest, all);
        assertThat(plain("foo.bar.baz")).containsExactlyInAnyOrder(rest, all);
        assertThat(plain("foo")).containsExactly(all);
    }

    @Test
    void mixedWildcardsAllCollectTheirSubscriptions() {
        Subscription literal = add(sub("a.b.c"));
        Subscription first = add(sub("*.b.c"));
        Subscription middle = add(sub("a.*.c"));
        Subscription two = add(sub("a.*.*"));
        Subscription rest = add(sub("a.>"));
        Subscription anyRest = add(sub("*.>"));
        Subscription other = add(sub("a.b.d"));

        assertThat(plain("a.b.c")).containsExactlyInAnyOrder(literal, first, middle, two, rest, anyRest);
        assertThat(plain("a.b.d")).containsExactlyInAnyOrder(other, two, rest, anyRest);
        assertThat(plain("x.b.c")).containsExactlyInAnyOrder(first, anyRest);
    }

    @Test
    void wildcardLikeCharactersInsideATokenAreLiteral() {
        Subscription star = add(sub("foo*"));
        Subscription gt = add(sub("f>o"));

        assertThat(plain("foo*")).containsExactly(star);
        assertThat(plain("fooX")).isEmpty();
        assertThat(plain("f>o")).containsExactly(gt);
        assertThat(plain("fXo")).isEmpty();
    }

    @Test
    void publishingToAWildcardSubjectReachesOnlyWildcardSubscriptions() {
        Subscription literal = add(sub("foo.bar"));
        Subscription any = add(sub("foo.*"));
        Subscription rest = add(sub("foo.>"));

        assertThat(plain("foo.*")).containsExactlyInAnyOrder(any, rest);
        assertThat(plain("foo.>")).containsExactlyInAnyOrder(any, rest);
        assertThat(plain("foo.bar")).containsExactlyInAnyOrder(literal, any, rest);
    }

    @Test
    void malformedPublishSubjectsMatchNothingAndAreNotCached() {
        add(sub(">"));

        assertThat(index.match("foo..bar").isEmpty()).isTrue();
        assertThat(index.match("foo.").isEmpty()).isTrue();
        assertThat(index.match(".foo").isEmpty()).isTrue();
        assertThat(index.match("").isEmpty()).isTrue();
        assertThat(index.stats().numCache()).isZero();
    }

    @Test
    void utf8SubjectsMatchByteForByte() {
        String wire = new String("föö.bär".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        String wildcard = new String("föö.*".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        Subscription exact = add(sub(wire));
        Subscription any = add(sub(wildcard));

        assertThat(plain(wire)).containsExactlyInAnyOrder(exact, any);
        assertThat(plain("foo.bar")).isEmpty();
    }

    @Test
    void queueSubscriptionsAreGroupedByQueueNameAcrossSubjects() {
        Subscription a1 = add(qsub("orders.new", "workers"));
        Subscription a2 = add(qsub("orders.*", "workers"));
        Subscription a3 = add(qsub("orders.>", "workers"));
        Subscription b1 = add(qsub("orders.new", "audit"));
        Subscription p = add(sub("orders.new"));

        MatchView view = MatchView.of(index.match("orders.new"));

        assertThat(view.plain()).containsExactly(p);
        assertThat(view.queues()).isEqualTo(Map.of("workers", Set.of(a1, a2, a3), "audit", Set.of(b1)));
        assertThat(index.match("orders.new").fanout()).isEqualTo(3);
        assertThat(index.match("orders.new").size()).isEqualTo(5);
    }

    @Test
    void removedSubscriptionNoLongerMatches() {
        Subscription a = add(sub("foo.*"));
        Subscription b = add(sub("foo.bar"));
        assertThat(plain("foo.bar")).containsExactlyInAnyOrder(a, b);

        assertThat(index.remove(a)).isTrue();

        assertThat(plain("foo.bar")).containsExactly(b);
        assertThat(plain("foo.baz")).isEmpty();
        assertThat(index.count()).isEqualTo(1);
    }

    @Test
    void removingAnUnknownSubscriptionReturnsFalse() {
        add(sub("foo.bar"));

        assertThat(index.remove(sub("foo.bar"))).as("equal subject, other object").isFalse();
        assertThat(index.remove(sub("nothing.here"))).isFalse();
        assertThat(index.remove(qsub("foo.bar", "q"))).isFalse();
        assertThat(index.remove(sub("foo..bar"))).isFalse();
        assertThat(index.count()).isEqualTo(1);
        assertThat(index.stats().numRemoves()).isZero();
    }

    @Test
    void lastQueueMemberRemovedDropsTheGroup() {
        Subscription q1 = add(qsub("foo", "q"));
        Subscription q2 = add(qsub("foo", "q"));
        index.match("foo");

        index.remove(q1);
        assertThat(MatchView.of(index.match("foo")).queues()).isEqualTo(Map.of("q", Set.of(q2)));
        index.remove(q2);
        assertThat(index.match("foo").queues()).isEmpty();
        assertThat(index.match("foo")).isSameAs(SubjectMatch.EMPTY);
    }

    @Test
    void insertingTheSameSubscriptionTwiceChangesNothing() {
        Subscription s = add(sub("foo"));
        long generation = index.generation();

        index.insert(s);

        assertThat(index.count()).isEqualTo(1);
        assertThat(index.generation()).isEqualTo(generation);
        assertThat(index.match("foo").plain()).containsExactly(s);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "foo..bar", ".foo", "foo.", ">.foo", "foo.>.bar"})
    void invalidSubjectIsRefused(String subject) {
        assertThatThrownBy(() -> index.insert(sub(subject))).isInstanceOf(IllegalArgumentException.class);
        assertThat(index.count()).isZero();
    }

    @Test
    void invalidQueueNameIsRefused() {
        assertThatThrownBy(() -> index.insert(qsub("foo", ""))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> index.insert(qsub("foo", "a b"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void cachedResultIsUpdatedByLaterInsertOfLiteralAndWildcard() {
        Subscription a = add(sub("foo.bar"));
        assertThat(plain("foo.bar")).containsExactly(a);
        assertThat(index.match("foo.bar")).isSameAs(index.match("foo.bar"));

        Subscription b = add(sub("foo.bar"));
        Subscription c = add(sub("*.bar"));
        Subscription q = add(qsub(">", "g"));

        MatchView view = MatchView.of(index.match("foo.bar"));
        assertThat(view.plain()).containsExactlyInAnyOrder(a, b, c);
        assertThat(view.queues()).isEqualTo(Map.of("g", Set.of(q)));
    }

    @Test
    void cachedEmptyResultIsUpdatedByInsert() {
        assertThat(index.hasInterest("foo.bar")).isFalse();

        Subscription s = add(sub("foo.>"));

        assertThat(index.hasInterest("foo.bar")).isTrue();
        assertThat(plain("foo.bar")).containsExactly(s);
    }

    @Test
    void cachedResultIsUpdatedByRemoveOfWildcard() {
        Subscription w = add(sub("foo.*"));
        Subscription q = add(qsub("foo.>", "g"));
        index.match("foo.bar");
        index.match("foo.baz");

        index.remove(w);
        index.remove(q);

        assertThat(index.match("foo.bar").isEmpty()).isTrue();
        assertThat(index.match("foo.baz").isEmpty()).isTrue();
        assertThat(index.hasInterest("foo.bar")).isFalse();
    }

    @Test
    void unrelatedSubscriptionChurnKeepsOtherEntriesCached() {
        add(sub("orders.new"));
        SubjectMatch cached = index.match("orders.new");

        for (int i = 0; i < 100; i++) {
            Subscription inbox = add(sub("_INBOX.abc." + i));
            index.match("_INBOX.abc." + i);
            index.remove(inbox);
        }

        assertThat(index.match("orders.new")).isSameAs(cached);
    }

    @Test
    void removeAllRemovesABatchWithOneGenerationChange() {
        List<Subscription> subs = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            subs.add(add(sub("s." + i)));
        }
        Subscription kept = add(sub("s.*"));
        index.match("s.1");
        long generation = index.generation();

        index.removeAll(subs);

        assertThat(index.generation()).isEqualTo(generation + 1);
        assertThat(index.count()).isEqualTo(1);
        assertThat(plain("s.1")).containsExactly(kept);
        assertThat(index.stats().numRemoves()).isEqualTo(100);
    }

    @Test
    void smallRemoveAllUpdatesTheCacheSelectively() {
        Subscription a = add(sub("a"));
        Subscription b = add(sub("b"));
        Subscription c = add(sub("c"));
        index.match("a");
        index.match("b");
        SubjectMatch cachedC = index.match("c");

        index.removeAll(List.of(a, b, sub("not.there")));

        assertThat(index.match("a").isEmpty()).isTrue();
        assertThat(index.match("b").isEmpty()).isTrue();
        assertThat(index.match("c")).isSameAs(cachedC);
        assertThat(cachedC.plain()).containsExactly(c);
        assertThat(index.stats().numRemoves()).isEqualTo(2);
    }

    @Test
    void subscriptionsListsEverySubscription() {
        Subscription a = add(sub("a.b"));
        Subscription b = add(sub("a.*"));
        Subscription c = add(sub(">"));
        Subscription d = add(qsub("a.b", "q"));
        Subscription e = add(sub("a.b.c.d"));

        assertThat(index.subscriptions()).containsExactlyInAnyOrder(a, b, c, d, e);
        index.remove(e);
        assertThat(index.subscriptions()).containsExactlyInAnyOrder(a, b, c, d);
    }

    @Test
    void removingEverythingLeavesAnEmptyIndex() {
        List<Subscription> subs = List.of(sub("a.b.c"), sub("a.b"), sub("a.*.c"), sub("a.>"), qsub("a.b.c", "q"));
        subs.forEach(index::insert);

        subs.forEach(s -> assertThat(index.remove(s)).isTrue());

        assertThat(index.count()).isZero();
        assertThat(index.subscriptions()).isEmpty();
        assertThat(index.match("a.b.c").isEmpty()).isTrue();
        Subscription again = add(sub("a.b.c"));
        assertThat(plain("a.b.c")).containsExactly(again);
    }

    @Test
    void statsCountInsertsRemovesMatchesAndHits() {
        Subscription a = add(sub("foo"));
        add(sub("bar"));
        add(qsub("bar", "q1"));
        add(qsub("bar", "q1"));
        add(qsub("bar", "q2"));
        index.remove(a);

        index.match("foo");   // miss
        index.match("foo");   // hit
        index.match("bar");   // miss
        index.match("bar");   // hit
        index.match("bar");   // hit

        SubjectIndex.Stats stats = index.stats();
        assertThat(stats.numSubscriptions()).isEqualTo(4);
        assertThat(stats.numInserts()).isEqualTo(5);
        assertThat(stats.numRemoves()).isEqualTo(1);
        assertThat(stats.numMatches()).isEqualTo(5);
        assertThat(stats.cacheHitRate()).isCloseTo(0.6, within(1e-9));
        assertThat(stats.numCache()).isEqualTo(2);
        assertThat(stats.maxFanout()).as("bar: 1 plain + 2 queue groups").isEqualTo(3);
        assertThat(stats.avgFanout()).as("(0 + 3) / 2").isCloseTo(1.5, within(1e-9));
    }

    @Test
    void statsOfANewIndexAreZero() {
        assertThat(index.stats()).isEqualTo(new SubjectIndex.Stats(0, 0, 0, 0, 0, 0.0, 0, 0.0));
    }

    @Test
    void cacheIsSweptWhenItOutgrowsItsBound() {
        add(sub(">"));

        for (int i = 0; i <= MatchCache.MAX_ENTRIES; i++) {
            index.match("subject." + i);
        }

        assertThat(index.stats().numCache()).isLessThanOrEqualTo(MatchCache.SWEEP_TO);
        assertThat(index.match("subject.0").plain()).hasSize(1);
    }
}
