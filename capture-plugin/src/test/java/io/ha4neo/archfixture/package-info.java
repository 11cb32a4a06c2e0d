/**
 * Deliberate violations of the layering rules that need Kafka or Neo4j on the classpath (the others are in
 * schemas' test jar). {@code CaptureRulesFailOnFixturesArchitectureTest} evaluates each rule against its fixture
 * and expects it to fail; no production rule scans this package. Nothing here is used at run time.
 */
package io.ha4neo.archfixture;
