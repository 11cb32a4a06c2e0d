package io.ha4neo.capture.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import io.ha4neo.schemas.event.SchemaChange;
import io.ha4neo.schemas.event.SchemaChange.Kind;
import io.ha4neo.schemas.event.SchemaChange.Operation;
import java.lang.reflect.Array;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Transaction;
import org.neo4j.graphdb.event.TransactionData;
import org.neo4j.kernel.api.KernelTransaction;
import org.neo4j.kernel.internal.event.InternalTransactionEventListener;

/**
 * Schema transactions on one in-process Neo4j ("source"), mapped in beforeCommit from the kernel transaction as
 * the capture listener does. Every captured statement is replayed on a second, fresh database ("replica"), and
 * after each test both databases must show the same indexes and constraints: the statement recreates the object.
 */
class SchemaChangeMapperTest {
    @TempDir
    static Path sourceHome;
    @TempDir
    static Path replicaHome;
    private static EmbeddedNeo4j source;
    private static EmbeddedNeo4j replica;
    private static final List<SchemaChange> captured = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        source = new EmbeddedNeo4j(sourceHome);
        replica = new EmbeddedNeo4j(replicaHome);
        source.dbms.registerTransactionEventListener(EmbeddedNeo4j.DATABASE, new InternalTransactionEventListener<List<SchemaChange>>() {
            @Override
            public List<SchemaChange> beforeCommit(TransactionData data, KernelTransaction ktx, GraphDatabaseService db) {
                return SchemaChangeMapper.map(ktx);
            }

            @Override
            public List<SchemaChange> beforeCommit(TransactionData data, Transaction tx, GraphDatabaseService db) {
                throw new AssertionError("an internal listener gets the kernel-transaction variant");
            }

            @Override
            public void afterCommit(TransactionData data, List<SchemaChange> state, GraphDatabaseService db) {
                captured.addAll(state);
            }

            @Override
            public void afterRollback(TransactionData data, List<SchemaChange> state, GraphDatabaseService db) {
            }
        });
        assertThat(schemaOf(replica)).as("two fresh databases start with the same schema").isEqualTo(schemaOf(source));
    }

    @AfterAll
    static void stop() {
        if (source != null) {
            source.close();
        }
        if (replica != null) {
            replica.close();
        }
    }

    /** Runs the statements in one source transaction; returns every schema change captured meanwhile. */
    private static List<SchemaChange> onSource(String... statements) {
        captured.clear();
        source.write(tx -> Arrays.stream(statements).forEach(s -> tx.execute(s).close()));
        return new ArrayList<>(captured);
    }

    /** Replays statements on the replica, one transaction each, and checks both schemas are now identical. */
    private static void assertReplayRecreatesTheSchema(List<SchemaChange> changes) {
        for (SchemaChange c : changes) {
            replica.write(tx -> tx.execute(c.statement()).close());
        }
        assertThat(schemaOf(replica)).isEqualTo(schemaOf(source));
    }

    private static SchemaChange create(Kind kind, String name, String statement) {
        return new SchemaChange(Operation.CREATE, kind, name, statement);
    }

    @Test
    void rangeIndexesOnOneAndSeveralPropertiesKeepPropertyOrder() {
        List<SchemaChange> single = onSource("CREATE INDEX person_name FOR (n:Person) ON (n.name)");
        List<SchemaChange> composite = onSource("CREATE INDEX person_full FOR (n:Person) ON (n.last, n.first)");

        assertThat(single).containsExactly(create(Kind.INDEX, "person_name",
                "CREATE INDEX `person_name` IF NOT EXISTS FOR (n:`Person`) ON (n.`name`) OPTIONS {indexProvider: 'range-1.0'}"));
        assertThat(composite).containsExactly(create(Kind.INDEX, "person_full",
                "CREATE INDEX `person_full` IF NOT EXISTS FOR (n:`Person`) ON (n.`last`, n.`first`) "
                        + "OPTIONS {indexProvider: 'range-1.0'}"));
        assertReplayRecreatesTheSchema(concat(single, composite));
    }

    @Test
    void relationshipIndexesUseARelationshipPattern() {
        List<SchemaChange> range = onSource("CREATE INDEX knows_since FOR ()-[r:KNOWS]-() ON (r.since)");
        List<SchemaChange> text = onSource("CREATE TEXT INDEX says_text FOR ()-[r:SAYS]-() ON (r.text)");

        assertThat(range).containsExactly(create(Kind.INDEX, "knows_since",
                "CREATE INDEX `knows_since` IF NOT EXISTS FOR ()-[r:`KNOWS`]-() ON (r.`since`) "
                        + "OPTIONS {indexProvider: 'range-1.0'}"));
        assertThat(text).singleElement().satisfies(c -> assertThat(c.statement())
                .startsWith("CREATE TEXT INDEX `says_text` IF NOT EXISTS FOR ()-[r:`SAYS`]-() ON (r.`text`) OPTIONS"));
        assertReplayRecreatesTheSchema(concat(range, text));
    }

    @Test
    void textIndexesKeepTheirProvider() {
        List<SchemaChange> text = onSource("CREATE TEXT INDEX title_text FOR (n:Book) ON (n.title)");
        assertThat(text).singleElement().satisfies(c -> {
            assertThat(c.kind()).isEqualTo(Kind.INDEX);
            assertThat(c.statement()).startsWith("CREATE TEXT INDEX `title_text` IF NOT EXISTS FOR (n:`Book`) ON (n.`title`) "
                    + "OPTIONS {indexProvider: 'text-");
        });
        assertReplayRecreatesTheSchema(text);
    }

    @Test
    void pointIndexesKeepANonDefaultSpatialConfiguration() {
        List<SchemaChange> point = onSource("CREATE POINT INDEX place_loc FOR (n:Place) ON (n.loc) OPTIONS {indexConfig: "
                + "{`spatial.cartesian.min`: [-100.0, -50.0], `spatial.cartesian.max`: [100.0, 50.0]}}");
        assertThat(point).singleElement().satisfies(c -> assertThat(c.statement())
                .startsWith("CREATE POINT INDEX `place_loc` IF NOT EXISTS FOR (n:`Place`) ON (n.`loc`) OPTIONS {indexProvider: 'point-")
                .contains("`spatial.cartesian.min`: [-100.0, -50.0]")
                .contains("`spatial.cartesian.max`: [100.0, 50.0]"));
        assertReplayRecreatesTheSchema(point);
    }

    @Test
    void fulltextIndexesOverSeveralLabelsKeepAnalyzerAndConsistency() {
        List<SchemaChange> nodes = onSource("CREATE FULLTEXT INDEX doc_ft FOR (n:Doc|Note) ON EACH [n.body, n.title] "
                + "OPTIONS {indexConfig: {`fulltext.analyzer`: 'english', `fulltext.eventually_consistent`: true}}");
        List<SchemaChange> rels = onSource("CREATE FULLTEXT INDEX mail_ft FOR ()-[r:SENT|CC]-() ON EACH [r.subject]");

        assertThat(nodes).singleElement().satisfies(c -> assertThat(c.statement())
                .startsWith("CREATE FULLTEXT INDEX `doc_ft` IF NOT EXISTS FOR (n:`Doc`|`Note`) ON EACH [n.`body`, n.`title`] "
                        + "OPTIONS {indexProvider: 'fulltext-")
                .contains("`fulltext.analyzer`: 'english'")
                .contains("`fulltext.eventually_consistent`: true"));
        assertThat(rels).singleElement().satisfies(c -> assertThat(c.statement())
                .startsWith("CREATE FULLTEXT INDEX `mail_ft` IF NOT EXISTS FOR ()-[r:`SENT`|`CC`]-() ON EACH [r.`subject`]"));
        assertReplayRecreatesTheSchema(concat(nodes, rels));
    }

    @Test
    void lookupIndexesCanBeDroppedAndRecreatedUnderAnotherName() {
        String nodeLookup = lookupIndexName("NODE");
        String relLookup = lookupIndexName("RELATIONSHIP");
        List<SchemaChange> changes = concat(
                onSource("DROP INDEX `" + nodeLookup + "`"),
                onSource("CREATE LOOKUP INDEX node_labels FOR (n) ON EACH labels(n)"),
                onSource("DROP INDEX `" + relLookup + "`"),
                onSource("CREATE LOOKUP INDEX rel_types FOR ()-[r]-() ON EACH type(r)"));

        assertThat(changes).containsExactly(
                new SchemaChange(Operation.DROP, Kind.INDEX, nodeLookup, "DROP INDEX `" + nodeLookup + "` IF EXISTS"),
                create(Kind.INDEX, "node_labels", "CREATE LOOKUP INDEX `node_labels` IF NOT EXISTS FOR (n) ON EACH labels(n) "
                        + "OPTIONS {indexProvider: 'token-lookup-1.0'}"),
                new SchemaChange(Operation.DROP, Kind.INDEX, relLookup, "DROP INDEX `" + relLookup + "` IF EXISTS"),
                create(Kind.INDEX, "rel_types", "CREATE LOOKUP INDEX `rel_types` IF NOT EXISTS FOR ()-[r]-() ON EACH type(r) "
                        + "OPTIONS {indexProvider: 'token-lookup-1.0'}"));
        assertReplayRecreatesTheSchema(changes);
    }

    @Test
    void uniquenessConstraintsAreReportedWithoutTheirOwnedIndex() {
        List<SchemaChange> node = onSource("CREATE CONSTRAINT person_email FOR (n:Person) REQUIRE n.email IS UNIQUE");
        List<SchemaChange> composite = onSource("CREATE CONSTRAINT account_no FOR (n:Account) REQUIRE (n.bank, n.number) IS UNIQUE");
        List<SchemaChange> rel = onSource("CREATE CONSTRAINT payment_ref FOR ()-[r:PAID]-() REQUIRE r.ref IS UNIQUE");

        assertThat(node).containsExactly(create(Kind.CONSTRAINT, "person_email",
                "CREATE CONSTRAINT `person_email` IF NOT EXISTS FOR (n:`Person`) REQUIRE (n.`email`) IS UNIQUE"));
        assertThat(composite).containsExactly(create(Kind.CONSTRAINT, "account_no",
                "CREATE CONSTRAINT `account_no` IF NOT EXISTS FOR (n:`Account`) REQUIRE (n.`bank`, n.`number`) IS UNIQUE"));
        assertThat(rel).containsExactly(create(Kind.CONSTRAINT, "payment_ref",
                "CREATE CONSTRAINT `payment_ref` IF NOT EXISTS FOR ()-[r:`PAID`]-() REQUIRE (r.`ref`) IS UNIQUE"));
        assertReplayRecreatesTheSchema(concat(node, composite, rel));
    }

    @Test
    void dropsAreReportedAndAConstraintsOwnedIndexIsNotDroppedSeparately() {
        List<SchemaChange> setup = concat(onSource("CREATE INDEX to_drop FOR (n:Gone) ON (n.p)"),
                onSource("CREATE CONSTRAINT unique_to_drop FOR (n:Gone) REQUIRE n.q IS UNIQUE"));
        assertReplayRecreatesTheSchema(setup);

        List<SchemaChange> dropIndex = onSource("DROP INDEX to_drop");
        List<SchemaChange> dropConstraint = onSource("DROP CONSTRAINT unique_to_drop");

        assertThat(dropIndex).containsExactly(
                new SchemaChange(Operation.DROP, Kind.INDEX, "to_drop", "DROP INDEX `to_drop` IF EXISTS"));
        assertThat(dropConstraint).containsExactly(new SchemaChange(Operation.DROP, Kind.CONSTRAINT, "unique_to_drop",
                "DROP CONSTRAINT `unique_to_drop` IF EXISTS"));
        assertReplayRecreatesTheSchema(concat(dropIndex, dropConstraint));
    }

    @Test
    void namesWithBackticksAndSpacesAreQuoted() {
        List<SchemaChange> odd = concat(
                onSource("CREATE INDEX `we``ird name` FOR (n:`My Label`) ON (n.`odd key`, n.`back``tick`)"),
                onSource("CREATE CONSTRAINT `uniq ``odd``` FOR (n:`My Label`) REQUIRE n.`other key` IS UNIQUE"));
        assertThat(odd).extracting(SchemaChange::name).containsExactly("we`ird name", "uniq `odd`");
        assertThat(odd.get(0).statement()).startsWith("CREATE INDEX `we``ird name` IF NOT EXISTS FOR (n:`My Label`) "
                + "ON (n.`odd key`, n.`back``tick`)");
        assertReplayRecreatesTheSchema(odd);
    }

    @Test
    void aDropAndACreateOfTheSameNameInOneTransactionComeDropFirst() {
        assertReplayRecreatesTheSchema(onSource("CREATE INDEX reused FOR (n:Old) ON (n.p)"));
        List<SchemaChange> changes = onSource("DROP INDEX reused", "CREATE INDEX reused FOR (n:New) ON (n.p)");
        assertThat(changes).extracting(SchemaChange::operation, SchemaChange::name)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Operation.DROP, "reused"),
                        org.assertj.core.groups.Tuple.tuple(Operation.CREATE, "reused"));
        assertReplayRecreatesTheSchema(changes);
    }

    @Test
    void dataTransactionsHaveNoSchemaChanges() {
        captured.clear();
        source.write(tx -> tx.createNode(Label.label("Person")).setProperty("name", "x"));
        assertThat(captured).isEmpty();
    }

    private static String lookupIndexName(String entityType) {
        return source.writeAndGet(tx -> {
            try (var r = tx.execute("SHOW INDEXES YIELD name, type, entityType WHERE type = 'LOOKUP' AND entityType = $e "
                    + "RETURN name", Map.of("e", entityType))) {
                return (String) r.next().get("name");
            }
        });
    }

    /** Indexes and constraints as Neo4j describes them, without ids and runtime state. */
    private static Map<String, List<Map<String, Object>>> schemaOf(EmbeddedNeo4j neo4j) {
        return Map.of(
                "indexes", rows(neo4j, "SHOW INDEXES YIELD name, type, entityType, labelsOrTypes, properties, "
                        + "indexProvider, owningConstraint, options, createStatement"),
                "constraints", rows(neo4j, "SHOW CONSTRAINTS YIELD name, type, entityType, labelsOrTypes, properties, "
                        + "ownedIndex, options, createStatement"));
    }

    private static List<Map<String, Object>> rows(EmbeddedNeo4j neo4j, String query) {
        return neo4j.writeAndGet(tx -> {
            List<Map<String, Object>> out = new ArrayList<>();
            try (var r = tx.execute(query)) {
                r.forEachRemaining(row -> {
                    Map<String, Object> m = new TreeMap<>();
                    row.forEach((k, v) -> m.put(k, normalise(v)));
                    out.add(m);
                });
            }
            out.sort(Comparator.comparing(m -> String.valueOf(m.get("name"))));
            return out;
        });
    }

    /** Arrays (index configuration) become lists, so rows compare by content. */
    private static Object normalise(Object v) {
        if (v != null && v.getClass().isArray()) {
            List<Object> list = new ArrayList<>();
            for (int i = 0; i < Array.getLength(v); i++) {
                list.add(normalise(Array.get(v, i)));
            }
            return list;
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new TreeMap<>();
            m.forEach((k, x) -> out.put(String.valueOf(k), normalise(x)));
            return out;
        }
        if (v instanceof List<?> l) {
            return l.stream().map(SchemaChangeMapperTest::normalise).toList();
        }
        return v;
    }

    @SafeVarargs
    private static List<SchemaChange> concat(List<SchemaChange>... lists) {
        List<SchemaChange> out = new ArrayList<>();
        Arrays.stream(lists).forEach(out::addAll);
        return out;
    }
}
