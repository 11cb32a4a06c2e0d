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
    // alone. The entity is found by key like any other (both branches), or created bare when the standby does not
    // hold it; then it gets the image's labels and properties, reserved ones kept (_ha4neo_id is read before the
    // properties are replaced and written back after). One statement per kind: finding the endpoints once costs half
    // of a create-missing statement followed by a replace statement.
    NODE_IMAGES("UNWIND $rows AS r OPTIONAL" + Names.node("n", "r.key")
            + " CALL (r, n) { WITH * WHERE n IS NULL CREATE (m:" + N + " {" + ID + ": r.key}) RETURN m"
            + " UNION ALL WITH * WHERE n IS NOT NULL RETURN n AS m }"
            + " WITH r, m, m." + ID + " AS id, [l IN labels(m) WHERE NOT l STARTS WITH '" + Names.PREFIX
            + "' AND NOT l IN r.labels] AS gone"
            + " REMOVE m:$(gone) SET m:$(r.labels) SET m = r.props SET m." + ID + " = id", true),
    RELATIONSHIP_IMAGES("UNWIND $rows AS r" + Names.node("a", "r.start") + Names.node("b", "r.end")
            + " OPTIONAL" + Names.relationshipBetweenEndpoints()
            + " CALL (r, a, b, x) { WITH * WHERE x IS NULL CREATE (a)-[y:$(r.type) {" + ID + ": r.key}]->(b) RETURN y"
            + " UNION ALL WITH * WHERE x IS NOT NULL RETURN x AS y }"
            + " WITH r, y, y." + ID + " AS id SET y = r.props SET y." + ID + " = id", true);

    private final String cypher;
    private final boolean image;

    Phase(String body) {
        this(body, false);
    }

    Phase(String body, boolean image) {
        this.cypher = body + " RETURN count(*) AS applied";
        this.image = image;
    }

    /**
     * True for the upserts of a bootstrap chunk's images: every row finds or creates its entity, so they count
     * exactly, even while seeding (a relationship image whose endpoint is missing is a divergence).
     */
    public boolean isImage() {
        return image;
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
         * {@code _ha4neo_id}, or, for a native relationship, its elementId), then applies {@code update} to it; one row
         * per relationship found, for the count. See {@link #relationshipBetweenEndpoints()} for how it is found.
         * Relationship types and endpoints never change, so, like the reserved identity, no row's write can change
         * what a later row of the same statement finds.
         */
        static String betweenEndpoints(String update) {
            return node("a", "r.start") + node("b", "r.end") + relationshipBetweenEndpoints() + " " + update;
        }

        /**
         * A subquery binding {@code x}, the relationship of row {@code r} between the bound endpoints {@code a} and
         * {@code b} (no row when there is none). Its plan must not depend on the standby's statistics: a plain
         * {@code MATCH (a)-[x:$(r.type)]->(b)} is planned as a scan of every relationship with a filter when the
         * standby holds no relationship yet (a fresh standby, or one emptied by a bootstrap run), and that plan stays
         * cached while the relationships grow, so each row read them all (seen in a bootstrap profile: up to 45 % of
         * the standby's CPU samples in {@code DirectedAllRelationshipsScan}). A one-hop variable-length pattern between bound
         * nodes has no plan but {@code VarLengthExpand(Into)}, which walks the relationships of the node it starts
         * from; so the walk starts from whichever endpoint has fewer relationships in the pattern's direction (its
         * degree, which {@code COUNT} reads without walking, from the relationship groups of a dense node), and a node
         * with 100k relationships costs nothing when a neighbour is found through it ({@code HubNodeIT}).
         */
        static String relationshipBetweenEndpoints() {
            String keyed = " WITH r, xs[0] AS x WHERE " + relationshipKeyed("x") + " RETURN x";
            return " CALL (r, a, b) { WITH * WHERE COUNT { (a)-->() } <= COUNT { (b)<--() }"
                    + " MATCH (a)-[xs:$(r.type)*1..1]->(b)" + keyed
                    + " UNION ALL WITH * WHERE COUNT { (a)-->() } > COUNT { (b)<--() }"
                    + " MATCH (b)<-[xs:$(r.type)*1..1]-(a)" + keyed + " }";
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
