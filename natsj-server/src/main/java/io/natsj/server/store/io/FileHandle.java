package io.natsj.server.store.io;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * An open file, addressed by absolute positions only (no implicit cursor), like a {@link java.nio.channels.FileChannel}
 * used with positional reads and writes.
 *
 * <p>Threading: positional reads may run concurrently with each other and with writes to other regions; writes,
 * {@link #truncate} and {@link #force} must be serialised by the caller.
 */
public interface FileHandle extends Closeable {

    /**
     * Reads bytes at {@code position} until {@code dst} is full or the end of the file.
     *
     * @return the number of bytes read (fewer than requested only at the end of the file)
     */
    int read(ByteBuffer dst, long position) throws IOException;

    /** Writes all of {@code src} at {@code position}, extending the file when needed. */
    void write(ByteBuffer src, long position) throws IOException;

    /** The file's current length in bytes. */
    long size() throws IOException;

    /** Cuts the file to {@code length} bytes (no-op when it is already shorter). */
    void truncate(long length) throws IOException;

    /** Forces written data (not necessarily metadata) onto stable storage: fsync/fdatasync. */
    void force() throws IOException;

    @Override
    void close() throws IOException;
}
