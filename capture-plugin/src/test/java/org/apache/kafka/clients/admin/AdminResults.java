package org.apache.kafka.clients.admin;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;

/**
 * Test-only factory for Admin result types whose constructors are package-private in kafka-clients (and which
 * MockAdminClient does not implement): it lives in Kafka's package for that reason alone.
 */
public final class AdminResults {
    private AdminResults() {
    }

    public static DescribeProducersResult describeProducers(TopicPartition tp, List<ProducerState> active) {
        return new DescribeProducersResult(Map.of(tp, KafkaFuture.completedFuture(
                new DescribeProducersResult.PartitionProducerState(active))));
    }

    public static AbortTransactionResult abortTransaction(TopicPartition tp) {
        return new AbortTransactionResult(Map.of(tp, KafkaFuture.completedFuture(null)));
    }
}
