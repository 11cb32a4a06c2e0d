package io.ha4neo.schemas.event;

import io.ha4neo.schemas.value.Value;
import java.util.List;
import java.util.Map;

/**
 * A node deleted by the transaction, with the labels and properties it had before the transaction, for
 * audit consumers. Appliers only need the key.
 *
 * @param key replication identity
 * @param labels labels before deletion, sorted
 * @param properties properties before deletion, sorted by key
 */
public record NodeDeleted(String key, List<String> labels, Map<String, Value> properties) {
    public NodeDeleted {
        EntityKey.require(key, "deleted node");
        labels = List.copyOf(labels);
        properties = Maps.sortedCopy(properties);
    }
}
