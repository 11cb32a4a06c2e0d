package io.ha4neo.applier.plan;

import static io.ha4neo.applier.plan.Phase.Names.ID;
import static io.ha4neo.applier.plan.Phase.Names.N;

import io.ha4neo.schemas.topology.ReservedNames;

/**
 * The application phases of a transaction, in the order {@code TransactionEvent} documents, each with the
 * one parameterised statement that applies all its rows. Every statement finds entities by their replication key,
 * never by the standby's internal ids: a replicated entity by its {@code _ha4neo_id} ({@code _ha4neo_Node} nodes
 * through the uniqueness constraint's index), and, failing that, an entity this member created itself while it was
 * the primary (a <em>native</em> entity: no {@code _ha4neo_id}, and its key is its own elementId) by an elementId
 * seek. Relationships are found between their two endpoints, by type and key. Each statement returns the number
 * of rows that found their target, so the applier detects a diverged standby (missing entity) instead of silently
 * doing nothing.
 *
 * <p>The elementId branch matches only entities without {@code _ha4neo_id}: a replicated entity that reuses the
 * internal id of a deleted native one has the same elementId, but always has {@code _ha4neo_id}, so it is never taken
 * for it. A key that is no elementId of this store (another store's database id, or not an elementId at all) simply
 * matches nothing in that branch (checked on Neo4j 5.26: no error), so no guard is needed.
 *
 * <p>Labels and relationship types are dynamic ({@code $(expr)}, Neo4j 5.26+), so rows with different
 * labels share one statement and keep their log order.
 */
public enum Phase {
    NODES_CREATED("UNWIND $rows AS r CREATE (n:" + N + ":$(r.labels) {" + ID + ": r.key}) SET n += r.props"),
    LABELS_CHANGED("UNWIND $rows AS r" + Names.node("n", "r.key")
            + " FOREACH (_ IN CASE WHEN r.added THEN [1] ELSE [] END | SET n:$(r.label))"
            + " FOREACH (_ IN CASE WHEN r.added THEN [] ELSE [1] END | REMOVE n:$(r.label))"),
    NODE_PROPERTIES_CHANGED("UNWIND $rows AS r" + Names.node("n", "r.key") + " SET n += r.props"),
    RELATIONSHIPS_CREATED("UNWIND $rows AS r" + Names.node("a", "r.start") + Names.node("b", "r.end")
            + " CREATE (a)-[x:$(r.type) {" + ID + ": r.key}]->(b) SET x += r.props"),
    RELATIONSHIP_PROPERTIES_CHANGED("UNWIND $rows AS r" + Names.betweenEndpoints("SET x += r.props")),
    RELATIONSHIPS_DELETED("UNWIND $rows AS r" + Names.betweenEndpoints("DELETE x")),
    // Plain DELETE, not DETACH: a node the primary deleted has no relationships left; if the standby still
    // has some, it has diverged and the transaction must fail rather than hide it.
    NODES_DELETED("UNWIND $rows AS r" + Names.node("n", "r.key") + " DELETE n"),

    // The images of a bootstrap chunk (docs/bootstrap.md): upserts by replication key, each image event planned
    // alone. First the entities the standby does not hold are created bare (as many rows as are missing, so at most
    // the rows), then every row's entity, found by key like any other, gets the image's labels and properties
    // (reserved ones kept: _ha4neo_id is read before the properties are replaced and written back after).
    NODE_IMAGES_CREATED("UNWIND $rows AS r WITH r WHERE NOT EXISTS { MATCH (n:" + N + " {" + ID + ": r.key}) }"
            + " AND NOT EXISTS { MATCH (n) WHERE elementId(n) = r.key AND n." + ID + " IS NULL }"
            + " CREATE (n:" + N + " {" + ID + ": r.key})", Flags.IMAGE_AT_MOST),
    NODE_IMAGES_REPLACED("UNWIND $rows AS r" + Names.node("n", "r.key")
            + " WITH r, n, n." + ID + " AS id, [l IN labels(n) WHERE NOT l STARTS WITH '" + Names.PREFIX
            + "' AND NOT l IN r.labels] AS gone"
            + " REMOVE n:$(gone) SET n:$(r.labels) SET n = r.props SET n." + ID + " = id", Flags.IMAGE),
    RELATIONSHIP_IMAGES_CREATED("UNWIND $rows AS r" + Names.node("a", "r.start") + Names.node("b", "r.end")
            + " WITH r, a, b WHERE NOT EXISTS { MATCH (a)-[x:$(r.type)]->(b) WHERE " + Names.relationshipKeyed("x")
            + " } CREATE (a)-[x:$(r.type) {" + ID + ": r.key}]->(b)", Flags.IMAGE_AT_MOST),
    RELATIONSHIP_IMAGES_REPLACED("UNWIND $rows AS r" + Names.betweenEndpoints("WITH r, x, x." + ID + " AS id"
            + " SET x = r.props SET x." + ID + " = id"), Flags.IMAGE);

    /** What kind of statement a phase is. */
    private enum Flags { CHANGE, IMAGE, IMAGE_AT_MOST }

    private final String cypher;
    private final Flags flags;

    Phase(String body) {
        this(body, Flags.CHANGE);
    }

    Phase(String body, Flags flags) {
        this.cypher = body + " RETURN count(*) AS applied";
        this.flags = flags;
    }

    /** True for the upserts of a bootstrap chunk's images. */
    public boolean isImage() {
        return flags != Flags.CHANGE;
    }

    /** True when the statement creates only what is missing: it finds at most its rows, by design. */
    public boolean findsAtMostItsRows() {
        return flags == Flags.IMAGE_AT_MOST;
    }

    /** The statement; its only parameter is {@code $rows}. */
    public String cypher() {
        return cypher;
    }

    /** Reserved names used by the statements; an enum constant cannot read its own enum's static fields. */
    static final class Names {
        static final String N = ReservedNames.NODE_LABEL;
        static final String ID = ReservedNames.ID_PROPERTY;
        static final String PREFIX = ReservedNames.PREFIX;

        /** Relationship {@code x} is the one of row {@code r}: replicated with its key, or native with it as id. */
        static String relationshipKeyed(String x) {
            return x + "." + ID + " = r.key OR (" + x + "." + ID + " IS NULL AND elementId(" + x + ") = r.key)";
        }

        /**
         * Finds relationship {@code x} of row {@code r} by its start node, type, end node and key (its
         * {@code _ha4neo_id}, or, for a native relationship, its elementId), then applies {@code update} to it. Both
         * endpoints come from the unique index or an elementId seek ({@link #node}); the subquery receives them
         * bound, so the planner cannot expand from one endpoint and filter the other (it did, and even scanned the
         * whole index for the other, when both were in one pattern, with or without {@code USING INDEX} hints): the
         * only plan is Expand(Into), which walks the endpoint with fewer relationships, so a node with 100k
         * relationships costs nothing when a neighbour is found through it. The subquery returns one row per
         * relationship found, for the count. Relationship types and endpoints never change, so, like the reserved
         * identity, no row's write can change what a later row of the same statement finds.
         */
        static String betweenEndpoints(String update) {
            return node("a", "r.start") + node("b", "r.end")
                    + " CALL (r, a, b) { MATCH (a)-[x:$(r.type)]->(b) WHERE " + relationshipKeyed("x") + " " + update
                    + " RETURN 1 AS found }";
        }

        /**
         * Binds {@code variable} to the node keyed {@code key}: the replicated node with that {@code _ha4neo_id}
         * (unique index seek), or the native node whose elementId it is (elementId seek). The two branches can never
         * both match (docs/identity.md), so the union is the one node, or none.
         */
        static String node(String variable, String key) {
            return " CALL (r) { MATCH (" + variable + ":" + N + " {" + ID + ": " + key + "}) RETURN " + variable
                    + " UNION ALL MATCH (" + variable + ") WHERE elementId(" + variable + ") = " + key + " AND "
                    + variable + "." + ID + " IS NULL RETURN " + variable + " }";
        }
    }
}
