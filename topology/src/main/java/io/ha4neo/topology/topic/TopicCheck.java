package io.ha4neo.topology.topic;

import io.ha4neo.schemas.topology.TopicSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Compares an existing topic with a {@link TopicSpec}. Pure, so each rule is unit-tested without a broker.
 *
 * <ul>
 *   <li>exactly one partition: the log's total order is the partition's order;</li>
 *   <li>the replication factor asked for;</li>
 *   <li>every config of {@link TopicSpec#topicConfigs()} equal, except {@code max.message.bytes}, which may be
 *       larger (capture chunks records below it, so more room is harmless).</li>
 * </ul>
 */
public final class TopicCheck {
    /** Configs where a larger value than the spec's is fine. */
    private static final Set<String> AT_LEAST = Set.of("max.message.bytes");

    private TopicCheck() {
    }

    /** Every mismatch of the described topic, each with its fix; empty when it is fit for replication. */
    public static List<TopicMismatch> mismatches(String topic, String bootstrapServers, TopicSpec spec, int partitions,
                                                 int replicationFactor, Map<String, String> configs) {
        List<TopicMismatch> mismatches = new ArrayList<>();
        if (partitions != spec.partitions()) {
            mismatches.add(new TopicMismatch("partitions", Integer.toString(partitions),
                    Integer.toString(spec.partitions()), "the log keeps commit order only in one partition, and Kafka "
                    + "cannot remove partitions: stop the primary, delete the topic (kafka-topics.sh "
                    + "--bootstrap-server " + bootstrapServers + " --delete --topic " + topic + ") and run "
                    + "create-topics again, then bootstrap the standbys again; or name a new topic in the cluster file"));
        }
        if (replicationFactor != spec.replicationFactor()) {
            mismatches.add(new TopicMismatch("replication factor", Integer.toString(replicationFactor),
                    Short.toString(spec.replicationFactor()), "move " + topic + "-0 onto " + spec.replicationFactor()
                    + " brokers with kafka-reassign-partitions.sh, or pass --replication-factor " + replicationFactor
                    + " (or set kafka.replicationFactor in the cluster file) if that is what this cluster is meant "
                    + "to have"));
        }
        new TreeMap<>(spec.topicConfigs()).forEach((key, expected) -> {
            String actual = configs.get(key);
            if (!acceptable(key, actual, expected)) {
                mismatches.add(new TopicMismatch(key, actual == null ? "not reported" : actual,
                        (AT_LEAST.contains(key) ? "at least " : "") + expected, "kafka-configs.sh --bootstrap-server "
                        + bootstrapServers + " --alter --entity-type topics --entity-name " + topic
                        + " --add-config " + key + "=" + expected));
            }
        });
        return mismatches;
    }

    private static boolean acceptable(String key, String actual, String expected) {
        if (actual == null) {
            return false;
        }
        if (AT_LEAST.contains(key)) {
            try {
                return Long.parseLong(actual.trim()) >= Long.parseLong(expected);
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return actual.trim().equalsIgnoreCase(expected);
    }
}
