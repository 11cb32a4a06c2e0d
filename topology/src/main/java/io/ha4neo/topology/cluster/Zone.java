package io.ha4neo.topology.cluster;

import java.net.URI;
import java.util.Optional;

/**
 * An availability zone with a Kafka cluster of its own, to which MirrorMaker 2 copies the replication topic from the
 * primary's cluster (the cluster file's top-level {@code kafka}). Members whose {@code zone} names it are standbys
 * whose appliers read that copy. A zone a member names but the file does not list shares the top-level cluster.
 *
 * @param name the zone's name, as members name it
 * @param kafka the zone's Kafka cluster
 * @param topic the name of the topic's copy there: the same name under MirrorMaker's identity replication policy,
 *              {@code <source alias>.<topic>} under its default policy
 * @param mirrorMakerMetrics the {@code /metrics} endpoint of the MirrorMaker 2 that feeds the zone (its replication
 *                           latency is shown by {@code status}), or null when not given
 */
public record Zone(String name, KafkaCluster kafka, String topic, URI mirrorMakerMetrics) {
    /** The MirrorMaker endpoint, when the file names one. */
    public Optional<URI> mirrorMaker() {
        return Optional.ofNullable(mirrorMakerMetrics);
    }
}
