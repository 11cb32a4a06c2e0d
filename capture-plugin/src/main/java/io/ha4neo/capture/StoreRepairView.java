package io.ha4neo.capture;

import io.ha4neo.capture.mapping.EmbeddedToEventValueMapper;
import io.ha4neo.capture.repair.StoreView;
import io.ha4neo.schemas.event.NodeCreated;
import io.ha4neo.schemas.event.RelationshipCreated;
import io.ha4neo.schemas.event.RelationshipRef;
import io.ha4neo.schemas.topology.ReservedNames;
import io.ha4neo.schemas.value.Value;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.neo4j.io.pagecache.context.CursorContext;
import org.neo4j.kernel.internal.GraphDatabaseAPI;
import org.neo4j.memory.EmptyMemoryTracker;
import org.neo4j.storageengine.api.PropertySelection;
import org.neo4j.storageengine.api.StorageEngine;
import org.neo4j.storageengine.api.StorageEntityCursor;
import org.neo4j.storageengine.api.StorageNodeCursor;
import org.neo4j.storageengine.api.StoragePropertyCursor;
import org.neo4j.storageengine.api.StorageReader;
import org.neo4j.storageengine.api.StorageRelationshipScanCursor;
import org.neo4j.storageengine.api.cursor.StoreCursors;
import org.neo4j.token.TokenHolders;
import org.neo4j.token.api.TokenConstants;
import org.neo4j.values.ElementIdMapper;

/**
 * The store as a repair sees it ({@link StoreView}), read through Neo4j's storage engine, on the plugin's kernel seam.
 * Like {@link StoreContentReader} it reads no transaction: a repair runs inside the database's own start-up, where the
 * database accepts no transaction yet, and the store then holds exactly the state after the last committed
 * transaction. Keys and images follow the one rule of {@link io.ha4neo.capture.mapping.EntityImages}: the reserved
 * {@code _ha4neo_id} if the entity has one, else its elementId; reserved labels and properties are left out, values
 * are mapped as capture maps them.
 */
final class StoreRepairView implements StoreView, AutoCloseable {
    private final TokenHolders tokens;
    private final ElementIdMapper elementIds;
    private final StorageReader reader;
    private final StoreCursors storeCursors;
    private final StorageNodeCursor nodes;
    private final StorageRelationshipScanCursor relationships;
    private final StoragePropertyCursor properties;
    private final int keyProperty;
    private final int[] bookkeepingLabels;

    StoreRepairView(GraphDatabaseAPI database) {
        var dependencies = database.getDependencyResolver();
        StorageEngine engine = dependencies.resolveDependency(StorageEngine.class);
        this.tokens = dependencies.resolveDependency(TokenHolders.class);
        this.elementIds = dependencies.resolveDependency(ElementIdMapper.class);
        this.reader = engine.newReader();
        this.storeCursors = engine.createStorageCursors(CursorContext.NULL_CONTEXT);
        this.nodes = reader.allocateNodeCursor(CursorContext.NULL_CONTEXT, storeCursors, EmptyMemoryTracker.INSTANCE);
        this.relationships = reader.allocateRelationshipScanCursor(CursorContext.NULL_CONTEXT, storeCursors,
                EmptyMemoryTracker.INSTANCE);
        this.properties = reader.allocatePropertyCursor(CursorContext.NULL_CONTEXT, storeCursors,
                EmptyMemoryTracker.INSTANCE);
        this.keyProperty = tokens.propertyKeyTokens().getIdByName(ReservedNames.ID_PROPERTY);
        this.bookkeepingLabels = ReservedNames.BOOKKEEPING_LABELS.stream()
                .mapToInt(l -> tokens.labelTokens().getIdByName(l)).filter(id -> id != TokenConstants.NO_TOKEN)
                .toArray();
    }

    @Override
    public Optional<NodeCreated> node(long id) {
        nodes.single(id);
        if (!nodes.next()) {
            return Optional.empty();
        }
        int[] labelIds = nodes.labels();
        for (int bookkeeping : bookkeepingLabels) {
            for (int label : labelIds) {
                if (label == bookkeeping) {
                    return Optional.empty();
                }
            }
        }
        List<String> labels = new ArrayList<>();
        for (int label : labelIds) {
            String name = tokens.labelGetName(label);
            if (!ReservedNames.isReserved(name)) {
                labels.add(name);
            }
        }
        labels.sort(null);
        Props props = properties(nodes);
        return Optional.of(new NodeCreated(props.key != null ? props.key : elementIds.nodeElementId(id), labels,
                props.user));
    }

    @Override
    public Optional<RelationshipCreated> relationship(long id) {
        relationships.single(id);
        if (!relationships.next()) {
            return Optional.empty();
        }
        String type = tokens.relationshipTypeGetName(relationships.type());
        long start = relationships.sourceNodeReference();
        long end = relationships.targetNodeReference();
        Props props = properties(relationships);
        String key = props.key != null ? props.key : elementIds.relationshipElementId(id);
        String startKey = nodeKey(start).orElseGet(() -> elementIds.nodeElementId(start));
        String endKey = nodeKey(end).orElseGet(() -> elementIds.nodeElementId(end));
        return Optional.of(new RelationshipCreated(new RelationshipRef(key, type, startKey, endKey), props.user));
    }

    @Override
    public Optional<String> nodeKey(long id) {
        nodes.single(id);
        if (!nodes.next()) {
            return Optional.empty();
        }
        if (keyProperty != TokenConstants.NO_TOKEN) {
            nodes.properties(properties, PropertySelection.selection(keyProperty));
            while (properties.next()) {
                if (properties.propertyValue().asObjectCopy() instanceof String s && !s.isEmpty()) {
                    return Optional.of(s);
                }
            }
        }
        return Optional.of(elementIds.nodeElementId(id));
    }

    @Override
    public String nodeElementId(long id) {
        return elementIds.nodeElementId(id);
    }

    @Override
    public String relationshipElementId(long id) {
        return elementIds.relationshipElementId(id);
    }

    @Override
    public String relationshipTypeName(int typeId) {
        return tokens.relationshipTypeGetName(typeId);
    }

    /** The entity's key property (null if none) and its user properties, mapped; the cursor is on the entity. */
    private Props properties(StorageEntityCursor entity) {
        entity.properties(properties, PropertySelection.ALL_PROPERTIES);
        Map<String, Value> user = new TreeMap<>();
        String key = null;
        while (properties.next()) {
            int propertyKey = properties.propertyKey();
            Object value = properties.propertyValue().asObjectCopy();
            if (propertyKey == keyProperty) {
                key = value instanceof String s && !s.isEmpty() ? s : null;
                continue;
            }
            String name = tokens.propertyKeyGetName(propertyKey);
            if (!ReservedNames.isReserved(name)) {
                user.put(name, EmbeddedToEventValueMapper.toValue(value));
            }
        }
        return new Props(key, new LinkedHashMap<>(user));
    }

    private record Props(String key, Map<String, Value> user) {
    }

    @Override
    public void close() {
        properties.close();
        relationships.close();
        nodes.close();
        storeCursors.close();
        reader.close();
    }
}
