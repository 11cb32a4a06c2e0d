package io.ha4neo.topology.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterClientsTest {
    @Test
    void adminGetsTheBootstrapServersThePassThroughPropertiesAndTheCommandsTimeout() {
        ClusterDescription cluster = new ClusterDescription("dc1", "neo4j", "ha4neo.dc1.neo4j",
                new KafkaCluster("k1:9092,k2:9092", (short) 3, Map.of("security.protocol",
                        Secret.of("${P}", "SASL_SSL"), "request.timeout.ms", Secret.literal("99"))),
                List.of(new Member("a", "", URI.create("bolt://a:7687"), "neo4j", Secret.NONE, java.util.List.of())));

        try (ClusterClients clients = new ClusterClients(cluster, Duration.ofSeconds(4))) {
            assertThat(clients.adminConfig())
                    .containsEntry("bootstrap.servers", "k1:9092,k2:9092")
                    .containsEntry("security.protocol", "SASL_SSL")
                    .containsEntry("request.timeout.ms", 4_000)
                    .containsEntry("default.api.timeout.ms", 4_000)
                    .containsEntry("client.id", "ha4neo-ops-dc1");
        }
    }

    @Test
    void theTailConsumerReadsOnlyCommittedTransactionsWithThePassThroughPropertiesAndNoGroup() {
        ClusterDescription cluster = new ClusterDescription("dc1", "neo4j", "ha4neo.dc1.neo4j",
                new KafkaCluster("k1:9092", (short) 3, Map.of("security.protocol", Secret.literal("SSL"),
                        "isolation.level", Secret.literal("read_uncommitted"))),
                List.of(new Member("a", "", URI.create("bolt://a:7687"), "neo4j", Secret.NONE, java.util.List.of())));

        try (ClusterClients clients = new ClusterClients(cluster, Duration.ofSeconds(4))) {
            assertThat(clients.consumerConfig())
                    .containsEntry("bootstrap.servers", "k1:9092")
                    .containsEntry("security.protocol", "SSL")
                    .as("a standby applies only committed transactions, so the log ends where they end")
                    .containsEntry("isolation.level", "read_committed")
                    .containsEntry("enable.auto.commit", false)
                    .containsEntry("default.api.timeout.ms", 4_000)
                    .containsEntry("client.id", "ha4neo-ops-dc1-tail")
                    .doesNotContainKey("group.id");
        }
    }
}
