package io.ha4neo.applier;

import io.ha4neo.schemas.event.LabelChange;
import io.ha4neo.schemas.event.NodeCreated;
import io.ha4neo.schemas.event.NodeDeleted;
import io.ha4neo.schemas.event.NodePropertyChange;
import io.ha4neo.schemas.event.PropertyChange;
import io.ha4neo.schemas.event.RelationshipCreated;
import io.ha4neo.schemas.event.RelationshipDeleted;
import io.ha4neo.schemas.event.RelationshipPropertyChange;
import io.ha4neo.schemas.event.RelationshipRef;
import io.ha4neo.schemas.event.SchemaChange;
import io.ha4neo.schemas.event.TransactionEvent;
import io.ha4neo.schemas.value.Value;
import java.util.List;
import java.util.Map;

/** Fixture factory for transaction events and log items. */
public final class Events {
    public static final String TOPIC = "ha4neo.test.neo4j";

    private Events() {
    }

    public static TransactionEvent.Builder tx(long commitId, long previousCommitId) {
        return TransactionEvent.builder(commitId, previousCommitId).commitTime(1_000_000L + commitId).origin("c1", 1);
    }

    public static NodeCreated node(String key, List<String> labels, Map<String, Value> props) {
        return new NodeCreated(key, labels, props);
    }

    public static NodeDeleted nodeDeleted(String key) {
        return new NodeDeleted(key, List.of(), Map.of());
    }

    public static LabelChange label(String key, String label, boolean added) {
        return new LabelChange(key, label, added);
    }

    public static NodePropertyChange nodeProp(String key, String prop, Object rawOrNull) {
        return new NodePropertyChange(key, new PropertyChange(prop, rawOrNull == null ? null : Value.of(rawOrNull), null));
    }

    public static RelationshipRef rel(String key, String type, String start, String end) {
        return new RelationshipRef(key, type, start, end);
    }

    public static RelationshipCreated relCreated(RelationshipRef ref, Map<String, Value> props) {
        return new RelationshipCreated(ref, props);
    }

    public static RelationshipDeleted relDeleted(RelationshipRef ref) {
        return new RelationshipDeleted(ref, Map.of());
    }

    public static RelationshipPropertyChange relProp(RelationshipRef ref, String prop, Object rawOrNull) {
        return new RelationshipPropertyChange(ref, new PropertyChange(prop, rawOrNull == null ? null : Value.of(rawOrNull), null));
    }

    public static SchemaChange createIndex(String name) {
        return new SchemaChange(SchemaChange.Operation.CREATE, SchemaChange.Kind.INDEX, name,
                "CREATE INDEX " + name + " FOR (n:Person) ON (n.name)");
    }

    /** A data event that creates one node. */
    public static TransactionEvent createsNode(long commitId, long prev, String key) {
        TransactionEvent.Builder b = tx(commitId, prev);
        b.createdNodes.add(node(key, List.of("Person"), Map.of("name", Value.of(key))));
        return b.build();
    }

    public static LogItem.Transaction at(long offset, TransactionEvent e) {
        return new LogItem.Transaction(e, new LogPosition(TOPIC, 0, offset));
    }
}
