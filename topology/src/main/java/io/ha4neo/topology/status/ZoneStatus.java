package io.ha4neo.topology.status;

/**
 * A zone with a Kafka cluster of its own, as {@code status} found it: the end offset of the topic's copy there (not
 * comparable with the primary cluster's offsets: MirrorMaker does not keep them), and MirrorMaker's replication
 * latency into it when the cluster file names MirrorMaker's endpoint.
 *
 * @param name the zone
 * @param bootstrapServers the zone's Kafka cluster
 * @param topic the name of the topic's copy there
 * @param reachable whether the copy's end offset could be read
 * @param topicEndOffset the copy's end offset, or null
 * @param error why the end offset is missing, or null
 * @param mirrorMaker MirrorMaker's {@code /metrics} URL, or null when the file names none
 * @param mirrorMakerReachable whether that endpoint answered; null when the file names none
 * @param mirrorLatencyMs the largest replication latency MirrorMaker reports for the copy's partitions (ms), or null
 * @param mirrorError why the latency is missing (endpoint down; or no sample for the copy yet, which MirrorMaker
 *                    reports only once it has copied a record), or null
 */
public record ZoneStatus(String name, String bootstrapServers, String topic, boolean reachable, Long topicEndOffset,
                         String error, String mirrorMaker, Boolean mirrorMakerReachable, Double mirrorLatencyMs,
                         String mirrorError) {
}
