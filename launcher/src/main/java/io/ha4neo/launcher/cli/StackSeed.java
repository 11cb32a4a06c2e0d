package io.ha4neo.launcher.cli;

import java.util.Map;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;

/**
 * The data of {@code ./stack up --seed N}: a graph the primary holds <em>before</em> capture first starts on it, as an
 * existing database's when ha4neo is installed, so that the standby must be seeded ({@code ha4neo bootstrap}) rather
 * than replicated from an empty start. N people with a few typed properties, each knowing two others, an index and a
 * uniqueness constraint. Written in batches of 10,000 rows ({@code CALL {} IN TRANSACTIONS}).
 */
final class StackSeed {
    private StackSeed() {
    }

    /** Writes {@code nodes} people and {@code 2 * nodes} KNOWS relationships; returns the relationships written. */
    static long load(Driver primary, int nodes) {
        try (Session s = primary.session()) {
            s.run("CREATE CONSTRAINT seed_person_id IF NOT EXISTS FOR (p:SeedPerson) REQUIRE p.id IS UNIQUE").consume();
            s.run("CREATE INDEX seed_person_name IF NOT EXISTS FOR (p:SeedPerson) ON (p.name)").consume();
            s.run("CALL db.awaitIndexes(300)").consume();
            s.run("UNWIND range(0, $n - 1) AS i CALL (i) { CREATE (:SeedPerson {id: i, name: 'person ' + i, "
                    + "born: date({year: 1950 + i % 60, month: 1 + i % 12, day: 1 + i % 28}), score: i * 0.5, "
                    + "tags: ['seed', 'n' + (i % 10)]}) } IN TRANSACTIONS OF 10000 ROWS", Map.of("n", nodes)).consume();
            s.run("UNWIND range(0, 2 * $n - 1) AS j CALL (j) { MATCH (x:SeedPerson {id: j % $n}), "
                    + "(y:SeedPerson {id: (j * 7919 + 1) % $n}) CREATE (x)-[:KNOWS {since: 1990 + j % 30}]->(y) } "
                    + "IN TRANSACTIONS OF 10000 ROWS", Map.of("n", nodes)).consume();
            return s.run("MATCH (:SeedPerson)-[r:KNOWS]->() RETURN count(r) AS c").single().get("c").asLong();
        }
    }
}
