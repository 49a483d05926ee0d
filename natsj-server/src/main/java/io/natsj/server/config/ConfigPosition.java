package io.natsj.server.config;

/**
 * Where a key or value sits in a config file: the file as it was named, the line and the column, both counted from
 * 1. Printed as {@code file:line:column}, the form nats-server uses in its config errors.
 *
 * @param file   the file name as given (relative or absolute), or {@code <string>} for text parsed from memory
 * @param line   line number, from 1
 * @param column column number, from 1, in characters
 */
public record ConfigPosition(String file, int line, int column) {

    @Override
    public String toString() {
        return file + ":" + line + ":" + column;
    }
}
