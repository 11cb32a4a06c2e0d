package io.ha4neo.capture.status;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Process-wide registry of running captures, by database name, for the procedures and the metrics endpoint
 * (both are created by Neo4j outside the extension's object graph).
 */
public final class CaptureRegistry {
    private static final Map<String, Supplier<CaptureStatus>> STATUS = new ConcurrentHashMap<>();

    private CaptureRegistry() {
    }

    public static void register(String database, Supplier<CaptureStatus> status) {
        STATUS.put(database, status);
    }

    public static void unregister(String database) {
        STATUS.remove(database);
    }

    public static Optional<CaptureStatus> status(String database) {
        return Optional.ofNullable(STATUS.get(database)).map(Supplier::get);
    }

    public static Map<String, Supplier<CaptureStatus>> all() {
        return Map.copyOf(STATUS);
    }
}
