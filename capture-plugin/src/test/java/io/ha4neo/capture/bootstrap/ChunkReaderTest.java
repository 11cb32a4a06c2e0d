package io.ha4neo.capture.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import io.ha4neo.capture.mapping.EmbeddedNeo4j;
import io.ha4neo.schemas.event.NodeCreated;
import io.ha4neo.schemas.event.RelationshipCreated;
import io.ha4neo.schemas.event.RelationshipRef;
import io.ha4neo.schemas.topology.ReservedNames;
import io.ha4neo.schemas.value.Value;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.RelationshipType;
import org.neo4j.graphdb.Transaction;

/** The cursor rule on its own, and chunks read from an in-process Neo4j. */
class ChunkReaderTest {
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
    void aScanStopsAtTheLimitOfImagesAndResumesAfterTheLastIdItRead() {
        List<Long> asked = new ArrayList<>();
        ChunkReader.Chunk<Long> c = ChunkReader.scan(3, 100, 2, id -> {
            asked.add(id);
            return id % 3 == 0 ? Optional.of(id) : Optional.empty();
        });
        assertThat(c.images()).containsExactly(3L, 6L);
        assertThat(c.nextId()).isEqualTo(7);
        assertThat(asked).containsExactly(3L, 4L, 5L, 6L);
    }

    @Test
    void aScanThatFindsNoImageEndsTheRange() {
        ChunkReader.Chunk<Long> c = ChunkReader.scan(5, 9, 3, id -> Optional.empty());
        assertThat(c.images()).isEmpty();
        assertThat(c.nextId()).isEqualTo(10);
        assertThat(ChunkReader.scan(10, 9, 3, Optional::of).images()).as("past the end").isEmpty();
    }

    @Test
    void nodeChunksImageUserNodesByTheirReplicationKeyAndSkipBookkeepingAndMissingIds() {
        long[] ids = neo4j.writeAndGet(tx -> {
            Node plain = tx.createNode(Label.label("B"), Label.label("A"));
            plain.setProperty("x", 1L);
            Node replicated = tx.createNode(Label.label(ReservedNames.NODE_LABEL), Label.label("C"));
            replicated.setProperty(ReservedNames.ID_PROPERTY, "4:origin:17");
            replicated.setProperty("y", "v");
            Node progress = tx.createNode(Label.label(ReservedNames.BOOTSTRAP_LABEL));
            progress.setProperty("run", "r");
            Node gone = tx.createNode();
            return new long[] {plain.getId(), replicated.getId(), progress.getId(), gone.getId()};
        });
        String plainKey = neo4j.writeAndGet(tx -> {
            tx.getNodeById(ids[3]).delete();
            return tx.getNodeById(ids[0]).getElementId();
        });

        try (Transaction tx = neo4j.db.beginTx()) {
            ChunkReader.Chunk<NodeCreated> c = ChunkReader.nodes(tx, ids[0], ids[3] + 5, 10);
            assertThat(c.images()).containsExactly(
                    new NodeCreated(plainKey, List.of("A", "B"), Map.of("x", Value.of(1L))),
                    new NodeCreated("4:origin:17", List.of("C"), Map.of("y", Value.of("v"))));
            assertThat(c.nextId()).isEqualTo(ids[3] + 6);
        }
    }

    @Test
    void relationshipChunksImageTypeEndpointKeysAndUserProperties() {
        String[] keys = neo4j.writeAndGet(tx -> {
            Node a = tx.createNode();
            Node b = tx.createNode();
            b.setProperty(ReservedNames.ID_PROPERTY, "4:origin:b");
            Relationship r = a.createRelationshipTo(b, RelationshipType.withName("KNOWS"));
            r.setProperty("since", 2020L);
            r.setProperty(ReservedNames.ID_PROPERTY, "4:origin:r");
            return new String[] {a.getElementId(), String.valueOf(r.getId())};
        });

        try (Transaction tx = neo4j.db.beginTx()) {
            long id = Long.parseLong(keys[1]);
            ChunkReader.Chunk<RelationshipCreated> c = ChunkReader.relationships(tx, id, id, 5);
            assertThat(c.images()).containsExactly(new RelationshipCreated(
                    new RelationshipRef("4:origin:r", "KNOWS", keys[0], "4:origin:b"), Map.of("since", Value.of(2020L))));
        }
    }
}
