package io.natsj.server.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@link SubjectMatch} as sets, for comparing regardless of order; building it checks the match's shape (no
 * duplicate, one group per queue name, every member of a group carrying that name, size consistent).
 */
record MatchView(Set<Subscription> plain, Map<String, Set<Subscription>> queues) {

    static final Subscriber NOBODY = (sub, subject, reply, buf, off, hdrLen, totalLen, batch) -> true;

    static Subscription sub(String subject) {
        return new Subscription(NOBODY, subject, null, subject);
    }

    static Subscription qsub(String subject, String queue) {
        return new Subscription(NOBODY, subject, queue, subject + " " + queue);
    }

    static MatchView of(SubjectMatch m) {
        Set<Subscription> plain = new HashSet<>(List.of(m.plain()));
        assertThat(plain).as("plain subscriptions without duplicates").hasSize(m.plain().length);
        Map<String, Set<Subscription>> queues = new HashMap<>();
        int size = m.plain().length;
        for (Subscription[] group : m.queues()) {
            assertThat(group).as("queue group").isNotEmpty();
            String name = group[0].queue();
            assertThat(queues).as("one group per queue name").doesNotContainKey(name);
            Set<Subscription> members = new HashSet<>(List.of(group));
            assertThat(members).as("group members without duplicates").hasSize(group.length);
            assertThat(members).allSatisfy(s -> assertThat(s.queue()).isEqualTo(name));
            queues.put(name, members);
            size += group.length;
        }
        assertThat(m.size()).isEqualTo(size);
        assertThat(m.isEmpty()).isEqualTo(size == 0);
        assertThat(m.fanout()).isEqualTo(m.plain().length + m.queues().length);
        return new MatchView(plain, queues);
    }

    /** The expected view of a brute-force match over {@code subs}. */
    static MatchView expected(Collection<Subscription> subs, String subject) {
        Set<Subscription> plain = new HashSet<>();
        Map<String, Set<Subscription>> queues = new HashMap<>();
        for (Subscription s : subs) {
            if (naiveMatches(s.subject(), subject)) {
                if (s.queue() == null) {
                    plain.add(s);
                } else {
                    queues.computeIfAbsent(s.queue(), q -> new HashSet<>()).add(s);
                }
            }
        }
        return new MatchView(plain, queues);
    }

    /** Independent of {@link Subjects#matches}: split both into token arrays and compare. */
    static boolean naiveMatches(String filter, String subject) {
        String[] f = filter.split("\\.", -1);
        String[] s = subject.split("\\.", -1);
        for (String t : s) {
            if (t.isEmpty()) {
                return false;
            }
        }
        for (int i = 0; i < f.length; i++) {
            if (f[i].equals(">")) {
                return s.length > i;
            }
            if (i >= s.length || !(f[i].equals("*") || f[i].equals(s[i]))) {
                return false;
            }
        }
        return f.length == s.length;
    }
}
