package io.natsj.server.jetstream.consumer;

import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueStatus;
import io.nats.client.api.KeyValueWatchOption;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.api.StorageType;
import io.nats.client.impl.NatsKeyValueWatchSubscription;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * jnats Key-Value on natsj (KV is a stream plus consumers, so it exercises last-per-subject, ordered push
 * consumers and expected-sequence publishes): bucket create/update/delete and status, put/get, create that fails
 * when the key exists, update with the expected revision (a wrong one fails), delete and purge markers, history,
 * keys, and watchers (updates only, with history, ignoring deletes).
 */
@Timeout(90)
class KeyValueIT extends ConsumerTestBase {

    private KeyValueManagement kvm;

    @BeforeEach
    void start() throws Exception {
        kvm = f.nc().keyValueManagement();
    }

    private KeyValue bucket(String name, int history) throws Exception {
        kvm.create(KeyValueConfiguration.builder().name(name).maxHistoryPerKey(history)
                .storageType(StorageType.File).build());
        return f.nc().keyValue(name);
    }

    private static int apiCode(Throwable e) {
        return ((JetStreamApiException) e).getApiErrorCode();
    }

    @Test
    void bucketsAreCreatedUpdatedReportedAndDeleted() throws Exception {
        KeyValueStatus created = kvm.create(KeyValueConfiguration.builder().name("cfg").description("one")
                .maxHistoryPerKey(3).storageType(StorageType.File).build());
        assertThat(created.getBucketName()).isEqualTo("cfg");
        assertThat(created.getMaxHistoryPerKey()).isEqualTo(3);
        assertThat(created.getBackingStore()).isEqualTo("JetStream");
        assertThat(created.getBackingStreamInfo().getConfiguration().getName()).isEqualTo("KV_cfg");

        KeyValue kv = f.nc().keyValue("cfg");
        kv.put("a", "1");
        kv.put("b", "2");
        KeyValueStatus status = kv.getStatus();
        assertThat(status.getEntryCount()).isEqualTo(2);
        assertThat(status.getByteCount()).isPositive();

        KeyValueStatus updated = kvm.update(KeyValueConfiguration.builder().name("cfg").description("two")
                .maxHistoryPerKey(5).storageType(StorageType.File).build());
        assertThat(updated.getDescription()).isEqualTo("two");
        assertThat(updated.getMaxHistoryPerKey()).isEqualTo(5);
        assertThat(kvm.getBucketNames()).containsExactly("cfg");

        kvm.delete("cfg");
        assertThat(kvm.getBucketNames()).isEmpty();
        assertThatThrownBy(() -> kvm.getStatus("cfg")).isInstanceOf(JetStreamApiException.class)
                .satisfies(e -> assertThat(apiCode(e)).isEqualTo(10059));
    }

    @Test
    void putGetCreateUpdateDeleteAndPurge() throws Exception {
        KeyValue kv = bucket("b", 5);
        long r1 = kv.put("k", "v1");
        KeyValueEntry e = kv.get("k");
        assertThat(e.getValueAsString()).isEqualTo("v1");
        assertThat(e.getRevision()).isEqualTo(r1);
        assertThat(e.getOperation()).isEqualTo(KeyValueOperation.PUT);
        assertThat(kv.get("k", r1).getValueAsString()).isEqualTo("v1");

        assertThatThrownBy(() -> kv.create("k", "x".getBytes())).isInstanceOf(JetStreamApiException.class)
                .satisfies(ex -> assertThat(apiCode(ex)).isEqualTo(10071));
        long c = kv.create("other", "o".getBytes());
        assertThat(c).isGreaterThan(r1);

        assertThatThrownBy(() -> kv.update("k", "v2".getBytes(), r1 + 100)).isInstanceOf(JetStreamApiException.class)
                .satisfies(ex -> assertThat(apiCode(ex)).isEqualTo(10071));
        long r2 = kv.update("k", "v2".getBytes(), r1);
        assertThat(kv.get("k").getValueAsString()).isEqualTo("v2");

        kv.delete("k");
        assertThat(kv.get("k")).isNull();
        long r3 = kv.create("k", "v3".getBytes());
        assertThat(r3).as("create is allowed over a delete marker").isGreaterThan(r2);

        kv.purge("k");
        assertThat(kv.get("k")).isNull();
        List<KeyValueEntry> history = kv.history("k");
        assertThat(history).extracting(KeyValueEntry::getOperation).containsExactly(KeyValueOperation.PURGE);
        assertThat(kv.get("other").getValueAsString()).isEqualTo("o");
    }

    @Test
    void historyIsKeptUpToMaxHistoryPerKey() throws Exception {
        KeyValue kv = bucket("h", 3);
        for (int i = 1; i <= 5; i++) {
            kv.put("k", "v" + i);
        }
        kv.put("j", "only");
        assertThat(kv.history("k")).extracting(KeyValueEntry::getValueAsString).containsExactly("v3", "v4", "v5");
        kv.delete("k");
        assertThat(kv.history("k")).extracting(KeyValueEntry::getOperation)
                .containsExactly(KeyValueOperation.PUT, KeyValueOperation.PUT, KeyValueOperation.DELETE);
        assertThat(kv.history("j")).hasSize(1);
        assertThat(kv.getStatus().getEntryCount()).isEqualTo(4);
    }

    @Test
    void keysListsLiveKeysOnly() throws Exception {
        KeyValue kv = bucket("keys", 2);
        kv.put("a.x", "1");
        kv.put("a.y", "2");
        kv.put("b", "3");
        kv.put("b", "4");
        kv.put("gone", "5");
        kv.delete("gone");
        assertThat(kv.keys()).containsExactlyInAnyOrder("a.x", "a.y", "b");
        assertThat(kv.keys("a.*")).containsExactlyInAnyOrder("a.x", "a.y");
        kv.purge("b");
        assertThat(kv.keys()).containsExactlyInAnyOrder("a.x", "a.y");
    }

    /** Collects what a watcher sees and whether it got end-of-data. */
    private static final class Collector implements KeyValueWatcher {
        final List<String> seen = Collections.synchronizedList(new ArrayList<>());
        final AtomicBoolean end = new AtomicBoolean();

        @Override
        public void watch(KeyValueEntry e) {
            seen.add(e.getKey() + "=" + (e.getOperation() == KeyValueOperation.PUT ? e.getValueAsString()
                    : e.getOperation().name()));
        }

        @Override
        public void endOfData() {
            end.set(true);
        }
    }

    @Test
    void watchersSeeCurrentValuesUpdatesHistoryAndDeletes() throws Exception {
        KeyValue kv = bucket("w", 5);
        kv.put("a", "1");
        kv.put("a", "2");
        kv.put("b", "1");
        kv.delete("b");

        Collector latest = new Collector();
        Collector updatesOnly = new Collector();
        Collector history = new Collector();
        Collector noDeletes = new Collector();
        List<NatsKeyValueWatchSubscription> subs = List.of(
                kv.watchAll(latest),
                kv.watchAll(updatesOnly, KeyValueWatchOption.UPDATES_ONLY),
                kv.watchAll(history, KeyValueWatchOption.INCLUDE_HISTORY),
                kv.watchAll(noDeletes, KeyValueWatchOption.IGNORE_DELETE));
        await().atMost(ConsumerFixture.WAIT).untilAsserted(() -> {
            assertThat(latest.end).isTrue();
            assertThat(history.end).isTrue();
            assertThat(noDeletes.end).isTrue();
            assertThat(updatesOnly.end).isTrue();
        });
        assertThat(latest.seen).containsExactly("a=2", "b=DELETE");
        assertThat(history.seen).containsExactly("a=1", "a=2", "b=1", "b=DELETE");
        assertThat(noDeletes.seen).containsExactly("a=2");
        assertThat(updatesOnly.seen).isEmpty();

        kv.put("c", "new");
        kv.delete("a");
        await().atMost(ConsumerFixture.WAIT).untilAsserted(() -> {
            assertThat(updatesOnly.seen).containsExactly("c=new", "a=DELETE");
            assertThat(latest.seen).endsWith("c=new", "a=DELETE");
            assertThat(history.seen).endsWith("c=new", "a=DELETE");
            assertThat(noDeletes.seen).containsExactly("a=2", "c=new");
        });
        Collector one = new Collector();
        NatsKeyValueWatchSubscription single = kv.watch("c", one);
        await().atMost(ConsumerFixture.WAIT).untilAsserted(() -> assertThat(one.seen).containsExactly("c=new"));
        single.unsubscribe();
        for (NatsKeyValueWatchSubscription s : subs) {
            s.unsubscribe();
        }
    }
}
