package io.ha4neo.schemas.codec;

import io.ha4neo.schemas.event.LabelChange;
import io.ha4neo.schemas.event.NodeCreated;
import io.ha4neo.schemas.event.NodeDeleted;
import io.ha4neo.schemas.event.NodePropertyChange;
import io.ha4neo.schemas.event.RelationshipCreated;
import io.ha4neo.schemas.event.RelationshipDeleted;
import io.ha4neo.schemas.event.RelationshipPropertyChange;
import io.ha4neo.schemas.event.SchemaChange;
import io.ha4neo.schemas.event.TransactionEvent;
import java.util.List;
import java.util.function.Function;

/**
 * The change lists of a {@link TransactionEvent}, in the order in which an applier applies them. The
 * chunker fills chunks in this order, so each chunk on its own is also in apply order.
 */
enum Section {
    CREATED_NODES("createdNodes", TransactionEvent::createdNodes,
            c -> "created node " + ((NodeCreated) c).key()),
    LABEL_CHANGES("labelChanges", TransactionEvent::labelChanges,
            c -> "label change on node " + ((LabelChange) c).nodeKey()),
    NODE_PROPERTY_CHANGES("nodePropertyChanges", TransactionEvent::nodePropertyChanges,
            c -> "property " + ((NodePropertyChange) c).change().key() + " of node "
                    + ((NodePropertyChange) c).nodeKey()),
    CREATED_RELATIONSHIPS("createdRelationships", TransactionEvent::createdRelationships,
            c -> "created relationship " + ((RelationshipCreated) c).ref().key()),
    RELATIONSHIP_PROPERTY_CHANGES("relationshipPropertyChanges", TransactionEvent::relationshipPropertyChanges,
            c -> "property " + ((RelationshipPropertyChange) c).change().key() + " of relationship "
                    + ((RelationshipPropertyChange) c).ref().key()),
    DELETED_RELATIONSHIPS("deletedRelationships", TransactionEvent::deletedRelationships,
            c -> "deleted relationship " + ((RelationshipDeleted) c).ref().key()),
    DELETED_NODES("deletedNodes", TransactionEvent::deletedNodes,
            c -> "deleted node " + ((NodeDeleted) c).key()),
    SCHEMA_CHANGES("schemaChanges", TransactionEvent::schemaChanges,
            c -> "schema change " + ((SchemaChange) c).name()),
    BOOTSTRAP_NODES("bootstrapNodes", TransactionEvent::bootstrapNodes,
            c -> "image of node " + ((NodeCreated) c).key()),
    BOOTSTRAP_RELATIONSHIPS("bootstrapRelationships", TransactionEvent::bootstrapRelationships,
            c -> "image of relationship " + ((RelationshipCreated) c).ref().key());

    /** The Avro field name in the TransactionEvent record. */
    final String field;
    private final Function<TransactionEvent, List<?>> list;
    private final Function<Object, String> describe;

    Section(String field, Function<TransactionEvent, List<?>> list, Function<Object, String> describe) {
        this.field = field;
        this.list = list;
        this.describe = describe;
    }

    List<?> of(TransactionEvent event) {
        return list.apply(event);
    }

    /** Names one change and its entity key, for error messages. */
    String describe(Object change) {
        return describe.apply(change);
    }
}
