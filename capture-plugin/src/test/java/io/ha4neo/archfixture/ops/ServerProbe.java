package io.ha4neo.archfixture.ops;

import org.neo4j.graphdb.GraphDatabaseService;

/** The violation: an ops-side class that links the Neo4j server instead of talking Bolt. */
public class ServerProbe {
    public boolean available(GraphDatabaseService db) {
        return db.isAvailable();
    }
}
