/**
 * Deliberate violations of the layering rules in {@code io.ha4neo.arch.ArchitectureRules}, one subpackage per
 * rule. {@code RulesFailOnFixturesArchitectureTest} evaluates each rule against its fixture and expects it to
 * fail; no production rule scans this package. Nothing here is used at run time. capture-plugin's test classes add
 * the fixtures that need Kafka or Neo4j to this package ({@code CaptureRulesFailOnFixturesArchitectureTest}).
 */
package io.ha4neo.archfixture;
