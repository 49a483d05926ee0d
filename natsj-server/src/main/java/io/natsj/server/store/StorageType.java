package io.natsj.server.store;

/** Where a stream keeps its messages; the JSON names are nats-server's. */
public enum StorageType {
    FILE("file"),
    MEMORY("memory");

    private final String json;

    StorageType(String json) {
        this.json = json;
    }

    /** The name used in stream configs ({@code "file"}, {@code "memory"}). */
    public String json() {
        return json;
    }
}
