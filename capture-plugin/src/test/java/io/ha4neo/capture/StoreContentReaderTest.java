package io.ha4neo.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.ha4neo.capture.mapping.EmbeddedNeo4j;
import io.ha4neo.schemas.event.StoreContent;
import io.ha4neo.schemas.topology.ReservedNames;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.kernel.internal.GraphDatabaseAPI;

/**
 * The baseline's count of a store's user data, on an in-process Neo4j 5.26: what counts (user nodes, replicated ones
 * included, relationships, user indexes and constraints) and what does not (the applier's bookkeeping nodes, token
 * lookup indexes, a constraint's own index, reserved schema), read at runtime and, as capture's first start reads it,
 * from a database extension's start() before the database accepts transactions ({@link StartupContentProbe}).
 */
class StoreContentReaderTest {
    @TempDir
    Path home;

    @Test
    void countsUserDataButNotWhatHa4neoKeepsForItselfAlsoBeforeTheDatabaseAcceptsTransactions() {
        try (EmbeddedNeo4j neo4j = new EmbeddedNeo4j(home)) {
            assertThat(StartupContentProbe.AT_LAST_START.get(EmbeddedNeo4j.DATABASE))
                    .as("a new store, read at start-up (token lookup indexes do not count)").isEqualTo(StoreContent.EMPTY);
            reservedOnly(neo4j);
            assertThat(read(neo4j)).as("only what ha4neo keeps for itself").isEqualTo(StoreContent.EMPTY);
            neo4j.write(tx -> tx.execute("CREATE (a:Person {name: 'a'})-[:KNOWS]->(b:Person {name: 'b'}), "
                    + "(:" + ReservedNames.NODE_LABEL + " {" + ReservedNames.ID_PROPERTY + ": '4:x:1'}), (c)-[:SELF]->(c)"));
            neo4j.write(tx -> tx.execute("CREATE INDEX person_name FOR (p:Person) ON (p.name)"));
            neo4j.write(tx -> tx.execute("CREATE CONSTRAINT person_id FOR (p:Person) REQUIRE p.id IS UNIQUE"));
            assertThat(read(neo4j)).isEqualTo(new StoreContent(4, 2, 1, 1));
        }
        try (EmbeddedNeo4j restarted = new EmbeddedNeo4j(home)) {
            assertThat(StartupContentProbe.AT_LAST_START.get(EmbeddedNeo4j.DATABASE))
                    .as("read inside the database's start-up").isEqualTo(new StoreContent(4, 2, 1, 1));
            restarted.write(tx -> tx.execute("MATCH (n) WHERE NOT n:" + ReservedNames.WATERMARK_LABEL + " AND NOT n:"
                    + ReservedNames.SKIP_LABEL + " AND NOT n:" + ReservedNames.BOOTSTRAP_LABEL + " DETACH DELETE n"));
            restarted.write(tx -> tx.execute("DROP INDEX person_name"));
            restarted.write(tx -> tx.execute("DROP CONSTRAINT person_id"));
            assertThat(read(restarted)).as("user data deleted, bookkeeping kept").isEqualTo(StoreContent.EMPTY);
        }
    }

    /** The applier's watermark, an operator's skip record, a bootstrap run's progress and the reserved constraints. */
    private static void reservedOnly(EmbeddedNeo4j neo4j) {
        neo4j.write(tx -> tx.execute("CREATE CONSTRAINT " + ReservedNames.WATERMARK_CONSTRAINT + " FOR (w:"
                + ReservedNames.WATERMARK_LABEL + ") REQUIRE w.database IS UNIQUE"));
        neo4j.write(tx -> tx.execute("CREATE CONSTRAINT " + ReservedNames.NODE_ID_CONSTRAINT + " FOR (n:"
                + ReservedNames.NODE_LABEL + ") REQUIRE n." + ReservedNames.ID_PROPERTY + " IS UNIQUE"));
        neo4j.write(tx -> tx.execute("CREATE (:" + ReservedNames.WATERMARK_LABEL + " {database: 'neo4j', commitId: 3}), "
                + "(:" + ReservedNames.SKIP_LABEL + " {commitId: 2}), (:" + ReservedNames.BOOTSTRAP_LABEL
                + " {run: 'r1', nextNodeId: 0})"));
    }

    private static StoreContent read(EmbeddedNeo4j neo4j) {
        return StoreContentReader.read((GraphDatabaseAPI) neo4j.db);
    }
}
