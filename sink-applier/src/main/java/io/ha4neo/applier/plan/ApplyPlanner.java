package io.ha4neo.applier.plan;

import io.ha4neo.schemas.event.LabelChange;
import io.ha4neo.schemas.event.NodeCreated;
import io.ha4neo.schemas.event.NodeDeleted;
import io.ha4neo.schemas.event.NodePropertyChange;
import io.ha4neo.schemas.event.RelationshipCreated;
import io.ha4neo.schemas.event.RelationshipDeleted;
import io.ha4neo.schemas.event.RelationshipPropertyChange;
import io.ha4neo.schemas.event.RelationshipRef;
import io.ha4neo.schemas.event.TransactionEvent;
import io.ha4neo.schemas.value.Value;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns consecutive data events into parameterised UNWIND statements (pure, no I/O).
 *
 * <p>Usage:
 * <pre>{@code
 * List<PlannedStatement> plan = new ApplyPlanner().plan(events);   // run in order, in one transaction
 * }</pre>
 *
 * <h2>Equivalence with one-by-one application</h2>
 * Each event applies its changes phase by phase ({@link Phase}, the order {@code TransactionEvent}
 * documents). Merging a group of events phase by phase moves an operation {@code b} of a later event
 * before an operation {@code a} of an earlier event exactly when {@code b}'s phase comes first. All such
 * pairs commute unless they touch the same entity key, and a later event can only touch in an earlier
 * phase a key an earlier event touched in a later phase when that key was <em>deleted and created
 * again</em> in between (Neo4j reuses internal ids, and keys are origin element ids):
 * <ul>
 *   <li>create node k after delete node k (direct conflict; a relationship created on the new k would
 *       also be merged before the old k's deletion);</li>
 *   <li>create relationship r after delete relationship r (the merged delete would find and delete both);</li>
 *   <li>every other cross pair (label/property change vs. deletion of the same entity, relationship
 *       created on an endpoint deleted earlier) requires that entity to exist in the later event, so it
 *       also implies a re-creation of a deleted key.</li>
 * </ul>
 * So a group ends before any event that creates a node or relationship key deleted earlier in the group.
 * Changes of the same phase keep log order inside one UNWIND, and label additions and removals share one
 * statement (add A then remove A across two events must not become remove then add). The statements'
 * MATCH clauses read only reserved identity (label {@code _ha4neo_Node}, property {@code _ha4neo_id}, whose
 * absence marks a native entity) that user changes never modify, elementIds, and relationship types and endpoints,
 * none of which ever change, so a row's write cannot change what a later row of the same statement finds.
 * Schema events are never planned here: the caller applies them alone. The images of a bootstrap chunk
 * ({@link TransactionEvent#bootstrapNodes()}, {@link TransactionEvent#bootstrapRelationships()}) form a group of their
 * own: an image must replace its entity exactly at its place in the log, after every change before it and before
 * every change after it, which merging phase by phase would not keep. A repair event (commits rebuilt from the
 * primary's transaction log, {@link TransactionEvent#repair()}) is a group of its own for the same reason: its
 * deletions by key run first and may find nothing, then its images.
 */
public final class ApplyPlanner {

    /** Plans all events, in order; the result is one or more groups' statements, concatenated. */
    public List<PlannedStatement> plan(List<TransactionEvent> events) {
        List<PlannedStatement> out = new ArrayList<>();
        for (List<TransactionEvent> group : groups(events)) {
            List<PlannedStatement> statements = planGroup(group);
            if (group.size() == 1 && group.get(0).isRepair()) {
                // A repair deletes by key whatever the range deleted, including entities it created itself, which no
                // standby holds: a deletion may find nothing. Its images stay exact.
                statements = statements.stream().map(PlannedStatement::whileSeeding).toList();
            }
            out.addAll(statements);
        }
        return out;
    }

    /** Splits events into maximal groups that can be merged phase by phase (see class comment). */
    public List<List<TransactionEvent>> groups(List<TransactionEvent> events) {
        List<List<TransactionEvent>> groups = new ArrayList<>();
        List<TransactionEvent> current = new ArrayList<>();
        Set<String> deleted = new HashSet<>();
        for (TransactionEvent e : events) {
            requireData(e);
            if (hasImages(e) || e.isRepair()) { // upserts: alone, in log order between the changes around it
                if (!current.isEmpty()) {
                    groups.add(current);
                }
                groups.add(List.of(e));
                current = new ArrayList<>();
                deleted.clear();
                continue;
            }
            if (recreatesDeletedKey(e, deleted)) {
                groups.add(current);
                current = new ArrayList<>();
                deleted.clear();
            }
            current.add(e);
            e.deletedNodes().forEach(n -> deleted.add("n:" + n.key()));
            e.deletedRelationships().forEach(r -> deleted.add("r:" + r.ref().key()));
        }
        if (!current.isEmpty()) {
            groups.add(current);
        }
        return groups;
    }

    private static boolean hasImages(TransactionEvent e) {
        return !e.bootstrapNodes().isEmpty() || !e.bootstrapRelationships().isEmpty();
    }

    private static boolean recreatesDeletedKey(TransactionEvent e, Set<String> deleted) {
        return e.createdNodes().stream().anyMatch(n -> deleted.contains("n:" + n.key()))
                || e.createdRelationships().stream().anyMatch(r -> deleted.contains("r:" + r.ref().key()));
    }

    private static void requireData(TransactionEvent e) {
        if (!e.schemaChanges().isEmpty()) {
            throw new IllegalArgumentException("commit " + e.commitId() + " is a schema event; "
                    + "schema events are applied alone, never planned with data");
        }
    }

    /** One group: for each phase in order, one statement with the rows of all events in log order. */
    List<PlannedStatement> planGroup(List<TransactionEvent> group) {
        Map<Phase, Rows> byPhase = new EnumMap<>(Phase.class);
        for (Phase p : Phase.values()) {
            byPhase.put(p, new Rows(p));
        }
        group.forEach(e -> addEvent(e, byPhase));
        List<PlannedStatement> out = new ArrayList<>();
        byPhase.values().stream().filter(r -> !r.rows.isEmpty()).forEach(r -> out.add(r.toStatement()));
        return out;
    }

    private static void addEvent(TransactionEvent e, Map<Phase, Rows> p) {
        long id = e.commitId();
        e.createdNodes().forEach(n -> p.get(Phase.NODES_CREATED).add(id, nodeCreated(n)));
        e.labelChanges().forEach(c -> p.get(Phase.LABELS_CHANGED).add(id, labelChange(c)));
        nodeProperties(e.nodePropertyChanges()).forEach(r -> p.get(Phase.NODE_PROPERTIES_CHANGED).add(id, r));
        e.createdRelationships().forEach(r -> p.get(Phase.RELATIONSHIPS_CREATED).add(id, relCreated(r)));
        relProperties(e.relationshipPropertyChanges())
                .forEach(r -> p.get(Phase.RELATIONSHIP_PROPERTIES_CHANGED).add(id, r));
        e.deletedRelationships().forEach(r -> p.get(Phase.RELATIONSHIPS_DELETED).add(id, relRef(r.ref())));
        e.deletedNodes().forEach(n -> p.get(Phase.NODES_DELETED).add(id, nodeDeleted(n)));
        e.bootstrapNodes().forEach(n -> p.get(Phase.NODE_IMAGES).add(id, nodeCreated(n)));
        e.bootstrapRelationships().forEach(r -> p.get(Phase.RELATIONSHIP_IMAGES).add(id, relCreated(r)));
    }

    private static Map<String, Object> nodeCreated(NodeCreated n) {
        return row("key", n.key(), "labels", n.labels(), "props",
                EventValueToParameterMapper.toParameters(n.properties()));
    }

    private static Map<String, Object> labelChange(LabelChange c) {
        return row("key", c.nodeKey(), "label", c.label(), "added", c.added());
    }

    private static Map<String, Object> nodeDeleted(NodeDeleted n) {
        return row("key", n.key());
    }

    private static Map<String, Object> relCreated(RelationshipCreated r) {
        Map<String, Object> row = relRef(r.ref());
        row.put("props", EventValueToParameterMapper.toParameters(r.properties()));
        return row;
    }

    /** Everything that identifies a relationship: key, type and both endpoints (see {@link Phase}). */
    private static Map<String, Object> relRef(RelationshipRef ref) {
        return row("key", ref.key(), "type", ref.type(), "start", ref.startKey(), "end", ref.endKey());
    }

    /** One row per node per event: all its property changes as one map (null value = removal). */
    private static List<Map<String, Object>> nodeProperties(List<NodePropertyChange> changes) {
        Map<String, Map<String, Value>> byNode = new LinkedHashMap<>();
        changes.forEach(c -> byNode.computeIfAbsent(c.nodeKey(), k -> new LinkedHashMap<>())
                .put(c.change().key(), c.change().value()));
        List<Map<String, Object>> rows = new ArrayList<>();
        byNode.forEach((key, props) -> rows.add(row("key", key, "props", EventValueToParameterMapper.toParameters(props))));
        return rows;
    }

    /** One row per relationship per event, as for nodes. */
    private static List<Map<String, Object>> relProperties(List<RelationshipPropertyChange> changes) {
        Map<String, RelationshipRef> refs = new LinkedHashMap<>();
        Map<String, Map<String, Value>> byRel = new LinkedHashMap<>();
        for (RelationshipPropertyChange c : changes) {
            refs.putIfAbsent(c.ref().key(), c.ref());
            byRel.computeIfAbsent(c.ref().key(), k -> new LinkedHashMap<>()).put(c.change().key(), c.change().value());
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        byRel.forEach((key, props) -> {
            Map<String, Object> row = relRef(refs.get(key));
            row.put("props", EventValueToParameterMapper.toParameters(props));
            rows.add(row);
        });
        return rows;
    }

    private static Map<String, Object> row(Object... kv) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            row.put((String) kv[i], kv[i + 1]);
        }
        return row;
    }

    /** Accumulates one phase's rows and the commit range they come from. */
    private static final class Rows {
        final Phase phase;
        final List<Map<String, Object>> rows = new ArrayList<>();
        long first;
        long last;

        Rows(Phase phase) {
            this.phase = phase;
        }

        void add(long commitId, Map<String, Object> row) {
            if (rows.isEmpty()) {
                first = commitId;
            }
            last = commitId;
            rows.add(row);
        }

        PlannedStatement toStatement() {
            return new PlannedStatement(phase, rows, first, last);
        }
    }
}
