package io.natsj.server.jetstream.consumer;

import io.nats.client.ObjectStore;
import io.nats.client.ObjectStoreManagement;
import io.nats.client.api.ObjectInfo;
import io.nats.client.api.ObjectMeta;
import io.nats.client.api.ObjectStoreConfiguration;
import io.nats.client.api.ObjectStoreStatus;
import io.nats.client.api.ObjectStoreWatchOption;
import io.nats.client.api.ObjectStoreWatcher;
import io.nats.client.api.StorageType;
import io.nats.client.impl.NatsObjectStoreWatchSubscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * jnats Object Store on natsj (chunks are stream messages, reads are ordered consumers, info is a rollup-by-subject
 * message): a 1 MiB object in 32 KiB chunks stored and read back byte for byte with its digest, info, list, delete,
 * links to objects, watchers, bucket status and bucket delete.
 */
@Timeout(90)
class ObjectStoreIT {

    private static final int SIZE = 1024 * 1024;
    private static final int CHUNK = 32 * 1024;

    @TempDir
    Path dir;
    private ConsumerFixture f;
    private ObjectStoreManagement osm;
    private ObjectStore os;

    @BeforeEach
    void start() throws Exception {
        f = ConsumerFixture.natsj(dir);
        osm = f.nc().objectStoreManagement();
        osm.create(ObjectStoreConfiguration.builder("files").storageType(StorageType.File).build());
        os = f.nc().objectStore("files");
    }

    @AfterEach
    void stop() throws Exception {
        f.close();
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private ObjectInfo putBig(String name, byte[] data) throws Exception {
        return os.put(ObjectMeta.builder(name).description("big one").chunkSize(CHUNK).build(),
                new ByteArrayInputStream(data));
    }

    private byte[] get(String name) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        os.get(name, out);
        return out.toByteArray();
    }

    @Test
    void multiChunkObjectRoundTrips() throws Exception {
        byte[] data = random(SIZE, 1);
        ObjectInfo put = putBig("big", data);
        assertThat(put.getSize()).isEqualTo(SIZE);
        assertThat(put.getChunks()).isEqualTo(SIZE / CHUNK);
        assertThat(put.getDigest()).startsWith("SHA-256=");
        assertThat(get("big")).isEqualTo(data);

        ObjectInfo info = os.getInfo("big");
        assertThat(info.getObjectName()).isEqualTo("big");
        assertThat(info.getDescription()).isEqualTo("big one");
        assertThat(info.getDigest()).isEqualTo(put.getDigest());
        assertThat(info.getNuid()).isEqualTo(put.getNuid());
        assertThat(info.isDeleted()).isFalse();

        byte[] replaced = random(SIZE / 2 + 123, 2);
        putBig("big", replaced);
        assertThat(get("big")).as("a put over an existing name replaces it").isEqualTo(replaced);
        assertThat(os.getInfo("big").getChunks()).isEqualTo((replaced.length + CHUNK - 1) / CHUNK);
        ObjectStoreStatus status = os.getStatus();
        assertThat(status.getBucketName()).isEqualTo("files");
        assertThat(status.getSize()).as("the old chunks were purged").isLessThan(SIZE);
        assertThat(status.getBackingStore()).isEqualTo("JetStream");
    }

    @Test
    void listDeleteAndLinks() throws Exception {
        os.put("a.txt", "alpha".getBytes(StandardCharsets.UTF_8));
        os.put("b.txt", "beta".getBytes(StandardCharsets.UTF_8));
        ObjectInfo c = os.put("c.bin", random(100_000, 3));
        assertThat(os.getList()).extracting(ObjectInfo::getObjectName)
                .containsExactlyInAnyOrder("a.txt", "b.txt", "c.bin");

        ObjectInfo link = os.addLink("link-to-c", c);
        assertThat(link.isLink()).isTrue();
        assertThat(link.getLink().getObjectName()).isEqualTo("c.bin");
        assertThat(get("link-to-c")).isEqualTo(random(100_000, 3));

        ObjectInfo deleted = os.delete("a.txt");
        assertThat(deleted.isDeleted()).isTrue();
        assertThat(os.getInfo("a.txt")).isNull();
        assertThat(os.getInfo("a.txt", true).isDeleted()).isTrue();
        assertThat(os.getList()).extracting(ObjectInfo::getObjectName)
                .containsExactlyInAnyOrder("b.txt", "c.bin", "link-to-c");

        osm.create(ObjectStoreConfiguration.builder("other").storageType(StorageType.File).build());
        ObjectInfo bucketLink = os.addBucketLink("to-other", f.nc().objectStore("other"));
        assertThat(bucketLink.getLink().isBucketLink()).isTrue();
        assertThat(osm.getBucketNames()).containsExactlyInAnyOrder("files", "other");
        osm.delete("other");
        assertThat(osm.getBucketNames()).containsExactly("files");
    }

    private static final class Collector implements ObjectStoreWatcher {
        final List<String> seen = Collections.synchronizedList(new ArrayList<>());
        final AtomicBoolean end = new AtomicBoolean();

        @Override
        public void watch(ObjectInfo info) {
            seen.add(info.getObjectName() + (info.isDeleted() ? ":deleted" : ":" + info.getSize()));
        }

        @Override
        public void endOfData() {
            end.set(true);
        }
    }

    @Test
    void watchersSeeObjectsComeAndGo() throws Exception {
        os.put("one", "1".getBytes(StandardCharsets.UTF_8));
        Collector all = new Collector();
        Collector updates = new Collector();
        NatsObjectStoreWatchSubscription w1 = os.watch(all);
        NatsObjectStoreWatchSubscription w2 = os.watch(updates, ObjectStoreWatchOption.UPDATES_ONLY);
        await().atMost(ConsumerFixture.WAIT).untilAsserted(() -> {
            assertThat(all.end).isTrue();
            assertThat(updates.end).isTrue();
        });
        assertThat(all.seen).containsExactly("one:1");
        assertThat(updates.seen).isEmpty();
        os.put("two", "22".getBytes(StandardCharsets.UTF_8));
        os.delete("one");
        await().atMost(ConsumerFixture.WAIT).untilAsserted(() -> {
            assertThat(all.seen).containsExactly("one:1", "two:2", "one:deleted");
            assertThat(updates.seen).containsExactly("two:2", "one:deleted");
        });
        w1.unsubscribe();
        w2.unsubscribe();
    }
}
