package io.ha4neo.capture.status;

import io.ha4neo.capture.ReplicationMember;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Process-wide registry of replicated databases on this Neo4j process, by name, for the procedures and the
 * metrics endpoint (Neo4j creates both outside the extension's object graph).
 */
public final class CaptureRegistry {
    private static final Map<String, ReplicationMember> MEMBERS = new ConcurrentHashMap<>();

    private CaptureRegistry() {
    }

    public static void register(ReplicationMember member) {
        MEMBERS.put(member.database(), member);
    }

    public static void unregister(String database) {
        MEMBERS.remove(database);
    }

    public static Optional<ReplicationMember> member(String database) {
        return Optional.ofNullable(MEMBERS.get(database));
    }

    public static Map<String, ReplicationMember> all() {
        return Map.copyOf(MEMBERS);
    }
}
