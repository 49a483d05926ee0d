package io.natsj.server.raft.store;

import io.natsj.server.store.io.FileHandle;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * One segment file of a Raft log: records of consecutive indexes from {@link #firstIndex()}, named after it (20
 * decimal digits, {@code .seg}), and where each record starts in the file.
 *
 * <p>Threading: confined to its log's thread.
 */
final class LogSegment {

    static final String SUFFIX = ".seg";

    private final Path file;
    private final FileHandle handle;
    private final long firstIndex;
    private int[] offsets = new int[64];
    private int count;
    private long size;
    private boolean dirty;

    LogSegment(Path file, FileHandle handle, long firstIndex) {
        this.file = file;
        this.handle = handle;
        this.firstIndex = firstIndex;
    }

    static String fileName(long firstIndex) {
        return String.format(Locale.ROOT, "%020d%s", firstIndex, SUFFIX);
    }

    /** The first index a file name stands for, or -1 when it is not a segment's name. */
    static long firstIndexOf(Path file) {
        String name = file.getFileName().toString();
        if (!name.endsWith(SUFFIX) || name.length() != 20 + SUFFIX.length()) {
            return -1;
        }
        try {
            return Long.parseLong(name, 0, 20, 10);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    Path file() {
        return file;
    }

    FileHandle handle() {
        return handle;
    }

    long firstIndex() {
        return firstIndex;
    }

    /** The last index held, {@code firstIndex - 1} when empty. */
    long lastIndex() {
        return firstIndex + count - 1;
    }

    int count() {
        return count;
    }

    long size() {
        return size;
    }

    boolean dirty() {
        return dirty;
    }

    /** Notes a record of {@code length} bytes written at the end (index {@code lastIndex() + 1}). */
    void added(int length) {
        if (count == offsets.length) {
            offsets = Arrays.copyOf(offsets, count * 2);
        }
        offsets[count++] = (int) size;
        size += length;
        dirty = true;
    }

    /** Where the record of {@code index} starts. */
    long offsetOf(long index) {
        return offsets[(int) (index - firstIndex)];
    }

    /** Where the record after {@code index} starts (the end of the file after the last). */
    long endOf(long index) {
        int i = (int) (index - firstIndex) + 1;
        return i < count ? offsets[i] : size;
    }

    /** Cuts the file after {@code index} (before the first record when {@code index < firstIndex}). */
    void truncateAfter(long index) throws IOException {
        int keep = (int) Math.max(0, index - firstIndex + 1);
        if (keep >= count) {
            return;
        }
        size = offsets[keep];
        count = keep;
        handle.truncate(size);
        dirty = true;
    }

    void force() throws IOException {
        if (dirty) {
            handle.force();
            dirty = false;
        }
    }

    void close() throws IOException {
        handle.close();
    }
}
