package io.natsj.server.store.file;

/**
 * Where a live message's record lies: the {@link io.natsj.server.store.MessageIndex.Entry#ref} of the file store.
 * Replaced (not mutated) when compaction moves the record.
 *
 * @param block  the block file holding it
 * @param offset its first byte in that file
 * @param length its length in bytes
 */
record RecordRef(Block block, long offset, int length) {
}
