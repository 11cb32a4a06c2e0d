package io.ha4neo.capture;

import io.ha4neo.capture.status.CaptureStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Process-wide registry of the {@link ReplicationMember}s of this Neo4j process, by database name. Static
 * because Neo4j instantiates the procedures ({@code io.ha4neo.capture.procedures}) outside the extension's
 * object graph; the metrics endpoint gets {@link #statuses} as a supplier instead.
 */
public final class CaptureRegistry {
    private static final Map<String, ReplicationMember> MEMBERS = new ConcurrentHashMap<>();

    private CaptureRegistry() {
    }

    /** Called by {@link CaptureLifecycle} once the member started. */
    static void register(ReplicationMember member) {
        MEMBERS.put(member.database(), member);
    }

    static void unregister(String database) {
        MEMBERS.remove(database);
    }

    /** The member replicating {@code database} on this process, if any (for the procedures). */
    public static Optional<ReplicationMember> member(String database) {
        return Optional.ofNullable(MEMBERS.get(database));
    }

    /** The status of every registered member, by database, computed now (for a metrics scrape). */
    public static Map<String, CaptureStatus> statuses() {
        Map<String, CaptureStatus> out = new LinkedHashMap<>();
        MEMBERS.forEach((db, m) -> out.put(db, m.status(null)));
        return out;
    }
}
