package io.natsj.server.raft.store;

import io.natsj.server.raft.Entry;
import io.natsj.server.raft.HardState;
import io.natsj.server.raft.Membership;
import io.natsj.server.raft.host.GroupStorage;
import io.natsj.server.raft.Ready;
import io.natsj.server.raft.Snapshot;
import io.natsj.server.store.io.FileIO;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Raft group's {@link RaftStorage} on disk, in one directory: the log ({@link FileRaftLog}), the hard state
 * ({@link HardStateFile}) and the latest snapshot ({@link SnapshotFile}); formats in {@code docs/storage-format.md}.
 * The runtime calls {@link #write(Ready)} for each ready, then {@link #sync()} before it sends what must wait for
 * persistence.
 *
 * <p>Damage found at open (a cut log, a lost hard state, an unreadable snapshot) is reported through
 * {@link #initialState()} until the core has synced a hard state recording its recovery; then the log's damage mark
 * is cleared.
 *
 * <p>Threading: confined to its group's thread (the core reads it there, between the runtime's writes).
 */
public final class FileRaftStorage implements GroupStorage, Closeable {

    private final FileIO io;
    private final Path dir;
    private final FileRaftLog log;
    private final HardStateFile stateFile;
    private Snapshot snapshot;
    private HardState hardState;
    private HardState unsaved;
    private final boolean hardStateLost;
    private boolean snapshotDamaged;

    private FileRaftStorage(FileIO io, Path dir, FileRaftLog log, HardStateFile stateFile, Snapshot snapshot,
                            HardState hardState, boolean hardStateLost, boolean snapshotDamaged) {
        this.io = io;
        this.dir = dir;
        this.log = log;
        this.stateFile = stateFile;
        this.snapshot = snapshot;
        this.hardState = hardState;
        this.hardStateLost = hardStateLost;
        this.snapshotDamaged = snapshotDamaged;
    }

    /**
     * Opens (creating when missing) the group's storage in {@code dir}.
     *
     * @param voters the voters of a new group (used, and saved as its first snapshot, when the directory holds no
     *               snapshot); null to open an existing group only
     */
    public static FileRaftStorage open(FileIO io, Path dir, Membership voters, long segmentBytes) throws IOException {
        io.createDirectories(dir);
        SnapshotFile.Loaded loaded = SnapshotFile.load(io, dir);
        Snapshot snapshot = loaded.snapshot();
        if (snapshot == null) {
            if (voters == null) {
                throw new IOException(dir + ": no snapshot to take the group's voters from"
                        + (loaded.damaged() ? " (damaged)" : ""));
            }
            snapshot = Snapshot.initial(voters);
            if (!loaded.damaged()) {
                SnapshotFile.save(io, dir, snapshot); // a restart finds the first voters here
            }
        }
        FileRaftLog log = FileRaftLog.open(io, dir, segmentBytes, snapshot.index());
        long t = log.term(snapshot.index());
        if (t != -1 && t != snapshot.term()) { // a crash while a snapshot was installed: the old log conflicts with it
            log.resetTo(snapshot.index());
            log.sync();
        }
        HardStateFile stateFile = HardStateFile.open(io, dir);
        HardStateFile.State s = stateFile.load();
        HardState hs = s.lost() ? HardState.EMPTY
                : new HardState(s.term(), s.vote(), s.commit(), HardState.Recovery.values()[s.recovery()]);
        return new FileRaftStorage(io, dir, log, stateFile, snapshot, hs, s.lost(), loaded.damaged());
    }

    /** Whether {@code dir} holds a group (its snapshot file, written when the group was created). */
    public static boolean exists(FileIO io, Path dir) {
        return io.exists(dir.resolve(SnapshotFile.NAME));
    }

    /** Applies a ready's writes in the contract's order: snapshot, compaction, entries, hard state (saved on sync). */
    @Override
    public void write(Ready ready) throws IOException {
        if (ready.snapshot() != null) {
            SnapshotFile.save(io, dir, ready.snapshot());
            snapshot = ready.snapshot();
            log.resetTo(snapshot.index());
        }
        if (ready.compaction() != null && ready.compaction().index() > snapshot.index()) {
            SnapshotFile.save(io, dir, ready.compaction());
            snapshot = ready.compaction();
            log.compactTo(snapshot.index());
        }
        if (!ready.entries().isEmpty()) {
            append(ready.entries());
        }
        if (ready.hardState() != null) {
            hardState = ready.hardState();
            unsaved = hardState;
        }
    }

    /** Makes every write so far durable: the log first, then the hard state. */
    @Override
    public void sync() throws IOException {
        log.sync();
        HardState hs = unsaved;
        if (hs != null) {
            stateFile.save(hs.term(), hs.vote(), hs.commit(), hs.recovery().ordinal());
            unsaved = null;
            if (hs.recovery() != HardState.Recovery.NONE) {
                log.clearDamaged();
                snapshotDamaged = false;
            }
        }
    }

    /** The hard state last written (saved or not). */
    public HardState hardState() {
        return hardState;
    }

    @Override
    public InitialState initialState() {
        return new InitialState(hardState, log.damaged() || snapshotDamaged, hardStateLost);
    }

    @Override
    public Snapshot snapshot() {
        return snapshot;
    }

    @Override
    public long lastIndex() {
        return log.lastIndex();
    }

    @Override
    public long term(long index) {
        if (index == snapshot.index()) {
            return snapshot.term();
        }
        return index <= snapshot.index() ? -1 : log.term(index);
    }

    @Override
    public List<Entry> entries(long from, long to, long maxBytes) {
        if (from >= to) {
            return List.of();
        }
        try {
            List<LogRecord> records = log.read(from, to - 1, maxBytes);
            List<Entry> out = new ArrayList<>(records.size());
            for (LogRecord r : records) {
                out.add(new Entry(r.index(), r.term(), Entry.Type.values()[r.kind()], r.data()));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            log.close();
        } finally {
            stateFile.close();
        }
    }

    private void append(List<Entry> entries) throws IOException {
        log.truncateAfter(entries.getFirst().index() - 1);
        List<LogRecord> records = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            records.add(new LogRecord(e.index(), e.term(), (byte) e.type().ordinal(), e.data()));
        }
        log.append(records);
    }
}
