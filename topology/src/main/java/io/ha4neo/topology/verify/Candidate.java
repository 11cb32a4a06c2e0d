package io.ha4neo.topology.verify;

import java.util.Set;

/**
 * An entity a pass found different (or in flight), to be read again on both members until it matches or has
 * differed in every round.
 *
 * @param kind what it is
 * @param key its replication key (or a schema object's name)
 * @param startKeys for a relationship, the keys of the start nodes either member gave it: a relationship is found from
 *                  its start node (docs/identity.md), and one member may lack it
 */
public record Candidate(EntityKind kind, String key, Set<String> startKeys) {
    public Candidate {
        startKeys = Set.copyOf(startKeys);
    }
}
