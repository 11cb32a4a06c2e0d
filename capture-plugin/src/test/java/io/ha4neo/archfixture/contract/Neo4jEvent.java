package io.ha4neo.archfixture.contract;

import org.neo4j.graphdb.Node;

/** The violation: a schemas-like event class that holds a Neo4j node. */
public record Neo4jEvent(long commitId, Node node) {
}
