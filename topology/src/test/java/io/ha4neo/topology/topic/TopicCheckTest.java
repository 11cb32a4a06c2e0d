package io.ha4neo.topology.topic;

import static org.assertj.core.api.Assertions.assertThat;

import io.ha4neo.schemas.topology.TopicSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicCheckTest {
    private static final TopicSpec SPEC = TopicSpec.forReplicationFactor((short) 3);
    private static final String TOPIC = "ha4neo.dc1.neo4j";
    private static final String KAFKA = "k:9092";

    @Test
    void aTopicCreatedFromTheSpecHasNoMismatch() {
        assertThat(check(1, 3, SPEC.topicConfigs())).isEmpty();
    }

    @Test
    void moreThanOnePartitionIsAMismatchWhoseFixIsANewTopic() {
        List<TopicMismatch> mismatches = check(3, 3, SPEC.topicConfigs());

        assertThat(mismatches).singleElement().satisfies(m -> {
            assertThat(m.setting()).isEqualTo("partitions");
            assertThat(m.describe()).startsWith("partitions is 3, expected 1. Fix: ")
                    .contains("kafka-topics.sh --bootstrap-server k:9092 --delete --topic ha4neo.dc1.neo4j");
        });
    }

    @Test
    void aDifferentReplicationFactorIsAMismatch() {
        assertThat(check(1, 1, SPEC.topicConfigs())).singleElement().satisfies(m -> assertThat(m.describe())
                .startsWith("replication factor is 1, expected 3. Fix: ")
                .contains("kafka-reassign-partitions.sh").contains("--replication-factor 1"));
    }

    @Test
    void eachWrongConfigIsOneMismatchWithTheKafkaConfigsCommand() {
        Map<String, String> configs = new HashMap<>(SPEC.topicConfigs());
        configs.put("retention.ms", "604800000");
        configs.put("cleanup.policy", "compact");
        configs.remove("unclean.leader.election.enable");

        assertThat(check(1, 3, configs)).extracting(TopicMismatch::describe).containsExactly(
                "cleanup.policy is compact, expected delete. Fix: kafka-configs.sh --bootstrap-server k:9092 --alter "
                        + "--entity-type topics --entity-name ha4neo.dc1.neo4j --add-config cleanup.policy=delete",
                "retention.ms is 604800000, expected -1. Fix: kafka-configs.sh --bootstrap-server k:9092 --alter "
                        + "--entity-type topics --entity-name ha4neo.dc1.neo4j --add-config retention.ms=-1",
                "unclean.leader.election.enable is not reported, expected false. Fix: kafka-configs.sh "
                        + "--bootstrap-server k:9092 --alter --entity-type topics --entity-name ha4neo.dc1.neo4j "
                        + "--add-config unclean.leader.election.enable=false");
    }

    @Test
    void aLargerMaxMessageBytesIsFineASmallerOneIsNot() {
        Map<String, String> configs = new HashMap<>(SPEC.topicConfigs());
        configs.put("max.message.bytes", Integer.toString(TopicSpec.DEFAULT_MAX_MESSAGE_BYTES * 4));
        assertThat(check(1, 3, configs)).isEmpty();

        configs.put("max.message.bytes", "1000");
        assertThat(check(1, 3, configs)).singleElement().satisfies(m -> assertThat(m.describe())
                .startsWith("max.message.bytes is 1000, expected at least " + TopicSpec.DEFAULT_MAX_MESSAGE_BYTES));
    }

    @Test
    void minInsyncReplicasMustMatchTheReplicationFactorAskedFor() {
        Map<String, String> configs = new HashMap<>(SPEC.topicConfigs());
        configs.put("min.insync.replicas", "1");

        assertThat(check(1, 3, configs)).extracting(TopicMismatch::setting).containsExactly("min.insync.replicas");
    }

    private static List<TopicMismatch> check(int partitions, int replicationFactor, Map<String, String> configs) {
        return TopicCheck.mismatches(TOPIC, KAFKA, SPEC, partitions, replicationFactor, configs);
    }
}
