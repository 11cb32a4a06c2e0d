package io.ha4neo.topology.cluster;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Kafka cluster that carries the replication topic.
 *
 * @param bootstrapServers comma-separated {@code host:port} list
 * @param replicationFactor replication factor the topic is created and checked with (default 3; 1 on a
 *                          single-broker development stack)
 * @param properties Kafka client properties passed through unchanged to every Admin the CLI opens (SASL, SSL,
 *                   client.dns.lookup, ...); values may come from the environment and are never printed
 */
public record KafkaCluster(String bootstrapServers, short replicationFactor, Map<String, Secret> properties) {
    /** Replication factor when the file does not give one: what a production topic needs. */
    public static final short DEFAULT_REPLICATION_FACTOR = 3;

    public KafkaCluster {
        properties = Map.copyOf(properties);
    }

    /** The pass-through properties with their resolved values, for a Kafka client. */
    public Map<String, Object> clientProperties() {
        Map<String, Object> resolved = new LinkedHashMap<>();
        properties.forEach((key, value) -> resolved.put(key, value.reveal()));
        return resolved;
    }
}
