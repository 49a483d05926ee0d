package io.natsj.server.store.file;

import io.natsj.server.store.MessageIndex;
import io.natsj.server.store.StorageType;
import io.natsj.server.store.StreamStore;
import io.natsj.server.store.io.FileHandle;
import io.natsj.server.store.io.FileIO;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Rebuilds a store's {@link MessageIndex} and {@link BlockSet} from its files when it opens: from the index snapshot
 * plus the records written after it when the snapshot is valid, else by scanning every block.
 *
 * <p>Records are applied in file order: a message adds an entry (a gap before it becomes a skip), a tombstone
 * removes one, a skip marker moves the last sequence. A damaged record is skipped up to the next valid one; the
 * sequences between the last good record and the next one count as lost (minus those a later tombstone removes). A
 * damaged tail of a block is cut off; when nothing valid follows anywhere it was a torn write and counts as nothing.
 *
 * <p>Threading: used once, by the opening thread, before the store is shared.
 */
final class Recovery {

    /** A damaged region: at {@code offset} of {@code block}, {@code length} bytes; {@code tail} if to the end. */
    private record Damage(Block block, long offset, long length, boolean tail) {
    }

    private final FileIO io;
    private final Path dir;
    MessageIndex index = new MessageIndex();
    BlockSet blocks;
    long lostMsgs;
    long lostBytes;
    /** Damage not yet followed by a valid record. */
    private final List<Damage> unresolved = new ArrayList<>();
    private final List<long[]> lostRanges = new ArrayList<>();
    private final Set<Long> lostButRemoved = new HashSet<>();
    private final Map<String, String> subjects = new HashMap<>();

    Recovery(FileIO io, Path dir) {
        this.io = io;
        this.dir = dir;
        this.blocks = new BlockSet(dir);
    }

    /** Reads the files; afterwards {@link #index}, {@link #blocks} and the lost counters hold the result. */
    void run() throws IOException {
        TreeSet<Long> ids = new TreeSet<>();
        for (Path f : io.list(dir)) {
            String name = f.getFileName().toString();
            if (name.endsWith(".tmp")) {
                io.delete(f); // an unfinished compaction or snapshot
            } else if (BlockSet.idOf(f) > 0) {
                ids.add(BlockSet.idOf(f));
            }
        }
        IndexSnapshot.Loaded snap = IndexSnapshot.load(io, dir, blocks, ids, index);
        long startBlock = 0;
        long startOffset = 0;
        if (snap == null) {
            index = new MessageIndex();
            blocks = new BlockSet(dir);
        } else {
            startBlock = snap.lastBlock();
            startOffset = snap.lastBlockEnd();
            lostMsgs = snap.lostMsgs();
            lostBytes = snap.lostBytes();
        }
        for (long id : ids) {
            if (id < startBlock) {
                continue;
            }
            Block b = id == startBlock ? blocks.get(id) : blocks.add(id);
            scan(b, id == startBlock ? startOffset : 0);
        }
        for (Damage d : unresolved) {
            truncate(d); // a torn tail: nothing after it was ever acknowledged as durable
        }
        unresolved.clear();
        lostMsgs += countLost();
    }

    private void scan(Block b, long from) throws IOException {
        byte[] buf = BlockScanner.readFrom(io, b, from);
        int p = 0;
        int end = buf.length;
        while (p < end) {
            int len = RecordCodec.validLength(buf, p, end);
            if (len > 0) {
                apply(RecordCodec.decode(buf, p), b, from + p);
                p += len;
                continue;
            }
            int next = BlockScanner.nextValidAfter(buf, p, end);
            if (next < 0) {
                unresolved.add(new Damage(b, from + p, end - p, true));
                b.end = from + p;
                return;
            }
            unresolved.add(new Damage(b, from + p, next - p, false));
            p = next;
        }
        b.end = from + end;
    }

    private void apply(BlockRecord r, Block b, long offset) throws IOException {
        resolveDamage(r);
        b.lastRecordOffset = offset;
        if (r.isTombstone()) {
            MessageIndex.Entry e = index.remove(r.seq());
            if (e != null) {
                RecordRef ref = (RecordRef) e.ref;
                ref.block().liveBytes -= ref.length();
                ref.block().markDead(r.seq());
            } else if (inLostRange(r.seq())) {
                lostButRemoved.add(r.seq());
            }
            index.restoreLast(r.ttl(), r.timestamp());
        } else if (r.isSkip()) {
            index.restoreLast(r.seq() - 1, r.timestamp());
        } else {
            b.noteMessage(r.seq());
            if (r.isErased()) {
                index.restoreLast(r.seq(), r.timestamp());
            } else if (r.seq() >= index.nextSeq()) {
                index.skipTo(r.seq());
                String subject = subjects.computeIfAbsent(r.subject(), s -> s);
                long size = StreamStore.messageSize(StorageType.FILE, subject, r.headers(), r.data());
                index.add(new MessageIndex.Entry(subject, r.seq(), r.timestamp(), r.ttl(), size,
                        new RecordRef(b, offset, r.length())));
                b.liveBytes += r.length();
            }
        }
    }

    /** A valid record follows damage: what lay in between is lost. */
    private void resolveDamage(BlockRecord r) throws IOException {
        if (unresolved.isEmpty()) {
            return;
        }
        long after = index.lastSeq();
        long upTo = r.isTombstone() ? r.ttl() : r.isSkip() ? r.seq() - 1 : r.seq() - 1;
        if (upTo > after) {
            lostRanges.add(new long[]{after + 1, upTo});
        }
        for (Damage d : unresolved) {
            lostBytes += d.length();
            if (d.tail()) {
                truncate(d); // drop the rest of that block
            }
        }
        unresolved.clear();
    }

    private void truncate(Damage d) throws IOException {
        try (FileHandle h = io.open(d.block().path, false)) {
            h.truncate(d.offset());
            h.force();
        }
        d.block().end = d.offset();
    }

    private boolean inLostRange(long seq) {
        for (long[] r : lostRanges) {
            if (seq >= r[0] && seq <= r[1]) {
                return true;
            }
        }
        return false;
    }

    private long countLost() {
        long n = 0;
        for (long[] r : lostRanges) {
            n += r[1] - r[0] + 1;
        }
        return n - lostButRemoved.size();
    }
}
