package io.ha4neo.topology.status;

/**
 * The replication topic as Kafka reports it.
 *
 * @param bootstrapServers where the CLI asked
 * @param reachable whether the end offset could be read
 * @param topicEndOffset the topic's end offset (records written so far, transaction markers included), or null
 * @param error why the offset is missing (broker down, topic missing), or null
 */
public record KafkaStatus(String bootstrapServers, boolean reachable, Long topicEndOffset, String error) {
}
