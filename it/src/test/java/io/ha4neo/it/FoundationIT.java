package io.ha4neo.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ha4neo.it.support.TestStack;
import io.ha4neo.schemas.topology.TopicSpec;
import io.ha4neo.launcher.process.Credentials;
import io.ha4neo.launcher.process.KafkaBroker;
import io.ha4neo.launcher.process.Neo4jServer;
import io.ha4neo.launcher.process.ProcessReaper;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;
import org.neo4j.driver.exceptions.AuthenticationException;

/**
 * The foundation every other IT stands on: a real Kafka broker and two real Neo4j servers start from the packaged
 * artifacts with authentication on, the capture plugin's extension is loaded from plugins/, the broker serves a
 * produce/consume round trip, both kinds of process come back on the same port with their data after a restart,
 * and nothing is left running afterwards.
 */
class FoundationIT {
    private static final String STANDBY_PASSWORD = "standby-pass-1";

    @Test
    void startsBrokerAndTwoServersWithThePluginAndLeavesNoProcessBehind() throws Exception {
        List<Long> pids;
        ProcessReaper reaper;
        try (TestStack stack = TestStack.builder("foundation")
                .withBroker()
                .withPrimary("primary")
                .withStandby("standby", s -> s.password(STANDBY_PASSWORD))
                .start()) {
            reaper = stack.reaper();
            pids = stack.startedPids();
            assertThat(pids).hasSize(3).allMatch(FoundationIT::isAlive);

            pluginExtensionIsLoadedOnBothServers(stack);
            authIsOnWithAGeneratedPasswordOnThePrimaryAndTheKnownOneOnTheStandby(stack);
            brokerRoundTripsOneRecordAndKeepsItAcrossARestart(stack.broker());
            killedServerComesBackOnTheSamePortWithItsData(stack.server("primary"));
            pids = stack.startedPids();
        }
        assertThat(pids).noneMatch(FoundationIT::isAlive);
        assertThat(reaper.children()).isEmpty();
        // Other test JVMs may share the work root; only this JVM's PID files must be gone.
        long self = ProcessHandle.current().pid();
        assertThat(ProcessReaper.records(TestStack.workRoot())).filteredOn(r -> r.ownerPid() == self).isEmpty();
    }

    private static void pluginExtensionIsLoadedOnBothServers(TestStack stack) {
        for (Neo4jServer server : stack.servers().values()) {
            assertThat(server.logContains(TestStack.PLUGIN_STARTED_LINE))
                    .as("%s contains '%s'", server.logFile(), TestStack.PLUGIN_STARTED_LINE).isTrue();
        }
    }

    private static void authIsOnWithAGeneratedPasswordOnThePrimaryAndTheKnownOneOnTheStandby(TestStack stack) {
        Neo4jServer primary = stack.server("primary");
        Neo4jServer standby = stack.server("standby");
        assertThat(primary.settings()).containsEntry("dbms.security.auth_enabled", "true");
        assertThat(primary.password()).hasSize(Credentials.GENERATED_LENGTH).isNotEqualTo(standby.password());
        assertThat(standby.password()).isEqualTo(STANDBY_PASSWORD);
        for (Neo4jServer server : List.of(primary, standby)) {
            assertThat(runReturnOne(server.driver())).isEqualTo(1);
            assertThat(runReturnOne(server.driver(stack.applierCredentials()))).as("applier user on %s", server.name())
                    .isEqualTo(1);
            try (Driver wrong = org.neo4j.driver.GraphDatabase.driver(server.boltUri(),
                    org.neo4j.driver.AuthTokens.basic(Neo4jServer.USER, "wrong-password"))) {
                assertThatThrownBy(() -> wrong.verifyConnectivity()).isInstanceOf(AuthenticationException.class);
            }
            try (Driver anonymous = org.neo4j.driver.GraphDatabase.driver(server.boltUri(),
                    org.neo4j.driver.AuthTokens.none())) {
                assertThatThrownBy(() -> anonymous.verifyConnectivity()).isInstanceOf(AuthenticationException.class);
            }
        }
    }

    private static void brokerRoundTripsOneRecordAndKeepsItAcrossARestart(KafkaBroker broker) throws Exception {
        String topic = "foundation-" + UUID.randomUUID();
        try (Admin admin = broker.admin()) {
            TopicSpec spec = TopicSpec.forReplicationFactor((short) 1);
            admin.createTopics(List.of(new NewTopic(topic, spec.partitions(), spec.replicationFactor())
                    .configs(spec.topicConfigs()))).all().get(30, TimeUnit.SECONDS);
        }
        RecordMetadata sent = produce(broker, topic, "key-1", "hello ha4neo");
        assertThat(sent.offset()).isZero();
        assertThat(consumeOne(broker, topic)).isEqualTo("hello ha4neo");

        String bootstrapBefore = broker.bootstrapServers();
        broker.stop();
        assertThat(broker.isRunning()).isFalse();
        broker.start();
        assertThat(broker.bootstrapServers()).isEqualTo(bootstrapBefore);
        assertThat(consumeOne(broker, topic)).isEqualTo("hello ha4neo");
    }

    private static void killedServerComesBackOnTheSamePortWithItsData(Neo4jServer server) {
        try (Driver driver = server.driver(); Session session = driver.session()) {
            session.run("CREATE (:Foundation {name: 'before-kill'})").consume();
        }
        long pidBefore = server.pid();
        String uriBefore = server.boltUri();
        server.kill();
        assertThat(isAlive(pidBefore)).isFalse();
        server.start();
        assertThat(server.boltUri()).isEqualTo(uriBefore);
        try (Driver driver = server.driver(); Session session = driver.session()) {
            assertThat(session.run("MATCH (f:Foundation) RETURN f.name AS name").single().get("name").asString())
                    .isEqualTo("before-kill");
        }
    }

    private static RecordMetadata produce(KafkaBroker broker, String topic, String key, String value) throws Exception {
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer =
                     new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            return producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        }
    }

    private static String consumeOne(KafkaBroker broker, String topic) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "foundation-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(Set.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(500));
                if (!records.isEmpty()) {
                    return records.iterator().next().value();
                }
            }
            throw new AssertionError("no record on " + topic + " within 60 s from " + broker.bootstrapServers());
        }
    }

    private static int runReturnOne(Driver driver) {
        try (driver; Session session = driver.session()) {
            return session.run("RETURN 1 AS one").single().get("one").asInt();
        }
    }

    private static boolean isAlive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
