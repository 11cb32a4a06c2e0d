package io.ha4neo.schemas.event;

import io.ha4neo.schemas.value.Value;
import java.util.Map;

/**
 * A relationship deleted by the transaction, with the properties it had before (for audit).
 *
 * @param ref identity, type and endpoints
 * @param properties properties before deletion, sorted by key
 */
public record RelationshipDeleted(RelationshipRef ref, Map<String, Value> properties) {
    public RelationshipDeleted {
        java.util.Objects.requireNonNull(ref, "ref");
        properties = Maps.sortedCopy(properties);
    }
}
