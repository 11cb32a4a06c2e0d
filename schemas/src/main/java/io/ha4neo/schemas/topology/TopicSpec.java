package io.ha4neo.schemas.topology;

import java.util.Map;

/**
 * The configuration a replication topic must have. One partition gives the log a total order; the
 * remaining settings protect it from loss (replication, {@code min.insync.replicas}, no unclean leader
 * election) and from silent truncation (retention is infinite by default: a standby that falls behind a
 * deleted segment cannot catch up and must be bootstrapped again).
 *
 * @param partitions always 1
 * @param replicationFactor broker replicas, 3 in production, 1 on a single-broker development stack
 * @param minInsyncReplicas replicas that must acknowledge a write with acks=all
 * @param maxMessageBytes largest record the topic accepts; capture chunks transactions below it
 * @param retentionMs record retention, -1 for infinite
 */
public record TopicSpec(int partitions, short replicationFactor, int minInsyncReplicas, int maxMessageBytes,
                        long retentionMs) {
    /** The default max.message.bytes (Kafka's own default), comfortably above the default chunk size. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

    public TopicSpec {
        if (partitions != 1) {
            throw new IllegalArgumentException("a replication topic has exactly 1 partition, not " + partitions);
        }
        if (minInsyncReplicas < 1 || minInsyncReplicas > replicationFactor) {
            throw new IllegalArgumentException("min.insync.replicas=" + minInsyncReplicas
                    + " must be between 1 and the replication factor " + replicationFactor);
        }
    }

    /** A spec for a given replication factor, with min.insync.replicas = max(1, rf - 1). */
    public static TopicSpec forReplicationFactor(short replicationFactor) {
        return new TopicSpec(1, replicationFactor, Math.max(1, replicationFactor - 1),
                DEFAULT_MAX_MESSAGE_BYTES, -1L);
    }

    /** Topic-level configs to create the topic with. */
    public Map<String, String> topicConfigs() {
        return Map.of(
                "min.insync.replicas", Integer.toString(minInsyncReplicas),
                "max.message.bytes", Integer.toString(maxMessageBytes),
                "retention.ms", Long.toString(retentionMs),
                "cleanup.policy", "delete",
                "unclean.leader.election.enable", "false",
                "message.timestamp.type", "CreateTime");
    }
}
