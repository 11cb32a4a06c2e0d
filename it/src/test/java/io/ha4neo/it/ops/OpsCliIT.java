package io.ha4neo.it.ops;

import io.ha4neo.schemas.contract.StatusColumns;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ha4neo.it.support.TestStack;
import io.ha4neo.it.support.TestStackExtension;
import io.ha4neo.launcher.process.Neo4jServer;
import io.ha4neo.schemas.contract.ProcedureNames;
import io.ha4neo.schemas.contract.PublisherState;
import io.ha4neo.schemas.topology.TopicNames;
import io.ha4neo.schemas.topology.TopicSpec;
import io.ha4neo.topology.cli.ExitCodes;
import io.ha4neo.topology.cli.OpsCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;
import picocli.CommandLine;

/**
 * The ops CLI against real processes: a Kafka broker, a primary and a standby Neo4j with the packaged plugin, and the
 * applier, described by a cluster file as an operator would write it. The CLI runs in-process through picocli, so
 * exit codes and output are exactly what {@code java -jar topology-all.jar} gives.
 */
class OpsCliIT {
    @RegisterExtension
    static final TestStackExtension STACK = new TestStackExtension(() -> TestStack.builder("ops").withBroker()
            .withPrimary("primary").withStandby("standby").withApplier("standby").start());

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    /** The last commit replicated before the tests run: the standby must report at least this one. */
    private static long replicatedCommit;

    @BeforeAll
    static void replicateOneTransaction() {
        try (Driver primary = STACK.get().server("primary").driver();
             Driver standby = STACK.get().server("standby").driver()) {
            try (Session s = primary.session()) {
                s.executeWrite(tx -> tx.run("CREATE (:OpsCheck {at: timestamp()})").consume());
                replicatedCommit = s.run(ProcedureNames.call(ProcedureNames.BOOKMARK)).single()
                        .get(ProcedureNames.COMMIT_ID_COLUMN).asLong();
            }
            try (Session s = standby.session()) {
                s.run("CALL " + ProcedureNames.AWAIT_COMMIT + "($c, 120000)", Map.of("c", replicatedCommit)).consume();
            }
        }
    }

    @Test
    void statusShowsThePrimaryAsPrimaryAndTheStandbyAsStandbyWithItsAppliedCommit() throws Exception {
        Path cluster = clusterFile("cluster.json", TestStack.DATABASE, "");

        JsonNode status = awaitHealthy(cluster);

        JsonNode primary = member(status, "primary");
        assertThat(primary.get("reachable").asBoolean()).isTrue();
        assertThat(primary.get("role").asText()).isEqualTo("primary");
        assertThat(primary.get(StatusColumns.PUBLISHER_STATE).asText()).isEqualTo(PublisherState.PUBLISHING.name());
        assertThat(primary.get(StatusColumns.LAST_PUBLISHED_ID).asLong()).isGreaterThanOrEqualTo(replicatedCommit);
        assertThat(primary.get(StatusColumns.APPLIED_COMMIT_ID).isNull()).isTrue();
        JsonNode standby = member(status, "standby");
        assertThat(standby.get("role").asText()).isEqualTo("standby");
        assertThat(standby.get(StatusColumns.PUBLISHER_STATE).asText()).isEqualTo(PublisherState.NOT_PUBLISHING.name());
        assertThat(standby.get(StatusColumns.APPLIED_COMMIT_ID).asLong()).isGreaterThanOrEqualTo(replicatedCommit);
        assertThat(standby.get("lagCommits").asLong()).isZero();
        assertThat(standby.get("applier").get("ready").asBoolean()).isTrue();
        assertThat(status.get("kafka").get("topicEndOffset").asLong()).isPositive();
        assertThat(status.get("topic").asText()).isEqualTo(STACK.get().topic());

        Run table = ops("--cluster", cluster.toString(), "status");
        assertThat(table.code).as(table.toString()).isEqualTo(ExitCodes.OK);
        assertThat(table.out).contains("healthy").containsPattern("(?m)^primary .* yes +primary ")
                .containsPattern("(?m)^standby .* yes +standby ");
    }

    @Test
    void statusExitsOneAndNamesTheMemberThatDoesNotAnswer() throws Exception {
        String ghost = ", {\"name\": \"ghost\", \"zone\": \"z9\", \"bolt\": \"bolt://127.0.0.1:" + closedPort() + "\"}";
        Path cluster = clusterFile("with-ghost.json", TestStack.DATABASE, ghost);

        Run run = ops("--cluster", cluster.toString(), "--timeout", "5", "status");

        assertThat(run.code).as(run.toString()).isEqualTo(ExitCodes.UNHEALTHY);
        assertThat(run.out).contains("UNHEALTHY: 1 problem").containsPattern("member 'ghost' \\(bolt://127.0.0.1:\\d+, "
                + "zone z9\\) unreachable");
    }

    @Test
    void createTopicsOnTheExistingTopicIsIdempotentAndReportsAMismatchWithoutTouchingIt() throws Exception {
        Path cluster = clusterFile("cluster.json", TestStack.DATABASE, "");
        String topic = STACK.get().topic();

        for (int i = 0; i < 2; i++) {
            Run run = ops("--cluster", cluster.toString(), "create-topics");
            assertThat(run.code).as(run.toString()).isEqualTo(ExitCodes.OK);
            assertThat(run.out).contains("topic " + topic + " exists and fits replication: 1 partition, replication "
                    + "factor 1");
        }

        Run mismatch = ops("--cluster", cluster.toString(), "create-topics", "--replication-factor", "2");

        assertThat(mismatch.code).as(mismatch.toString()).isEqualTo(ExitCodes.UNHEALTHY);
        assertThat(mismatch.out).contains("does not fit replication: 1 mismatch",
                "replication factor is 1, expected 2. Fix: move " + topic + "-0 onto 2 brokers");
        TopicDescription after = describe(topic);
        assertThat(after.partitions()).hasSize(1);
        assertThat(after.partitions().get(0).replicas()).hasSize(1);
    }

    @Test
    void createTopicsCreatesANewDatabasesTopicWithTheSpecsConfigs() throws Exception {
        Path cluster = clusterFile("orders.json", "orders", "");
        String topic = TopicNames.topicFor(TopicNames.DEFAULT_PREFIX, TestStack.CLUSTER_ID, "orders");

        Run created = ops("--cluster", cluster.toString(), "create-topics");

        assertThat(created.code).as(created.toString()).isEqualTo(ExitCodes.OK);
        assertThat(created.out).contains("created topic " + topic + ": 1 partition, replication factor 1");
        TopicDescription description = describe(topic);
        assertThat(description.partitions()).hasSize(1);
        assertThat(description.partitions().get(0).replicas()).hasSize(1);
        assertThat(topicConfigs(topic)).containsAllEntriesOf(TopicSpec.forReplicationFactor((short) 1).topicConfigs());

        Run again = ops("--cluster", cluster.toString(), "create-topics");
        assertThat(again.code).as(again.toString()).isEqualTo(ExitCodes.OK);
        assertThat(again.out).contains("topic " + topic + " exists and fits replication");
    }

    /** Status right after start-up may catch the applier between batches; healthy and caught up within a minute. */
    private static JsonNode awaitHealthy(Path cluster) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            Run run = ops("--cluster", cluster.toString(), "status", "--json");
            assertThat(run.code).as(run.toString()).isNotEqualTo(ExitCodes.USAGE);
            JsonNode status = JSON.readTree(run.out);
            boolean caughtUp = member(status, "standby").path("lagCommits").asLong(-1) == 0;
            if (run.code == ExitCodes.OK && caughtUp || System.nanoTime() > deadline) {
                assertThat(run.code).as(run.toString()).isEqualTo(ExitCodes.OK);
                assertThat(status.get("healthy").asBoolean()).isTrue();
                assertThat(status.get("problems")).isEmpty();
                return status;
            }
            Thread.sleep(500);
        }
    }

    private static JsonNode member(JsonNode status, String name) {
        for (JsonNode m : status.get("members")) {
            if (m.get("name").asText().equals(name)) {
                return m;
            }
        }
        throw new AssertionError("no member '" + name + "' in " + status);
    }

    /**
     * A cluster file of the test stack, as an operator would write it; {@code extraMembers} is appended JSON. The
     * servers' generated admin passwords are written literally: the CLI runs in this JVM, whose environment a test
     * cannot set for a {@code ${NAME}} reference ({@code ./stack ops} uses one).
     */
    private static Path clusterFile(String name, String database, String extraMembers) throws Exception {
        TestStack stack = STACK.get();
        Neo4jServer primary = stack.server("primary");
        Neo4jServer standby = stack.server("standby");
        String text = """
                {
                  "clusterId": "%s",
                  "database": "%s",
                  "kafka": {"bootstrapServers": "%s", "replicationFactor": 1},
                  "members": [
                    {"name": "primary", "zone": "z1", "bolt": "%s", "user": "%s", "password": "%s"},
                    {"name": "standby", "zone": "z2", "bolt": "%s", "user": "%s", "password": "%s",
                     "applierMetrics": "%s/metrics"}%s
                  ]
                }
                """.formatted(TestStack.CLUSTER_ID, database, stack.broker().bootstrapServers(), primary.boltUri(),
                Neo4jServer.USER, primary.password(), standby.boltUri(), Neo4jServer.USER, standby.password(),
                stack.applier().metricsBaseUrl(), extraMembers);
        return Files.writeString(dir.resolve(name), text);
    }

    private static TopicDescription describe(String topic) throws Exception {
        try (Admin admin = STACK.get().broker().admin()) {
            return admin.describeTopics(Set.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
        }
    }

    private static Map<String, String> topicConfigs(String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try (Admin admin = STACK.get().broker().admin()) {
            return admin.describeConfigs(Set.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource).entries()
                    .stream().filter(e -> e.value() != null)
                    .collect(Collectors.toMap(ConfigEntry::name, ConfigEntry::value));
        }
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static Run ops(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new OpsCli());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return new Run(cli.execute(args), out.toString(), err.toString());
    }

    private record Run(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\nout:\n" + out + "\nerr:\n" + err;
        }
    }
}
