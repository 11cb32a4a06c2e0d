package io.ha4neo.schemas.event;

import io.ha4neo.schemas.value.Value;
import java.util.List;
import java.util.Map;

/**
 * A node created by the transaction, with its complete state at commit: all labels and properties.
 * Label and property changes of created nodes are folded in here and never appear in
 * {@link TransactionEvent#labelChanges()} or {@link TransactionEvent#nodePropertyChanges()}.
 *
 * @param key replication identity ({@link EntityKey})
 * @param labels labels at commit, in a stable (sorted) order
 * @param properties properties at commit; insertion order is sorted by key
 */
public record NodeCreated(String key, List<String> labels, Map<String, Value> properties) {
    public NodeCreated {
        EntityKey.require(key, "created node");
        labels = List.copyOf(labels);
        properties = Maps.sortedCopy(properties);
    }
}
