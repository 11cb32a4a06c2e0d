package io.ha4neo.schemas.event;

import io.ha4neo.schemas.value.Value;
import java.util.Map;

/**
 * A relationship created by the transaction, with all its properties at commit. Property changes of
 * created relationships are folded in here.
 *
 * @param ref identity, type and endpoints
 * @param properties properties at commit, sorted by key
 */
public record RelationshipCreated(RelationshipRef ref, Map<String, Value> properties) {
    public RelationshipCreated {
        java.util.Objects.requireNonNull(ref, "ref");
        properties = Maps.sortedCopy(properties);
    }
}
