package io.ha4neo.topology.status;

/**
 * What a standby's sink applier says about itself over HTTP, when the cluster file names its metrics URL.
 *
 * @param url the {@code /metrics} URL from the cluster file
 * @param reachable whether the endpoint answered at all
 * @param ready {@code /ready} answered 200 (positioned, connected to Kafka and Neo4j, lag within its limit); null
 *              when unreachable
 * @param detail the body of {@code /ready} ("ready, state CAUGHT_UP", "not ready: ..."), or why it is unreachable
 * @param lagSeconds the applier's {@code ha4neo_applier_lag_seconds} gauge, null when not exported
 */
public record ApplierStatus(String url, boolean reachable, Boolean ready, String detail, Double lagSeconds) {
}
