package io.natsj.server.raft.store;

import io.natsj.server.store.io.FileIO;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A Raft group's log on disk: checksummed records ({@link LogRecordCodec}) in segment files ({@link LogSegment}) of
 * about {@code segmentBytes} each, in one directory. The consensus layer appends batches, cuts a conflicting suffix,
 * syncs before it acknowledges, and drops whole segments below a snapshot.
 *
 * <p><b>Recovery</b> ({@link #open}) reads every record and checks its length, checksum and index. A torn end (the
 * last write of a process or machine that died: a partial record, or a zero length) is cut quietly: it was never
 * synced, so never acknowledged. Anything else (a whole record whose bytes changed, an index out of order, a torn
 * record in a segment that is not the last, a gap between segments) is <em>damage</em>: the log is cut before it,
 * every later segment deleted, and {@link #damaged()} is true, so the consensus layer knows this replica may lack
 * entries it acknowledged and must not vote or lead until it has caught up from a leader.
 *
 * <p><b>Durability</b>: {@link #append} writes without syncing; {@link #sync} forces every segment written since the
 * last sync, and the directory when segments were created or deleted. A segment is forced before the next one is
 * started, so only the last segment can ever end torn.
 *
 * <p>Threading: confined to one thread at a time (its group's), reads included.
 */
public final class FileRaftLog implements Closeable {

    /** The file that records damage found and not yet taken over by the consensus layer. */
    static final String DAMAGE_MARK = "damaged";

    private final FileIO io;
    private final Path dir;
    private final long segmentBytes;
    private final List<LogSegment> segments = new ArrayList<>();
    private final TermRuns terms = new TermRuns();
    private long lastIndex;
    private boolean damaged;
    private boolean dirDirty;
    private long recoveredTerm; // recovery only: the term of the last record read

    private FileRaftLog(FileIO io, Path dir, long segmentBytes, long snapshotIndex) {
        this.io = io;
        this.dir = dir;
        this.segmentBytes = segmentBytes;
        this.lastIndex = snapshotIndex;
    }

    /**
     * Opens (creating when missing) the log in {@code dir} and recovers it.
     *
     * @param snapshotIndex the index the group's latest snapshot covers (0 without one): an empty log continues after
     *                      it, and a log whose first segment starts beyond it has lost entries (damage)
     */
    public static FileRaftLog open(FileIO io, Path dir, long segmentBytes, long snapshotIndex) throws IOException {
        if (segmentBytes < LogRecordCodec.OVERHEAD) {
            throw new IllegalArgumentException("segment size " + segmentBytes);
        }
        io.createDirectories(dir);
        FileRaftLog log = new FileRaftLog(io, dir, segmentBytes, snapshotIndex);
        log.recover(snapshotIndex);
        return log;
    }

    /**
     * Whether recovery found damage and cut the log before it (see the class comment), now or at an earlier open:
     * the damage is remembered on disk (a {@value #DAMAGE_MARK} file, synced before anything is cut) until
     * {@link #clearDamaged()}, so a crash cannot make a cut log look whole.
     */
    public boolean damaged() {
        return damaged;
    }

    /** Forgets the damage, once the consensus layer has recorded it durably in its own state. */
    public void clearDamaged() throws IOException {
        if (damaged) {
            io.delete(dir.resolve(DAMAGE_MARK));
            io.syncDirectory(dir);
            damaged = false;
        }
    }

    /** Notes damage durably before the log is cut. */
    private void damage() throws IOException {
        if (!damaged || !io.exists(dir.resolve(DAMAGE_MARK))) {
            io.open(dir.resolve(DAMAGE_MARK), true).close();
            io.syncDirectory(dir);
        }
        damaged = true;
    }

    /** The first index held; {@code lastIndex() + 1} when the log is empty. */
    public long firstIndex() {
        return segments.isEmpty() ? lastIndex + 1 : segments.getFirst().firstIndex();
    }

    /** The last index held (the snapshot's when the log is empty). */
    public long lastIndex() {
        return lastIndex;
    }

    /** The term of {@code index}, or -1 when the log does not hold it. */
    public long term(long index) {
        return index < firstIndex() || index > lastIndex ? -1 : terms.termOf(index);
    }

    /** The record at {@code index}, which the log holds. */
    public LogRecord read(long index) throws IOException {
        List<LogRecord> one = read(index, index, Long.MAX_VALUE);
        return one.getFirst();
    }

    /**
     * The records from {@code from} to {@code to} (inclusive, both held), stopping early once {@code maxBytes} of
     * records were read (at least one is always returned).
     */
    public List<LogRecord> read(long from, long to, long maxBytes) throws IOException {
        if (from < firstIndex() || to > lastIndex || from > to) {
            throw new IllegalArgumentException("read [" + from + ", " + to + "] outside [" + firstIndex() + ", "
                    + lastIndex + "]");
        }
        List<LogRecord> out = new ArrayList<>();
        long bytes = 0;
        long i = from;
        while (i <= to && (out.isEmpty() || bytes < maxBytes)) {
            LogSegment s = segmentOf(i);
            long last = Math.min(to, s.lastIndex());
            long start = s.offsetOf(i);
            long end = s.endOf(last);
            while (end - start > Math.max(maxBytes - bytes, 1) && last > i) { // one read, not past the budget
                last--;
                end = s.endOf(last);
            }
            ByteBuffer buf = ByteBuffer.allocate((int) (end - start));
            readFully(s, buf, start);
            buf.flip();
            for (; i <= last; i++) {
                out.add(LogRecordCodec.decode(buf));
            }
            bytes += end - start;
        }
        return out;
    }

    /**
     * Appends records of consecutive indexes, the first one {@link #lastIndex()} + 1, and terms never below the last
     * one; not synced until {@link #sync}.
     */
    public void append(List<LogRecord> batch) throws IOException {
        int k = 0;
        while (k < batch.size()) {
            LogSegment s = writable();
            int end = k;
            long bytes = 0;
            long next = lastIndex + 1;
            while (end < batch.size() && (end == k || s.size() + bytes < segmentBytes)) {
                LogRecord r = batch.get(end);
                if (r.index() != next + (end - k)) {
                    throw new IllegalArgumentException("append of index " + r.index() + ", expected "
                            + (next + (end - k)));
                }
                bytes += LogRecordCodec.size(r.data().length);
                end++;
            }
            write(s, batch.subList(k, end), bytes);
            k = end;
        }
    }

    /** Removes every record after {@code index} (a follower's conflicting suffix); durable after {@link #sync}. */
    public void truncateAfter(long index) throws IOException {
        if (index >= lastIndex) {
            return;
        }
        if (index < firstIndex() - 1) {
            throw new IllegalArgumentException("truncate after " + index + " below the first index " + firstIndex());
        }
        while (!segments.isEmpty() && segments.getLast().firstIndex() > index) {
            deleteSegment(segments.removeLast());
        }
        if (!segments.isEmpty()) {
            segments.getLast().truncateAfter(index);
        }
        lastIndex = index;
        terms.truncateAfter(index);
    }

    /** Deletes the segments whose records are all at or below {@code index} (covered by a snapshot). */
    public void compactTo(long index) throws IOException {
        while (segments.size() > 1 && segments.get(1).firstIndex() <= index + 1) {
            deleteSegment(segments.removeFirst());
        }
        if (segments.size() == 1 && segments.getFirst().lastIndex() <= index && index == lastIndex) {
            deleteSegment(segments.removeFirst());
        }
        terms.dropBefore(firstIndex());
    }

    /**
     * Drops the whole log and continues after {@code snapshotIndex}: a follower that installed a snapshot beyond its
     * log. Durable after {@link #sync}.
     */
    public void resetTo(long snapshotIndex) throws IOException {
        while (!segments.isEmpty()) {
            deleteSegment(segments.removeLast());
        }
        terms.clear();
        lastIndex = snapshotIndex;
    }

    /** Makes everything appended, cut and deleted so far durable. */
    public void sync() throws IOException {
        for (int i = segments.size() - 1; i >= 0 && segments.get(i).dirty(); i--) {
            segments.get(i).force();
        }
        if (dirDirty) {
            io.syncDirectory(dir);
            dirDirty = false;
        }
    }

    @Override
    public void close() throws IOException {
        for (LogSegment s : segments) {
            s.close();
        }
        segments.clear();
    }

    // ---------------------------------------------------------------- writing

    /** The segment the next record goes to: the last one, or a new one once it is full. */
    private LogSegment writable() throws IOException {
        if (!segments.isEmpty() && segments.getLast().size() < segmentBytes) {
            return segments.getLast();
        }
        if (!segments.isEmpty()) {
            segments.getLast().force(); // only the last segment may end torn
        }
        Path file = dir.resolve(LogSegment.fileName(lastIndex + 1));
        LogSegment s = new LogSegment(file, io.open(file, true), lastIndex + 1);
        s.handle().truncate(0);
        segments.add(s);
        dirDirty = true;
        return s;
    }

    private void write(LogSegment s, List<LogRecord> records, long bytes) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate((int) bytes);
        for (LogRecord r : records) {
            LogRecordCodec.encode(r, buf);
        }
        buf.flip();
        s.handle().write(buf, s.size());
        for (LogRecord r : records) {
            s.added(LogRecordCodec.size(r.data().length));
            terms.add(r.index(), r.term());
            lastIndex = r.index();
        }
    }

    private void deleteSegment(LogSegment s) throws IOException {
        s.close();
        io.delete(s.file());
        dirDirty = true;
    }

    // ---------------------------------------------------------------- reading

    private LogSegment segmentOf(long index) {
        int lo = 0;
        int hi = segments.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (segments.get(mid).firstIndex() <= index) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return segments.get(lo);
    }

    private static void readFully(LogSegment s, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = s.handle().read(buf, pos);
            if (n <= 0) {
                throw new IOException(s.file() + ": ends before " + (pos + buf.remaining()));
            }
            pos += n;
        }
    }

    // ---------------------------------------------------------------- recovery

    private void recover(long snapshotIndex) throws IOException {
        damaged = io.exists(dir.resolve(DAMAGE_MARK));
        List<Path> files = new ArrayList<>();
        for (Path f : io.list(dir)) {
            if (LogSegment.firstIndexOf(f) > 0) {
                files.add(f);
            }
        }
        files.sort(Comparator.comparingLong(LogSegment::firstIndexOf));
        for (int k = 0; k < files.size(); k++) {
            Path f = files.get(k);
            long first = LogSegment.firstIndexOf(f);
            boolean fits = segments.isEmpty() ? first <= snapshotIndex + 1 : first == lastIndex + 1;
            if (!fits) {
                damage();
                deleteFrom(files, k);
                break;
            }
            boolean last = k == files.size() - 1;
            if (!scan(f, first, last)) {
                deleteFrom(files, k + 1);
                break;
            }
        }
        if (!segments.isEmpty() && segments.getLast().count() == 0) {
            deleteSegment(segments.removeLast()); // an empty last segment says nothing
        }
        if (lastIndex < snapshotIndex) { // the log ends before the snapshot: it only continues after it
            resetTo(snapshotIndex);
        } else if (firstIndex() <= snapshotIndex) {
            compactTo(snapshotIndex);
        }
        sync();
    }

    /**
     * Reads one segment into {@link #segments}; false when it ended before its last byte (a torn end, quietly cut
     * when this is the last segment; else damage, cut and flagged).
     */
    private boolean scan(Path f, long first, boolean lastSegment) throws IOException {
        long size = io.size(f);
        LogSegment s = new LogSegment(f, io.open(f, false), first);
        segments.add(s);
        ByteBuffer buf = ByteBuffer.allocate((int) size);
        readFully(s, buf, 0);
        buf.flip();
        lastIndex = first - 1;
        terms.truncateAfter(lastIndex);
        while (true) {
            LogRecordCodec.Scan found = LogRecordCodec.check(buf, lastIndex + 1);
            int at = buf.position();
            if (found == LogRecordCodec.Scan.RECORD) {
                LogRecord r = LogRecordCodec.decode(buf);
                if (r.term() >= recoveredTerm) { // terms never go down along a log
                    s.added(buf.position() - at);
                    terms.add(r.index(), r.term());
                    lastIndex = r.index();
                    recoveredTerm = r.term();
                    continue;
                }
                found = LogRecordCodec.Scan.DAMAGED;
            }
            if (at == size) {
                return true;
            }
            if (found != LogRecordCodec.Scan.TORN || !lastSegment) {
                damage();
            }
            s.handle().truncate(at);
            s.handle().force();
            return false;
        }
    }

    private void deleteFrom(List<Path> files, int from) throws IOException {
        for (int k = from; k < files.size(); k++) {
            io.delete(files.get(k));
            dirDirty = true;
        }
    }
}
