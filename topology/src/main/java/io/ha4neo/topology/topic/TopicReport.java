package io.ha4neo.topology.topic;

import java.util.List;

/**
 * What {@link TopicProvisioner#ensure} found or did for one topic.
 *
 * @param topic the topic
 * @param created true when this call created it
 * @param partitions its partition count
 * @param replicationFactor its replication factor
 * @param mismatches how it differs from the spec; empty when it is fit for replication
 */
public record TopicReport(String topic, boolean created, int partitions, int replicationFactor,
                          List<TopicMismatch> mismatches) {
    public TopicReport {
        mismatches = List.copyOf(mismatches);
    }
}
