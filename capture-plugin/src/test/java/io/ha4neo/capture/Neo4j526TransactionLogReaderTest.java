package io.ha4neo.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ha4neo.capture.mapping.EmbeddedNeo4j;
import io.ha4neo.capture.txlog.RangePrunedException;
import io.ha4neo.capture.txlog.RelationshipTouch;
import io.ha4neo.capture.txlog.Touch;
import io.ha4neo.capture.txlog.TouchedEntities;
import io.ha4neo.capture.txlog.TouchedTransaction;
import io.ha4neo.capture.txlog.TransactionLogReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.RelationshipType;
import org.neo4j.graphdb.Transaction;
import org.neo4j.graphdb.event.TransactionData;
import org.neo4j.graphdb.event.TransactionEventListenerAdapter;
import org.neo4j.io.ByteUnit;
import org.neo4j.kernel.impl.transaction.log.checkpoint.CheckPointer;
import org.neo4j.kernel.impl.transaction.log.checkpoint.SimpleTriggerInfo;
import org.neo4j.kernel.internal.GraphDatabaseAPI;

/**
 * Reading Neo4j 5.26's own transaction log on an in-process database: one scenario of data, token and schema
 * transactions is committed once, each data transaction's commit id and commit time are taken from afterCommit, and
 * the reader must say exactly which nodes and relationships each commit created, changed or deleted.
 */
@SuppressWarnings("deprecation") // Entity.getId(): the log speaks in internal ids
class Neo4j526TransactionLogReaderTest {
    private static final Label P = Label.label("P");
    private static final Label Q = Label.label("Q");
    private static final Label EXTRA = Label.label("Extra");
    private static final RelationshipType R = RelationshipType.withName("R");
    private static final RelationshipType S = RelationshipType.withName("S");
    private static final RelationshipType HUB = RelationshipType.withName("HUB");

    @TempDir
    static Path home;
    private static EmbeddedNeo4j neo4j;
    private static TransactionLogReader reader;
    private static final Map<Long, Long> commitTimes = new ConcurrentHashMap<>();
    private static Scenario s;

    /** The commit ids and entity ids of the scenario. */
    private record Scenario(long create, long setProperties, long changeLabels, long createRelationships,
                            long setRelationshipProperty, long deleteRelationship, long detachDeleteNode,
                            long removeAllProperties, long createDenseNode, long relateDenseNode, long tokenOnly,
                            long schemaFirst, long schemaLast,
                            long a, long b, long c, long r1, long r2, long hub, List<Long> spokes, List<Long> spokeRels,
                            long hubToC) {
    }

    @BeforeAll
    static void commitTheScenario() throws Exception {
        neo4j = new EmbeddedNeo4j(home);
        neo4j.dbms.registerTransactionEventListener(EmbeddedNeo4j.DATABASE, new TransactionEventListenerAdapter<>() {
            @Override
            public void afterCommit(TransactionData data, Object state, org.neo4j.graphdb.GraphDatabaseService db) {
                commitTimes.put(data.getTransactionId(), data.getCommitTime());
            }
        });
        reader = Neo4j526TransactionLogReader.open(neo4j.db);
        createEveryTokenOnce();
        s = scenario();
    }

    @AfterAll
    static void stop() {
        if (neo4j != null) {
            neo4j.close();
        }
    }

    /** Tokens come in transactions of their own; creating them first gives each scenario step one commit id. */
    private static void createEveryTokenOnce() {
        neo4j.write(tx -> tx.execute("CREATE (a:P:Q:Extra:Fixture {name: 'w', x: 1, bio: 'b', w: 1})"
                + "-[:R {w: 1}]->(b:Fixture)-[:S]->(a), (a)-[:HUB]->(b)"));
        neo4j.write(tx -> tx.execute("MATCH (n:Fixture) DETACH DELETE n"));
    }

    private static Scenario scenario() {
        long[] abc = new long[3];
        long create = commit(tx -> {
            Node a = tx.createNode(P);
            a.setProperty("name", "a");
            Node b = tx.createNode(P, Q);
            b.setProperty("name", "b");
            b.setProperty("x", 1L);
            Node c = tx.createNode(Q);
            abc[0] = a.getId();
            abc[1] = b.getId();
            abc[2] = c.getId();
        });
        long a = abc[0];
        long b = abc[1];
        long c = abc[2];
        long setProperties = commit(tx -> {
            tx.getNodeById(a).setProperty("name", "a2");
            tx.getNodeById(a).setProperty("bio", "x".repeat(500)); // a dynamic string record
            tx.getNodeById(b).setProperty("x", 2L);
        });
        long changeLabels = commit(tx -> {
            tx.getNodeById(a).addLabel(EXTRA);
            tx.getNodeById(b).removeLabel(Q);
        });
        long[] rels = new long[2];
        long createRelationships = commit(tx -> {
            Relationship r1 = tx.getNodeById(a).createRelationshipTo(tx.getNodeById(b), R);
            r1.setProperty("w", 1L);
            rels[0] = r1.getId();
            rels[1] = tx.getNodeById(b).createRelationshipTo(tx.getNodeById(c), S).getId();
        });
        long r1 = rels[0];
        long r2 = rels[1];
        long setRelationshipProperty = commit(tx -> tx.getRelationshipById(r1).setProperty("w", 2L));
        long deleteRelationship = commit(tx -> tx.getRelationshipById(r2).delete());
        long detachDeleteNode = commit(tx -> tx.execute("MATCH (n) WHERE id(n) = $id DETACH DELETE n",
                Map.of("id", a)));
        long removeAllProperties = commit(tx -> {
            tx.getNodeById(b).removeProperty("name");
            tx.getNodeById(b).removeProperty("x");
        });
        long[] hub = new long[1];
        List<Long> spokes = new ArrayList<>();
        List<Long> spokeRels = new ArrayList<>();
        long createDenseNode = commit(tx -> { // above the dense threshold (50): relationship groups
            Node h = tx.createNode(P);
            hub[0] = h.getId();
            for (int i = 0; i < 60; i++) {
                Node spoke = tx.createNode();
                spokes.add(spoke.getId());
                spokeRels.add(h.createRelationshipTo(spoke, HUB).getId());
            }
        });
        long[] hubToC = new long[1];
        long relateDenseNode = commit(tx ->
                hubToC[0] = tx.getNodeById(hub[0]).createRelationshipTo(tx.getNodeById(c), HUB).getId());
        long tokenOnly = tokenOnlyCommit();
        long beforeSchema = reader.lastCommittedId();
        neo4j.write(tx -> tx.execute("CREATE INDEX p_name FOR (n:P) ON (n.name)"));
        neo4j.write(tx -> tx.execute("CALL db.awaitIndexes(60)"));
        long schemaLast = reader.lastCommittedId();
        return new Scenario(create, setProperties, changeLabels, createRelationships, setRelationshipProperty,
                deleteRelationship, detachDeleteNode, removeAllProperties, createDenseNode, relateDenseNode, tokenOnly,
                beforeSchema + 1, schemaLast, a, b, c, r1, r2, hub[0], spokes, spokeRels, hubToC[0]);
    }

    /** A new label in a transaction that is then rolled back: only Neo4j's inner token transaction commits. */
    private static long tokenOnlyCommit() {
        long before = reader.lastCommittedId();
        try (Transaction tx = neo4j.db.beginTx()) {
            tx.createNode(Label.label("Fresh"));
            tx.rollback();
        }
        assertThat(reader.lastCommittedId()).as("one token commit").isEqualTo(before + 1);
        return before + 1;
    }

    private static long commit(Consumer<Transaction> work) {
        neo4j.write(work);
        long id = reader.lastCommittedId();
        assertThat(commitTimes).as("afterCommit saw commit " + id).containsKey(id);
        return id;
    }

    @Test
    void saysWhichNodesAndRelationshipsEachCommitCreatedChangedOrDeleted() throws Exception {
        TouchedEntities all = reader.read(s.create(), s.schemaLast());
        assertThat(all.transactions()).hasSize((int) (s.schemaLast() - s.create() + 1));

        TouchedTransaction create = all.transaction(s.create());
        assertThat(create.nodes()).isEqualTo(Map.of(s.a(), Touch.CREATED, s.b(), Touch.CREATED, s.c(), Touch.CREATED));
        assertNoRelationshipsTokensOrSchema(create);
        assertThat(create.relinkedNodes()).isEmpty();

        TouchedTransaction setProperties = all.transaction(s.setProperties());
        assertThat(setProperties.nodes()).isEqualTo(Map.of(s.a(), Touch.CHANGED, s.b(), Touch.CHANGED));
        assertNoRelationshipsTokensOrSchema(setProperties);

        TouchedTransaction changeLabels = all.transaction(s.changeLabels());
        assertThat(changeLabels.nodes()).isEqualTo(Map.of(s.a(), Touch.CHANGED, s.b(), Touch.CHANGED));
        assertNoRelationshipsTokensOrSchema(changeLabels);

        TouchedTransaction createRelationships = all.transaction(s.createRelationships());
        assertThat(createRelationships.nodes()).as("endpoints are only relinked").isEmpty();
        assertThat(createRelationships.relinkedNodes()).containsExactlyInAnyOrder(s.a(), s.b(), s.c());
        RelationshipTouch r1 = createRelationships.relationships().get(s.r1());
        RelationshipTouch r2 = createRelationships.relationships().get(s.r2());
        assertThat(createRelationships.relationships()).containsOnlyKeys(s.r1(), s.r2());
        assertThat(r1).extracting(RelationshipTouch::touch, RelationshipTouch::startNodeId, RelationshipTouch::endNodeId)
                .containsExactly(Touch.CREATED, s.a(), s.b());
        assertThat(r2).extracting(RelationshipTouch::touch, RelationshipTouch::startNodeId, RelationshipTouch::endNodeId)
                .containsExactly(Touch.CREATED, s.b(), s.c());
        assertThat(r1.typeId()).isNotEqualTo(r2.typeId()).isNotNegative();

        TouchedTransaction setRelationshipProperty = all.transaction(s.setRelationshipProperty());
        assertThat(setRelationshipProperty.nodes()).isEmpty();
        assertThat(setRelationshipProperty.relationships())
                .isEqualTo(Map.of(s.r1(), RelationshipTouch.withoutRecord(Touch.CHANGED)));

        TouchedTransaction deleteRelationship = all.transaction(s.deleteRelationship());
        assertThat(deleteRelationship.nodes()).isEmpty();
        assertThat(deleteRelationship.relinkedNodes()).containsExactlyInAnyOrder(s.b(), s.c());
        assertThat(deleteRelationship.relationships())
                .isEqualTo(Map.of(s.r2(), new RelationshipTouch(Touch.DELETED, s.b(), s.c(), r2.typeId())));

        TouchedTransaction detachDeleteNode = all.transaction(s.detachDeleteNode());
        assertThat(detachDeleteNode.nodes()).isEqualTo(Map.of(s.a(), Touch.DELETED));
        assertThat(detachDeleteNode.relationships())
                .isEqualTo(Map.of(s.r1(), new RelationshipTouch(Touch.DELETED, s.a(), s.b(), r1.typeId())));
        assertThat(detachDeleteNode.relinkedNodes()).containsExactly(s.b());

        TouchedTransaction removeAllProperties = all.transaction(s.removeAllProperties());
        assertThat(removeAllProperties.nodes()).as("the deleted property record names its owner")
                .isEqualTo(Map.of(s.b(), Touch.CHANGED));
        assertNoRelationshipsTokensOrSchema(removeAllProperties);

        TouchedTransaction createDenseNode = all.transaction(s.createDenseNode());
        assertThat(createDenseNode.nodes()).hasSize(61).containsEntry(s.hub(), Touch.CREATED)
                .containsKeys(s.spokes().toArray(Long[]::new)).doesNotContainValue(Touch.CHANGED);
        assertThat(createDenseNode.relationships()).hasSize(60).containsKeys(s.spokeRels().toArray(Long[]::new));
        assertThat(createDenseNode.relinkedNodes()).isEmpty();

        TouchedTransaction relateDenseNode = all.transaction(s.relateDenseNode());
        assertThat(relateDenseNode.nodes()).isEmpty();
        assertThat(relateDenseNode.relationships()).containsOnlyKeys(s.hubToC());
        assertThat(relateDenseNode.relationships().get(s.hubToC()))
                .extracting(RelationshipTouch::touch, RelationshipTouch::startNodeId, RelationshipTouch::endNodeId)
                .containsExactly(Touch.CREATED, s.hub(), s.c());
        // A dense node's new relationship goes in after the first one of its group's chain: neither the dense
        // node's record nor its group is rewritten (only its degree count, which is no entity), but a neighbour is.
        assertThat(relateDenseNode.relinkedNodes()).containsExactly(s.c());
        assertThat(relateDenseNode.relinkedRelationships()).as("the spoke relationships it was linked between")
                .isNotEmpty().isSubsetOf(s.spokeRels());

        TouchedTransaction tokenOnly = all.transaction(s.tokenOnly());
        assertThat(tokenOnly.tokens()).isTrue();
        assertThat(tokenOnly.schema()).isFalse();
        assertThat(tokenOnly.touchesNoEntity()).isTrue();
        assertThat(tokenOnly.relinkedNodes()).isEmpty();

        List<TouchedTransaction> schema = all.transactions().subList((int) (s.schemaFirst() - s.create()),
                all.transactions().size());
        assertThat(schema).as("CREATE INDEX").isNotEmpty().allSatisfy(t -> {
            assertThat(t.schema()).isTrue();
            assertThat(t.touchesNoEntity()).isTrue();
        });

        assertThat(all.nodeIds()).as("the union a repair re-images").contains(s.a(), s.b(), s.c(), s.hub())
                .hasSize(3 + 61);
        assertThat(all.anyTokens()).isTrue();
        assertThat(all.anySchema()).isTrue();
        System.out.println("[txlog] scenario commits " + s.create() + ".." + s.schemaLast() + ": " + s);
    }

    @Test
    void readsTheCommitTimeThatAfterCommitReported() throws Exception {
        TouchedEntities data = reader.read(s.create(), s.relateDenseNode());
        for (TouchedTransaction t : data.transactions()) {
            assertThat(t.commitTimeMillis()).as("commit " + t.commitId()).isEqualTo(commitTimes.get(t.commitId()));
        }
    }

    @Test
    void readsOneCommitInTheMiddleOfTheLogAsTheWholeRangeDoes() throws Exception {
        TouchedEntities one = reader.read(s.changeLabels(), s.changeLabels());
        assertThat(one.transactions()).containsExactly(reader.read(s.create(), s.schemaLast())
                .transaction(s.changeLabels()));
    }

    @Test
    void refusesARangeThatEndsAfterTheLastCommittedId() {
        long last = reader.lastCommittedId();
        assertThatThrownBy(() -> reader.read(last, last + 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("commits " + last + ".." + (last + 1))
                .hasMessageContaining("last committed id (" + last + ")");
    }

    @Test
    void refusesAnEmptyRangeAndOneBeforeTheFirstLoggedCommit() {
        assertThatThrownBy(() -> reader.read(s.changeLabels(), s.create())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("non-empty");
        assertThatThrownBy(() -> reader.read(1, s.create())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("start at 2");
    }

    @Test
    void reportsAPrunedRangeNamingItTheRetentionSettingAndBootstrap(@TempDir Path prunedHome) throws Exception {
        Map<org.neo4j.graphdb.config.Setting<?>, Object> tinyLog = Map.of(
                GraphDatabaseSettings.keep_logical_logs, "1 files",
                GraphDatabaseSettings.logical_log_rotation_threshold, ByteUnit.kibiBytes(128));
        try (EmbeddedNeo4j pruned = new EmbeddedNeo4j(prunedHome, tinyLog)) {
            TransactionLogReader prunedReader = Neo4j526TransactionLogReader.open(pruned.db);
            long first = prunedReader.lastCommittedId() + 1;
            for (int i = 0; i < 40; i++) { // 40 × 16 KB: five or more 128 KiB log files
                pruned.write(tx -> tx.createNode().setProperty("blob", "y".repeat(16_000)));
            }
            long last = prunedReader.lastCommittedId();
            assertThat(prunedReader.read(first, first + 1).transactions()).as("in the log before the checkpoint")
                    .hasSize(2);
            ((GraphDatabaseAPI) pruned.db).getDependencyResolver().resolveDependency(CheckPointer.class)
                    .forceCheckPoint(new SimpleTriggerInfo("test: prune the log"));

            assertThatThrownBy(() -> prunedReader.read(first, first + 1)).isInstanceOf(RangePrunedException.class)
                    .hasMessageContaining("commits " + first + ".." + (first + 1))
                    .hasMessageContaining("db.tx_log.rotation.retention_policy=1 files")
                    .hasMessageContaining("ha4neo bootstrap")
                    .satisfies(e -> assertThat(((RangePrunedException) e).oldestAvailable()).isGreaterThan(first + 1));
            assertThat(prunedReader.read(last, last).transaction(last).nodes()).as("the newest commit is still there")
                    .hasSize(1);
        }
    }

    @Test
    void readsTenThousandSmallCommitsAndPrintsTheRate(@TempDir Path rateHome) throws Exception {
        int count = 10_000;
        try (EmbeddedNeo4j rate = new EmbeddedNeo4j(rateHome)) {
            rate.write(tx -> tx.createNode(P).setProperty("n", -1L)); // the tokens
            TransactionLogReader rateReader = Neo4j526TransactionLogReader.open(rate.db);
            long first = rateReader.lastCommittedId() + 1;
            long commitStart = System.nanoTime();
            for (int i = 0; i < count; i++) {
                long n = i;
                rate.write(tx -> tx.createNode(P).setProperty("n", n));
            }
            long commitNanos = System.nanoTime() - commitStart;
            long last = rateReader.lastCommittedId();
            assertThat(last - first + 1).isEqualTo(count);

            long readStart = System.nanoTime();
            TouchedEntities touched = rateReader.read(first, last);
            long readNanos = System.nanoTime() - readStart;
            long readAgainStart = System.nanoTime();
            rateReader.read(first, last);
            long readAgainNanos = System.nanoTime() - readAgainStart;

            assertThat(touched.nodeIds()).hasSize(count);
            assertThat(LongStream.rangeClosed(first, last).allMatch(id -> touched.transaction(id).nodes().size() == 1))
                    .isTrue();
            System.out.printf("[txlog] %d small commits: committed in %d ms; read back in %d ms (%.0f commits/s), "
                            + "again in %d ms (%.0f commits/s)%n", count, commitNanos / 1_000_000,
                    readNanos / 1_000_000, count / (readNanos / 1e9), readAgainNanos / 1_000_000,
                    count / (readAgainNanos / 1e9));
        }
    }

    /**
     * A deleted entity that had a replication key ({@code _ha4neo_id}: it came from another primary) can be named on
     * the standbys only by that key, and after the delete the key is only in the log: in the before-image of the
     * deleted property records. Keys of every storage form: an inlined short string, an elementId-sized string in one
     * dynamic record, and a long one over several records.
     */
    @Test
    void readsTheReplicationKeysOfDeletedEntitiesFromTheLog() throws Exception {
        String inlined = "k1";
        String elementIdSized = "4:" + java.util.UUID.randomUUID() + ":1234567";
        String long300 = "5:" + "r".repeat(300);
        long[] ids = new long[5];
        commit(tx -> {
            Node x = tx.createNode(Label.label("_ha4neo_Node"), P);
            x.setProperty("_ha4neo_id", elementIdSized);
            x.setProperty("name", "x");
            Node y = tx.createNode(Label.label("_ha4neo_Node"));
            y.setProperty("_ha4neo_id", inlined);
            Node z = tx.createNode(P); // native: no key property, its key is its elementId
            Relationship xy = x.createRelationshipTo(y, R);
            xy.setProperty("_ha4neo_id", long300);
            Relationship yz = y.createRelationshipTo(z, R);
            ids[0] = x.getId();
            ids[1] = y.getId();
            ids[2] = z.getId();
            ids[3] = xy.getId();
            ids[4] = yz.getId();
        });
        long delete = commit(tx -> tx.execute("MATCH (n) WHERE id(n) IN $ids DETACH DELETE n",
                Map.of("ids", List.of(ids[0], ids[1], ids[2]))));

        TouchedTransaction t = reader.read(delete, delete).transaction(delete);

        assertThat(t.nodes()).containsOnlyKeys(ids[0], ids[1], ids[2]).allSatisfy((id, touch) ->
                assertThat(touch).isEqualTo(Touch.DELETED));
        assertThat(t.deletedNodeKeys()).containsExactlyInAnyOrderEntriesOf(
                Map.of(ids[0], elementIdSized, ids[1], inlined));
        assertThat(t.deletedRelationshipKeys()).containsExactlyInAnyOrderEntriesOf(Map.of(ids[3], long300));
        assertThat(t.relationships()).containsOnlyKeys(ids[3], ids[4]);
    }

    private static void assertNoRelationshipsTokensOrSchema(TouchedTransaction t) {
        assertThat(t.relationships()).as("relationships of commit " + t.commitId()).isEmpty();
        assertThat(t.relinkedRelationships()).isEmpty();
        assertThat(t.tokens()).as("tokens").isFalse();
        assertThat(t.schema()).as("schema").isFalse();
    }
}
