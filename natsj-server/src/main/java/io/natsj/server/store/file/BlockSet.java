package io.natsj.server.store.file;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeMap;

/**
 * The block files of a stream in id order; the last one is the current block, the only one appended to. Blocks are
 * named {@code <id>.blk} with a decimal id that only grows.
 *
 * <p>Threading: guarded by the store's lock (write lock to change, read lock to look).
 */
final class BlockSet {

    static final String SUFFIX = ".blk";

    private final Path dir;
    private final TreeMap<Long, Block> blocks = new TreeMap<>();

    BlockSet(Path dir) {
        this.dir = dir;
    }

    /** The path of block {@code id}. */
    Path pathOf(long id) {
        return dir.resolve(id + SUFFIX);
    }

    /** The id in a block file name, or -1 when it is not one. */
    static long idOf(Path file) {
        String name = file.getFileName().toString();
        if (!name.endsWith(SUFFIX)) {
            return -1;
        }
        try {
            long id = Long.parseLong(name.substring(0, name.length() - SUFFIX.length()));
            return id > 0 ? id : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Adds a block object for an existing or new file. */
    Block add(long id) {
        Block b = new Block(id, pathOf(id));
        blocks.put(id, b);
        return b;
    }

    /** Starts a new current block after the last one. */
    Block roll() {
        return add(blocks.isEmpty() ? 1 : blocks.lastKey() + 1);
    }

    Block current() {
        return blocks.isEmpty() ? null : blocks.lastEntry().getValue();
    }

    Block get(long id) {
        return blocks.get(id);
    }

    boolean contains(Block b) {
        return blocks.get(b.id) == b;
    }

    void remove(Block b) {
        blocks.remove(b.id, b);
    }

    boolean isEmpty() {
        return blocks.isEmpty();
    }

    /** The blocks in id order. */
    Collection<Block> all() {
        return blocks.values();
    }

    /** A copy of the blocks in id order. */
    List<Block> list() {
        return new ArrayList<>(blocks.values());
    }

    /** How many handles are open. */
    int openHandles() {
        int n = 0;
        for (Block b : blocks.values()) {
            if (b.isOpen()) {
                n++;
            }
        }
        return n;
    }

    void closeAll() {
        blocks.values().forEach(Block::closeHandle);
    }
}
