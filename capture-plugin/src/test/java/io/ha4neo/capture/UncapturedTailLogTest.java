package io.ha4neo.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ha4neo.capture.mapping.EmbeddedNeo4j;
import io.ha4neo.capture.rewind.TailRewinder;
import io.ha4neo.capture.rewind.UncapturedCreations;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.graphdb.Transaction;

/**
 * The undo of never-captured commits on an in-process Neo4j 5.26: real commits, read back from Neo4j's own transaction
 * log, undone by deleting what they created; the graph must be what it was before them.
 */
class UncapturedTailLogTest {
    @TempDir
    static Path home;
    private static EmbeddedNeo4j neo4j;

    @BeforeAll
    static void start() {
        neo4j = new EmbeddedNeo4j(home);
    }

    @AfterAll
    static void stop() {
        if (neo4j != null) {
            neo4j.close();
        }
    }

    @Test
    void commitsThatOnlyCreatedAreUndoneByDeletingWhatTheyCreated() throws Exception {
        neo4j.write(tx -> tx.execute("CREATE (:Old {name: 'a'})-[:R {w: 1}]->(:Old {name: 'b'})"));
        Map<String, String> before = snapshot();
        long first = lastCommittedId() + 1;
        neo4j.write(tx -> tx.execute("MATCH (a:Old {name: 'a'}) CREATE (a)<-[:NEW]-(:Load {id: 1, tag: 'x'})"));
        neo4j.write(tx -> tx.execute("CREATE (:Load {id: 2})-[:NEW]->(:Load {id: 3, brandNewKey: true})"));
        neo4j.write(tx -> tx.execute("MATCH (n:Load {id: 2}) SET n.id = 20"));
        long last = lastCommittedId();

        UncapturedCreations u = UncapturedTailLog.read(neo4j.db, first, last);
        assertThat(u.nodeIds()).hasSize(3);
        assertThat(u.relationshipIds()).hasSize(2);
        TailRewinder.undo(neo4j.db, List.of(), Optional.of(u), UncapturedTailLog.elementIds(neo4j.db));

        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void aCommitThatChangedAnOlderEntityIsNotUndoableAndACreatedNodeWithAForeignRelationshipRollsBack()
            throws Exception {
        neo4j.write(tx -> tx.execute("CREATE (:Old {name: 'c'})"));
        long first = lastCommittedId() + 1;
        neo4j.write(tx -> tx.execute("MATCH (c:Old {name: 'c'}) SET c.name = 'c2'"));
        assertThatThrownBy(() -> UncapturedTailLog.read(neo4j.db, first, lastCommittedId()))
                .isInstanceOf(UncapturedCreations.NotUndoableException.class)
                .hasMessageContaining("commit " + first + " changed node");

        long created = lastCommittedId() + 1;
        neo4j.write(tx -> tx.execute("CREATE (:Load {id: 9})"));
        UncapturedCreations u = UncapturedTailLog.read(neo4j.db, created, created);
        neo4j.write(tx -> tx.execute("MATCH (n:Load {id: 9}), (c:Old {name: 'c2'}) CREATE (n)-[:LATER]->(c)"));
        Map<String, String> before = snapshot();
        assertThatThrownBy(() -> TailRewinder.undo(neo4j.db, List.of(), Optional.of(u),
                UncapturedTailLog.elementIds(neo4j.db)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("relationship(s) they did not create");
        assertThat(snapshot()).isEqualTo(before);
        neo4j.write(tx -> tx.execute("MATCH (n:Load) DETACH DELETE n"));
    }

    private static long lastCommittedId() throws Exception {
        return Neo4j526TransactionLogReader.open(neo4j.db).lastCommittedId();
    }

    private static Map<String, String> snapshot() {
        Map<String, String> out = new TreeMap<>();
        try (Transaction tx = neo4j.db.beginTx()) {
            tx.execute("MATCH (n) RETURN elementId(n) AS k, labels(n) AS l, properties(n) AS p")
                    .forEachRemaining(r -> out.put("node " + r.get("k"), r.get("l") + " "
                            + new TreeMap<>((Map<?, ?>) r.get("p"))));
            tx.execute("MATCH (a)-[x]->(b) RETURN elementId(x) AS k, type(x) AS t, properties(x) AS p, "
                            + "elementId(a) AS s, elementId(b) AS e")
                    .forEachRemaining(r -> out.put("rel " + r.get("k"), r.get("s") + "-[" + r.get("t") + " "
                            + new TreeMap<>((Map<?, ?>) r.get("p")) + "]->" + r.get("e")));
        }
        return out;
    }
}
