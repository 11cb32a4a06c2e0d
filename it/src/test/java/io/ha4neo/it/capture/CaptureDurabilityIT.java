package io.ha4neo.it.capture;

import io.ha4neo.schemas.contract.PublisherState;
import io.ha4neo.schemas.contract.StatusColumns;
import static io.ha4neo.it.capture.CaptureIT.awaitPublished;
import static io.ha4neo.it.capture.CaptureIT.status;
import static io.ha4neo.it.capture.CaptureIT.tagged;
import static org.assertj.core.api.Assertions.assertThat;

import io.ha4neo.it.support.TestStack;
import io.ha4neo.schemas.event.TransactionEvent;
import io.ha4neo.launcher.process.Neo4jServer;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Record;

/**
 * What capture promises when Kafka or Neo4j die: async mode keeps committing through a Kafka outage and loses
 * nothing (even across a Neo4j restart during the outage); semi-sync makes a returned commit already durable in
 * Kafka and falls back within its timeout; kill -9 of Neo4j leaves no gap: a range it cut off is repaired.
 */
class CaptureDurabilityIT {

    @Test
    void asyncModeKeepsCommittingThroughAThirtySecondKafkaOutageAndPublishesEverythingAfterwards() throws Exception {
        try (TestStack stack = TestStack.builder("capture-outage").withBroker().withPrimary("primary").start();
             Driver driver = stack.server("primary").driver()) {
            Workload load = new Workload(driver, 4, 400, 15);
            load.setup();
            Thread writers = new Thread(() -> runQuietly(load), "writers");
            writers.start();
            Thread.sleep(3_000);
            stack.broker().stop();
            int committedWhenKafkaStopped = load.committed();
            Thread.sleep(30_000);
            int committedDuringOutage = load.committed() - committedWhenKafkaStopped;
            assertThat(status(driver).get(StatusColumns.PUBLISHER_STATE).asString()).isEqualTo(PublisherState.KAFKA_UNAVAILABLE.name());
            stack.broker().start();
            writers.join();
            awaitPublished(driver);

            assertThat(committedDuringOutage).as("commits while Kafka was down").isGreaterThan(100);
            assertEveryCommittedTransactionPublishedOnce(stack, load);
        }
    }

    @Test
    void asyncModeLosesNothingWhenNeo4jRestartsDuringAKafkaOutage() throws Exception {
        try (TestStack stack = TestStack.builder("capture-outage-restart").withBroker().withPrimary("primary").start()) {
            Neo4jServer primary = stack.server("primary");
            Workload before;
            try (Driver driver = primary.driver()) {
                tagged(driver, "first", "CREATE (:Marker)");
                awaitPublished(driver);
                stack.broker().stop();
                before = new Workload(driver, "a", 4, 60, 0);
                before.setup();
                before.run();
            }
            primary.stop();
            primary.start();
            Workload after;
            try (Driver driver = primary.driver()) {
                after = new Workload(driver, "b", 4, 60, 0);
                after.run();
                stack.broker().start();
                awaitPublished(driver);
            }
            TopicEvents log = TopicEvents.read(stack.broker().bootstrapServers(), stack.topic()).assertOrderedUnbrokenChain();
            Map<String, TransactionEvent> byTag = log.byMetadata(Workload.TAG);
            assertThat(byTag.keySet()).containsAll(before.expectEvent()).containsAll(after.expectEvent())
                    .doesNotContainAnyElementsOf(before.expectNoEvent()).doesNotContainAnyElementsOf(after.expectNoEvent());
            assertThat(byTag).hasSize(1 + before.expectEvent().size() + after.expectEvent().size());
        }
    }

    @Test
    void semiSyncCommitIsInKafkaWhenItReturnsAndFallsBackWithinTheTimeoutWhenKafkaIsDown() throws Exception {
        try (TestStack stack = TestStack.builder("capture-semisync").withBroker()
                .withPrimary("primary", s -> s.setting("ha4neo.durability", "semi-sync")
                        .setting("ha4neo.semi_sync.timeout.ms", "1000")).start();
             Driver driver = stack.server("primary").driver();
             TopicTail tail = new TopicTail(stack.broker().bootstrapServers(), stack.topic())) {
            for (int i = 0; i < 30; i++) {
                tagged(driver, "s" + i, "CREATE (:Semi {i: " + i + "})");
                assertThat(tail.committedTags()).as("tags in the topic right after commit s%d returned", i).contains("s" + i);
            }
            assertThat(status(driver).get(StatusColumns.SEMI_SYNC_FALLBACK).asBoolean()).isFalse();

            stack.broker().stop();
            for (int i = 0; i < 5; i++) {
                long t0 = System.nanoTime();
                tagged(driver, "down" + i, "CREATE (:Semi {down: " + i + "})");
                long millis = (System.nanoTime() - t0) / 1_000_000;
                assertThat(millis).as("commit latency with Kafka down (timeout 1000 ms)").isLessThan(1000 + 2000);
            }
            assertThat(status(driver).get(StatusColumns.SEMI_SYNC_FALLBACK).asBoolean()).isTrue();

            stack.broker().start();
            // Steady load while Kafka comes back: the spool always has events in flight, and semi-sync must still
            // return once Kafka keeps up (not only when everything is published at one instant).
            java.util.concurrent.atomic.AtomicBoolean steady = new java.util.concurrent.atomic.AtomicBoolean(true);
            Thread load = new Thread(() -> {
                for (int i = 0; steady.get(); i++) {
                    tagged(driver, "steady" + i, "CREATE (:Semi {steady: " + i + "})");
                }
            }, "steady-writer");
            load.start();
            try {
                long deadline = System.currentTimeMillis() + 90_000;
                while (status(driver).get(StatusColumns.SEMI_SYNC_FALLBACK).asBoolean()) {
                    assertThat(System.currentTimeMillis()).as("semi-sync restored under steady load").isLessThan(deadline);
                    Thread.sleep(200);
                }
                assertThat(load.isAlive()).as("the steady writer is still committing").isTrue();
                tagged(driver, "back", "CREATE (:Semi {back: true})");
                assertThat(tail.committedTags()).as("a commit under load is in Kafka when it returns").contains("back");
            } finally {
                steady.set(false);
                load.join(30_000);
            }
        }
    }

    @Test
    void killNineDuringLoadLeavesNoGapAndRepairsWhatItCutOff() throws Exception {
        try (TestStack stack = TestStack.builder("capture-kill").withBroker().withPrimary("primary").start()) {
            Neo4jServer primary = stack.server("primary");
            try (Driver driver = primary.driver()) {
                Workload load = new Workload(driver, 8, 100_000, 0).withoutRetries();
                load.setup();
                Thread writers = new Thread(() -> runQuietly(load), "writers");
                writers.start();
                Thread.sleep(4_000);
                primary.kill();
                load.stop();
                writers.join();
            }
            primary.start();
            try (Driver driver = primary.driver()) {
                Record s = status(driver);
                long neo4jLast = s.get(StatusColumns.LAST_COMMITTED_ID).asLong();
                List<String> gaps = s.get(StatusColumns.GAPS).asList(v -> v.asString());
                assertThat(gaps).as("a range the kill cut off is repaired from Neo4j's log, never a gap").isEmpty();
                List<String> repairs = s.get(StatusColumns.REPAIRS).asList(v -> v.asString());
                for (String repair : repairs) {
                    Matcher m = Pattern.compile("commit ids (\\d+)\\.\\.(\\d+)").matcher(repair);
                    assertThat(m.find()).as("repair format: %s", repair).isTrue();
                    assertThat(Long.parseLong(m.group(2))).as("repair end = Neo4j's last committed id")
                            .isEqualTo(neo4jLast);
                    assertThat(Long.parseLong(m.group(1))).isLessThanOrEqualTo(neo4jLast);
                }
                tagged(driver, "after-restart", "CREATE (:AfterRestart)");
                awaitPublished(driver);
                TopicEvents log = TopicEvents.read(stack.broker().bootstrapServers(), stack.topic()).assertOrderedUnbrokenChain();
                assertThat(log.byMetadata(Workload.TAG)).containsKey("after-restart");
                System.out.printf("kill -9 test: Neo4j last committed %d, events %d, repairs %s%n", neo4jLast,
                        log.events().size(), repairs);
            }
        }
    }

    private static void assertEveryCommittedTransactionPublishedOnce(TestStack stack, Workload load) throws Exception {
        TopicEvents log = TopicEvents.read(stack.broker().bootstrapServers(), stack.topic()).assertOrderedUnbrokenChain();
        Map<String, TransactionEvent> byTag = log.byMetadata(Workload.TAG);
        assertThat(byTag.keySet()).containsAll(load.expectEvent()).doesNotContainAnyElementsOf(load.expectNoEvent());
        Set<String> unexpected = new HashSet<>(byTag.keySet());
        unexpected.removeAll(load.expectEvent());
        assertThat(unexpected.size()).as("events of transactions whose outcome the client did not see")
                .isLessThanOrEqualTo(load.failures());
    }

    private static void runQuietly(Workload load) {
        try {
            load.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
