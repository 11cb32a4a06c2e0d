package io.ha4neo.schemas.topology;

/**
 * The role of one Neo4j member in a replication topology.
 * <ul>
 *   <li>{@link #PRIMARY}: accepts client writes; its capture plugin publishes every commit.</li>
 *   <li>{@link #STANDBY}: read-only for clients; only the sink applier writes to it.</li>
 *   <li>{@link #FENCED}: a former primary that found a newer epoch in the log while it holds commits the log does not
 *       have (a divergent tail): read-only for clients and for the applier, until an operator re-seeds it or runs
 *       {@code rejoin --discard-tail}.</li>
 * </ul>
 */
public enum Role {
    PRIMARY, STANDBY, FENCED;

    /** Parses a role name case-insensitively, naming the allowed values when it is unknown. */
    public static Role parse(String text) {
        for (Role r : values()) {
            if (r.name().equalsIgnoreCase(text == null ? "" : text.trim())) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown role '" + text + "'; expected primary, standby or fenced");
    }
}
