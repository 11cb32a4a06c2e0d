package io.ha4neo.launcher.cli;

import java.util.List;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;

/**
 * A small, recognisable graph written to the primary by {@code up}: a few people, movies and relationships in
 * separate transactions, so the standby shows several replicated commits arriving.
 */
final class DemoWorkload {
    private static final List<String> TRANSACTIONS = List.of(
            "MERGE (m:Movie {title: 'The Matrix'}) SET m.released = 1999, m.tagline = 'Welcome to the Real World'",
            "MERGE (p:Person {name: 'Keanu Reeves'}) SET p.born = 1964",
            "MERGE (p:Person {name: 'Carrie-Anne Moss'}) SET p.born = 1967",
            "MERGE (p:Person {name: 'Lana Wachowski'}) SET p.born = 1965",
            "MATCH (p:Person {name: 'Keanu Reeves'}), (m:Movie {title: 'The Matrix'}) "
                    + "MERGE (p)-[r:ACTED_IN]->(m) SET r.roles = ['Neo']",
            "MATCH (p:Person {name: 'Carrie-Anne Moss'}), (m:Movie {title: 'The Matrix'}) "
                    + "MERGE (p)-[r:ACTED_IN]->(m) SET r.roles = ['Trinity']",
            "MATCH (p:Person {name: 'Lana Wachowski'}), (m:Movie {title: 'The Matrix'}) MERGE (p)-[:DIRECTED]->(m)");

    private DemoWorkload() {
    }

    /** Runs the demo transactions on the primary, one transaction each; returns how many ran. */
    static int run(Driver primary) {
        try (Session session = primary.session()) {
            for (String statement : TRANSACTIONS) {
                session.executeWrite(tx -> tx.run(statement).consume());
            }
        }
        return TRANSACTIONS.size();
    }
}
