package io.natsj.server.jetstream;

import io.natsj.server.ServerOptions.JetStreamOptions;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The server's JetStream resource limits: the configured {@code max_memory_store} and {@code max_file_store}, or,
 * when not set, what nats-server derives from the machine: 75% of physical memory and 75% of the free space at the
 * store directory.
 *
 * @param maxMemory bytes memory streams may hold
 * @param maxStore  bytes file streams may hold
 */
public record JetStreamLimits(long maxMemory, long maxStore) {

    private static final long FALLBACK_MEMORY = 256L * 1024 * 1024;
    private static final long FALLBACK_STORE = 1L << 40;

    /** The limits for {@code options}, measuring the machine for those not configured. */
    public static JetStreamLimits of(JetStreamOptions options, Path storeDir) {
        long memory = options.maxMemory() > 0 ? options.maxMemory() : physicalMemory() / 4 * 3;
        long store = options.maxStore() > 0 ? options.maxStore() : freeDisk(storeDir) / 4 * 3;
        return new JetStreamLimits(memory, store);
    }

    private static long physicalMemory() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            long total = os.getTotalMemorySize();
            if (total > 0) {
                return total;
            }
        }
        return FALLBACK_MEMORY / 3 * 4;
    }

    private static long freeDisk(Path dir) {
        try {
            Path existing = dir.toAbsolutePath();
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            if (existing != null) {
                return Files.getFileStore(existing).getUsableSpace();
            }
        } catch (IOException e) {
            // fall through to the default
        }
        return FALLBACK_STORE / 3 * 4;
    }

    /** Bytes as nats-server logs them: {@code 17.53 GB}, {@code 512.00 MB}, {@code 100 B}. */
    public static String friendlyBytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"K", "M", "G", "T", "P", "E"};
        double v = bytes;
        int i = -1;
        while (v >= 1024 && i < units.length - 1) {
            v /= 1024;
            i++;
        }
        return String.format(java.util.Locale.ROOT, "%.2f %sB", v, units[i]);
    }
}
