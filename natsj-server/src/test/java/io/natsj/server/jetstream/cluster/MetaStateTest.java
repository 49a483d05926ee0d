package io.natsj.server.jetstream.cluster;

import io.natsj.server.raft.Entry;
import io.natsj.server.raft.Membership;
import io.natsj.server.raft.Snapshot;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MetaStateTest {

    private final List<String> events = new ArrayList<>();
    private long index;

    private MetaState listened(MetaState m) {
        m.addListener(new MetaState.Listener() {
            @Override
            public void assigned(Assignment a) {
                events.add("+" + a.stream() + (a.consumer() == null ? "" : "/" + a.consumer()));
            }

            @Override
            public void removed(Assignment a) {
                events.add("-" + a.stream() + (a.consumer() == null ? "" : "/" + a.consumer()));
            }
        });
        return m;
    }

    private void apply(MetaState m, byte[] data) {
        m.apply(new Entry(++index, 1, Entry.Type.NORMAL, data));
    }

    private static Assignment stream(String name, String... peers) {
        return new Assignment("$G", name, null, "{\"name\":\"" + name + "\"}", "S-R3F-" + name, List.of(peers),
                false, 42);
    }

    private static Assignment consumer(String stream, String name) {
        return new Assignment("$G", stream, name, "{\"durable_name\":\"" + name + "\"}", "C-R3F-" + name,
                List.of("n1", "n2", "n3"), false, 43);
    }

    @Test
    void assignmentsAppliedInOrderAreKeptAndAnnounced() {
        MetaState m = listened(new MetaState());
        apply(m, MetaState.assign(stream("ORDERS", "n1", "n2", "n3")));
        apply(m, MetaState.assign(consumer("ORDERS", "ship")));
        apply(m, MetaState.assign(stream("ALPHA", "n2")));
        assertThat(m.assignments()).extracting(a -> a.stream() + "/" + a.consumer())
                .containsExactly("ALPHA/null", "ORDERS/null", "ORDERS/ship");
        assertThat(m.get("$G", "ORDERS", null)).isEqualTo(stream("ORDERS", "n1", "n2", "n3"));
        assertThat(m.get("$G", "ORDERS", "ship").config()).isEqualTo("{\"durable_name\":\"ship\"}");
        assertThat(events).containsExactly("+ORDERS", "+ORDERS/ship", "+ALPHA");
    }

    @Test
    void removingAStreamRemovesItsConsumersFirst() {
        MetaState m = listened(new MetaState());
        apply(m, MetaState.assign(stream("ORDERS", "n1")));
        apply(m, MetaState.assign(consumer("ORDERS", "a")));
        apply(m, MetaState.assign(consumer("ORDERS", "b")));
        apply(m, MetaState.assign(stream("ORDERS2", "n1")));
        events.clear();
        apply(m, MetaState.remove("$G", "ORDERS", "a"));
        apply(m, MetaState.remove("$G", "ORDERS", null));
        assertThat(events).containsExactly("-ORDERS/a", "-ORDERS/b", "-ORDERS");
        assertThat(m.assignments()).extracting(Assignment::stream).containsExactly("ORDERS2");
    }

    @Test
    void aSnapshotRestoresTheSameAssignmentsAndAnnouncesOnlyTheDifference() {
        MetaState leader = new MetaState();
        apply(leader, MetaState.assign(stream("A", "n1", "n2")));
        apply(leader, MetaState.assign(consumer("A", "c")));
        apply(leader, MetaState.assign(stream("B", "n3")));
        Snapshot snap = new Snapshot(index, 1, Membership.of("n1"), leader.snapshot());

        MetaState behind = listened(new MetaState());
        apply(behind, MetaState.assign(stream("A", "n1", "n2")));
        apply(behind, MetaState.assign(stream("OLD", "n1")));
        events.clear();
        behind.restore(snap);
        assertThat(behind.assignments()).isEqualTo(leader.assignments());
        assertThat(events).containsExactly("-OLD", "+A/c", "+B");
    }
}
