package io.ha4neo.schemas.event;

/**
 * Replication identity of nodes and relationships. See docs/identity.md.
 *
 * <p>A key is a string that names one entity for its whole life, on every member of the topology:
 * <ul>
 *   <li>an entity first created on a primary is keyed by that primary's {@code elementId} at creation
 *       (for example {@code 4:0f5a...:17}); the database id inside it namespaces keys per store, so keys
 *       minted by two different primaries never collide;</li>
 *   <li>a standby stores the key in the reserved property {@link io.ha4neo.schemas.topology.ReservedNames#ID_PROPERTY};
 *       when that standby is later promoted, its capture reads the key back from that property, so the
 *       entity keeps its original key across role swaps.</li>
 * </ul>
 * Neo4j reuses internal ids after deletes. That is safe here: the log carries the delete before the
 * re-creation, and appliers apply in log order, so a key names at most one live entity at any commit id.
 */
public final class EntityKey {
    private EntityKey() {
    }

    /** Throws IllegalArgumentException naming {@code role} when {@code key} is null or blank. */
    public static String require(String key, String role) {
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException(role + " key must be a non-blank string");
        }
        return key;
    }
}
