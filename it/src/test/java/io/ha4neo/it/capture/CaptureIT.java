package io.ha4neo.it.capture;

import io.ha4neo.schemas.contract.PublisherState;
import io.ha4neo.schemas.contract.StatusColumns;
import io.ha4neo.schemas.contract.ProcedureNames;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ha4neo.it.support.TestStack;
import io.ha4neo.schemas.event.NodeCreated;
import io.ha4neo.schemas.event.SchemaChange;
import io.ha4neo.schemas.event.TransactionEvent;
import io.ha4neo.schemas.topology.ReservedNames;
import io.ha4neo.launcher.process.Neo4jServer;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;
import org.neo4j.driver.TransactionConfig;

/**
 * The capture plugin on a real Neo4j server (packaged jar in plugins/) publishing to a real Kafka broker: commit
 * order under concurrency, chunking of a large transaction, schema events in place, and the chain invariants.
 */
class CaptureIT {

    @Test
    void publishesEveryDataTransactionOnceInCommitOrderUnderConcurrentWriters() throws Exception {
        try (TestStack stack = TestStack.builder("capture-order").withBroker().withPrimary("primary").start()) {
            Neo4jServer primary = stack.server("primary");
            try (Driver driver = primary.driver()) {
                Workload load = new Workload(driver, 8, 250, 0);
                load.setup();
                Thread big = new Thread(() -> bigTransaction(driver), "big-tx");
                big.start();
                load.run();
                big.join();
                awaitPublished(driver);

                TopicEvents log = TopicEvents.read(stack.broker().bootstrapServers(), stack.topic())
                        .assertOrderedUnbrokenChain();
                Map<String, TransactionEvent> byTag = log.byMetadata(Workload.TAG);
                assertThat(load.failures()).as("client-side failures").isZero();
                assertThat(byTag.keySet()).containsAll(load.expectEvent()).doesNotContainAnyElementsOf(load.expectNoEvent());
                assertThat(byTag).hasSize(load.expectEvent().size() + 1);
                assertThat(load.expectEvent().size() + load.expectNoEvent().size()).isGreaterThanOrEqualTo(2000);
                contentMatchesWhatEachTransactionWrote(byTag);
                assertThat(byTag.get("setup").createdNodes()).hasSize(4);
                assertThat(byTag.get("big").createdNodes()).hasSize(20_000);
            }
        }
    }

    private static void bigTransaction(Driver driver) {
        try (Session s = driver.session()) {
            s.executeWrite(tx -> tx.run("UNWIND range(1, 20000) AS i CREATE (:Big {i: i, pad: $pad})",
                    Map.of("pad", "x".repeat(100))).consume(),
                    TransactionConfig.builder().withMetadata(Map.of(Workload.TAG, "big")).build());
        }
    }

    private static void contentMatchesWhatEachTransactionWrote(Map<String, TransactionEvent> byTag) {
        byTag.forEach((tag, e) -> {
            if (tag.equals("setup") || tag.equals("big")) {
                return;
            }
            assertThat(tag).matches("\\d+-\\d+");
            int i = Integer.parseInt(tag.substring(tag.indexOf('-') + 1));
            String w = tag.substring(0, tag.indexOf('-'));
            switch (i % 5) {
                case 0 -> {
                    NodeCreated n = e.createdNodes().get(0);
                    assertThat(n.labels()).containsExactly("Item", "L" + w + "_" + i);
                    assertThat(n.properties().get("tag").raw()).isEqualTo(tag);
                    assertThat(n.properties().get("k" + w + "_" + i).raw()).isEqualTo((long) i);
                }
                case 1 -> assertThat(e.nodePropertyChanges()).extracting(c -> c.change().key()).contains("v", "last");
                case 3 -> {
                    assertThat(e.createdNodes()).hasSize(2);
                    assertThat(e.createdRelationships()).singleElement()
                            .satisfies(r -> assertThat(r.ref().type()).isEqualTo("R" + w + "_" + i));
                }
                case 4 -> assertThat(e.deletedNodes()).singleElement()
                        .satisfies(d -> assertThat(d.labels()).contains("Item", "L" + w + "_" + (i - 4)));
                default -> throw new AssertionError("unexpected event for " + tag + ": " + e);
            }
        });
    }

    @Test
    void publishesIndexAndConstraintChangesAsSchemaEventsAtTheirPlaceInCommitOrder() throws Exception {
        try (TestStack stack = TestStack.builder("capture-schema").withBroker().withPrimary("primary").start()) {
            try (Driver driver = stack.server("primary").driver()) {
                tagged(driver, "a", "CREATE (:Person {name: 'a'})");
                run(driver, "CREATE INDEX person_name FOR (p:Person) ON (p.name)");
                tagged(driver, "b", "CREATE (:Person {name: 'b'})");
                run(driver, "CREATE CONSTRAINT person_email FOR (p:Person) REQUIRE p.email IS UNIQUE");
                tagged(driver, "c", "CREATE (:Person {name: 'c', email: 'c@x'})");
                run(driver, "CREATE TEXT INDEX person_bio FOR (p:Person) ON (p.bio)");
                run(driver, "DROP INDEX person_name");
                tagged(driver, "d", "CREATE (:Person {name: 'd'})");
                run(driver, "DROP CONSTRAINT person_email");
                try (Session s = driver.session()) {
                    assertThatThrownBy(() -> s.executeWrite(tx -> tx.run("CREATE (:Person {name: 'looped'})").consume(),
                            TransactionConfig.builder().withMetadata(Map.of(Workload.TAG, "looped",
                                    ReservedNames.APPLIER_METADATA_KEY, ReservedNames.APPLIER_TAG_VALUE)).build()))
                            .hasMessageContaining("is the primary of replication cluster 'local': it refuses "
                                    + "transactions tagged ha4neo.applier=true");
                    assertThat(s.run("MATCH (p:Person {name: 'looped'}) RETURN count(p) AS c").single().get("c")
                            .asLong()).as("nothing of the refused transaction committed").isZero();
                }
                tagged(driver, "e", "CREATE (:Person {name: 'e'})");
                awaitPublished(driver);

                TopicEvents log = TopicEvents.read(stack.broker().bootstrapServers(), stack.topic())
                        .assertOrderedUnbrokenChain();
                assertThat(List.of(log.indexOf("w", "a"), log.indexOfSchema("CREATE", "person_name"),
                        log.indexOf("w", "b"), log.indexOfSchema("CREATE", "person_email"), log.indexOf("w", "c"),
                        log.indexOfSchema("CREATE", "person_bio"), log.indexOfSchema("DROP", "person_name"),
                        log.indexOf("w", "d"), log.indexOfSchema("DROP", "person_email"), log.indexOf("w", "e")))
                        .isSorted().doesNotHaveDuplicates();
                SchemaChange constraint = log.events().get(log.indexOfSchema("CREATE", "person_email")).schemaChanges().get(0);
                assertThat(constraint.kind()).isEqualTo(SchemaChange.Kind.CONSTRAINT);
                assertThat(constraint.statement()).contains("`person_email`", "`Person`", "`email`", "IS UNIQUE");
                assertThat(log.events().get(log.indexOfSchema("CREATE", "person_bio")).schemaChanges().get(0).statement())
                        .startsWith("CREATE TEXT INDEX `person_bio`");
                assertThat(log.byMetadata(Workload.TAG)).as("an applier-tagged write on a primary is refused, not silently uncaptured")
                        .containsKeys("a", "e").doesNotContainKey("looped");
                assertThat(log.events()).noneMatch(e -> e.schemaChanges().stream()
                        .anyMatch(s -> s.kind() == SchemaChange.Kind.INDEX && s.name().equals("person_email")));
            }
        }
    }

    @Test
    void refusesATopicWithMoreThanOnePartitionAndSaysWhy() throws Exception {
        try (TestStack stack = TestStack.builder("capture-bad-topic").withBroker().withPrimary("primary").start()) {
            Neo4jServer primary = stack.server("primary");
            primary.stop();
            try (Admin admin = stack.broker().admin()) {
                admin.deleteTopics(Set.of(stack.topic())).all().get(30, TimeUnit.SECONDS);
                awaitTopicGone(admin, stack.topic());
                admin.createTopics(Set.of(new NewTopic(stack.topic(), 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
            primary.start();
            try (Driver driver = primary.driver()) {
                tagged(driver, "kept", "CREATE (:Kept)");
                long deadline = System.currentTimeMillis() + 60_000;
                Record s = status(driver);
                while (!PublisherState.MISCONFIGURED.name().equals(s.get(StatusColumns.PUBLISHER_STATE).asString())) {
                    assertThat(System.currentTimeMillis()).as("publisher state: %s", s).isLessThan(deadline);
                    Thread.sleep(200);
                    s = status(driver);
                }
                assertThat(s.get(StatusColumns.LAST_ERROR).asString()).contains(stack.topic(), "has 3 partitions", "exactly 1");
                assertThat(s.get(StatusColumns.LAST_SPOOLED_ID).asLong()).as("commits still go to the spool")
                        .isGreaterThan(s.get(StatusColumns.LAST_PUBLISHED_ID).asLong());
                assertThat(primary.logContains("has 3 partitions")).isTrue();
            }
        }
    }

    private static void awaitTopicGone(Admin admin, String topic) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic)) {
            assertThat(System.currentTimeMillis()).as("topic %s deleted", topic).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    static void tagged(Driver driver, String tag, String cypher) {
        try (Session s = driver.session()) {
            s.executeWrite(tx -> tx.run(cypher).consume(),
                    TransactionConfig.builder().withMetadata(Map.of(Workload.TAG, tag)).build());
        }
    }

    static void run(Driver driver, String cypher) {
        try (Session s = driver.session()) {
            s.run(cypher).consume();
        }
    }

    static Record status(Driver driver) {
        try (Session s = driver.session()) {
            return s.run(ProcedureNames.call(ProcedureNames.STATUS)).single();
        }
    }

    /** Waits until the plugin reports that Kafka acknowledged every spooled event. */
    static void awaitPublished(Driver driver) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 120_000;
        while (true) {
            Record s = status(driver);
            if (s.get(StatusColumns.LAST_PUBLISHED_ID).asLong() >= s.get(StatusColumns.LAST_SPOOLED_ID).asLong()
                    && PublisherState.PUBLISHING.name().equals(s.get(StatusColumns.PUBLISHER_STATE).asString())) {
                return;
            }
            assertThat(System.currentTimeMillis()).as("publisher caught up: %s", s).isLessThan(deadline);
            Thread.sleep(200);
        }
    }
}
