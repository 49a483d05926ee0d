package io.natsj.server.store.file;

/**
 * How a {@link FileStreamStore} lays out and persists its files.
 *
 * @param blockSize          a block file is rolled over once the next record would take it past this many bytes
 *                           (a single larger record gets a block of its own)
 * @param syncAlways         when set, every write returns only after its record is fsynced (group commit); otherwise
 *                           records reach the OS within {@code flushDelayNanos} and are fsynced every
 *                           {@code syncIntervalNanos}
 * @param syncIntervalNanos  how often buffered writes are fsynced when {@code syncAlways} is off
 * @param idleCloseNanos     how long the file handle of a block that is not being written stays open unused
 * @param flushDelayNanos    how long the flusher gathers records before writing them when {@code syncAlways} is off
 */
public record FileStoreOptions(long blockSize, boolean syncAlways, long syncIntervalNanos, long idleCloseNanos,
                               long flushDelayNanos) {

    /** 8 MiB blocks, fsync every 2 minutes, handles closed after 30 s idle, writes gathered for 1 ms. */
    public static final FileStoreOptions DEFAULTS =
            new FileStoreOptions(8L << 20, false, 120_000_000_000L, 30_000_000_000L, 1_000_000L);

    public FileStoreOptions {
        if (blockSize < RecordCodec.OVERHEAD * 2L) {
            throw new IllegalArgumentException("blockSize too small: " + blockSize);
        }
        if (syncIntervalNanos <= 0 || idleCloseNanos <= 0 || flushDelayNanos < 0) {
            throw new IllegalArgumentException("intervals must be positive");
        }
    }

    public FileStoreOptions withBlockSize(long size) {
        return new FileStoreOptions(size, syncAlways, syncIntervalNanos, idleCloseNanos, flushDelayNanos);
    }

    public FileStoreOptions withSyncAlways(boolean always) {
        return new FileStoreOptions(blockSize, always, syncIntervalNanos, idleCloseNanos, flushDelayNanos);
    }

    public FileStoreOptions withSyncInterval(long nanos) {
        return new FileStoreOptions(blockSize, syncAlways, nanos, idleCloseNanos, flushDelayNanos);
    }

    public FileStoreOptions withIdleClose(long nanos) {
        return new FileStoreOptions(blockSize, syncAlways, syncIntervalNanos, nanos, flushDelayNanos);
    }
}
