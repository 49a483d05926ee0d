package io.natsj.server.store.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@link FileIO} in memory that can fail like a disk: {@link #crash()} keeps only what was forced (fsynced),
 * {@link #crashTearingLastWrite} keeps everything written except the end of the last write, and
 * {@link #failWritesAfter} makes writes fail with an {@link IOException} once a byte budget is spent (the write that
 * crosses it lands partly). Directory changes (create, rename, delete) are durable at once.
 *
 * <p>A crash returns a new instance over the surviving bytes, as a restarted process would see them; the old
 * instance is dead: every call on it or its handles throws, as a killed process can no longer write.
 *
 * <p>Threading: every operation is synchronized on the shared disk.
 */
public final class FaultyFileIO implements FileIO {

    /** One file: what was written and what was forced. */
    private static final class Data {
        byte[] bytes = new byte[0];
        int length;
        byte[] durable = new byte[0];
    }

    private final Map<Path, Data> files;
    private final Set<Path> dirs;
    private volatile boolean dead;
    private long writeBudget = Long.MAX_VALUE;
    private long forces;
    private Path lastWriteFile;
    private long lastWritePos;

    public FaultyFileIO() {
        this(new HashMap<>(), new HashSet<>());
    }

    private FaultyFileIO(Map<Path, Data> files, Set<Path> dirs) {
        this.files = files;
        this.dirs = dirs;
    }

    // ---- faults --------------------------------------------------------------------------------------------------

    /** A power cut: a new file system holding only what was forced; this one is dead. */
    public synchronized FaultyFileIO crash() {
        dead = true;
        Map<Path, Data> survived = new HashMap<>();
        files.forEach((path, d) -> {
            Data s = new Data();
            s.bytes = d.durable.clone();
            s.length = s.bytes.length;
            s.durable = s.bytes.clone();
            survived.put(path, s);
        });
        return new FaultyFileIO(survived, new HashSet<>(dirs));
    }

    /**
     * A crash in the middle of the last write: every byte written survives except those of the last write after its
     * first {@code keep}.
     */
    public synchronized FaultyFileIO crashTearingLastWrite(int keep) {
        dead = true;
        Map<Path, Data> survived = new HashMap<>();
        files.forEach((path, d) -> {
            int len = d.length;
            if (path.equals(lastWriteFile) && lastWritePos + keep < len) {
                len = (int) (lastWritePos + keep);
            }
            Data s = new Data();
            s.bytes = Arrays.copyOf(d.bytes, len);
            s.length = len;
            s.durable = s.bytes.clone();
            survived.put(path, s);
        });
        return new FaultyFileIO(survived, new HashSet<>(dirs));
    }

    /** Writes fail after {@code bytes} more bytes. */
    public synchronized void failWritesAfter(long bytes) {
        writeBudget = bytes;
    }

    /** How many times a file was forced. */
    public synchronized long forces() {
        return forces;
    }

    /** A copy of a file's bytes as written. */
    public synchronized byte[] bytes(Path file) {
        Data d = files.get(file);
        return d == null ? null : Arrays.copyOf(d.bytes, d.length);
    }

    /** Replaces a file's bytes (written and durable). */
    public synchronized void setBytes(Path file, byte[] content) {
        Data d = files.computeIfAbsent(file, p -> new Data());
        d.bytes = content.clone();
        d.length = content.length;
        d.durable = content.clone();
    }

    /** Every file, sorted by path. */
    public synchronized List<Path> allFiles() {
        List<Path> out = new ArrayList<>(files.keySet());
        out.sort(null);
        return out;
    }

    // ---- FileIO --------------------------------------------------------------------------------------------------

    @Override
    public synchronized FileHandle open(Path file, boolean create) throws IOException {
        alive();
        Data d = files.get(file);
        if (d == null) {
            if (!create) {
                throw new java.nio.file.NoSuchFileException(file.toString());
            }
            d = new Data();
            files.put(file, d);
        }
        return new Handle(file, d);
    }

    @Override
    public synchronized boolean exists(Path path) {
        return !dead && (files.containsKey(path) || dirs.contains(path));
    }

    @Override
    public synchronized long size(Path file) throws IOException {
        alive();
        Data d = files.get(file);
        if (d == null) {
            throw new java.nio.file.NoSuchFileException(file.toString());
        }
        return d.length;
    }

    @Override
    public synchronized void createDirectories(Path dir) throws IOException {
        alive();
        for (Path p = dir; p != null; p = p.getParent()) {
            dirs.add(p);
        }
    }

    @Override
    public synchronized List<Path> list(Path dir) throws IOException {
        alive();
        List<Path> out = new ArrayList<>();
        for (Path p : files.keySet()) {
            if (dir.equals(p.getParent())) {
                out.add(p);
            }
        }
        return out;
    }

    @Override
    public synchronized void rename(Path from, Path to) throws IOException {
        alive();
        Data d = files.remove(from);
        if (d == null) {
            throw new java.nio.file.NoSuchFileException(from.toString());
        }
        files.put(to, d);
    }

    @Override
    public synchronized void delete(Path path) throws IOException {
        alive();
        files.remove(path);
        dirs.remove(path);
    }

    @Override
    public void syncDirectory(Path dir) throws IOException {
        alive();
    }

    private void alive() throws IOException {
        if (dead) {
            throw new IOException("the process crashed");
        }
    }

    /** A handle on one file's data. */
    private final class Handle implements FileHandle {
        private final Path path;
        private final Data d;
        private boolean closed;

        Handle(Path path, Data d) {
            this.path = path;
            this.d = d;
        }

        private void usable() throws IOException {
            alive();
            if (closed) {
                throw new IOException("closed");
            }
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            synchronized (FaultyFileIO.this) {
                usable();
                int n = (int) Math.max(0, Math.min(dst.remaining(), d.length - position));
                dst.put(d.bytes, (int) position, n);
                return n;
            }
        }

        @Override
        public void write(ByteBuffer src, long position) throws IOException {
            synchronized (FaultyFileIO.this) {
                usable();
                int n = src.remaining();
                boolean fail = n > writeBudget;
                int writing = fail ? (int) writeBudget : n;
                if (writeBudget != Long.MAX_VALUE) {
                    writeBudget -= writing;
                }
                int end = (int) position + writing;
                if (end > d.bytes.length) {
                    d.bytes = Arrays.copyOf(d.bytes, Math.max(end, d.bytes.length * 2));
                }
                src.get(d.bytes, (int) position, writing);
                d.length = Math.max(d.length, end);
                lastWriteFile = path;
                lastWritePos = position;
                if (fail) {
                    throw new IOException("no space left on device (simulated)");
                }
            }
        }

        @Override
        public long size() throws IOException {
            synchronized (FaultyFileIO.this) {
                usable();
                return d.length;
            }
        }

        @Override
        public void truncate(long length) throws IOException {
            synchronized (FaultyFileIO.this) {
                usable();
                if (length < d.length) {
                    Arrays.fill(d.bytes, (int) length, d.length, (byte) 0);
                    d.length = (int) length;
                }
            }
        }

        @Override
        public void force() throws IOException {
            synchronized (FaultyFileIO.this) {
                usable();
                d.durable = Arrays.copyOf(d.bytes, d.length);
                forces++;
            }
        }

        @Override
        public void close() {
            synchronized (FaultyFileIO.this) {
                closed = true;
            }
        }
    }
}
