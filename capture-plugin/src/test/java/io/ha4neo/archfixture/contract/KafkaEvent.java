package io.ha4neo.archfixture.contract;

import org.apache.kafka.common.TopicPartition;

/** The violation: a schemas-like event class that knows where it is published (Kafka). */
public record KafkaEvent(long commitId, TopicPartition partition) {
}
