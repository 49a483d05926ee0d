package io.natsj.server.store.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The file operations the file store needs, on paths: the seam that lets tests replace the disk with a file system
 * that can crash, tear writes or fail ({@code FaultyFileIO} in the test sources). {@link DiskFileIO} is the real one.
 *
 * <p>Threading: implementations are safe to call from any thread; handles follow {@link FileHandle}'s rules.
 */
public interface FileIO {

    /** Opens a file for reading and writing, creating it (empty) when {@code create} is set and it is missing. */
    FileHandle open(Path file, boolean create) throws IOException;

    /** Whether the file or directory exists. */
    boolean exists(Path path);

    /** The length of a file in bytes. */
    long size(Path file) throws IOException;

    /** Creates a directory and its missing parents. */
    void createDirectories(Path dir) throws IOException;

    /** The regular files directly inside {@code dir} (none when it does not exist), in no particular order. */
    List<Path> list(Path dir) throws IOException;

    /** Renames {@code from} to {@code to} atomically, replacing {@code to}. */
    void rename(Path from, Path to) throws IOException;

    /** Deletes a file or an empty directory; no-op when missing. */
    void delete(Path path) throws IOException;

    /** Makes the directory's entries (created, renamed, deleted files) durable; best effort. */
    void syncDirectory(Path dir) throws IOException;
}
