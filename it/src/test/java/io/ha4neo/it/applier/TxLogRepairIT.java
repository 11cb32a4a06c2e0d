package io.ha4neo.it.applier;

import static org.assertj.core.api.Assertions.assertThat;

import io.ha4neo.it.applier.GraphSnapshot.Identity;
import io.ha4neo.it.capture.TopicEvents;
import io.ha4neo.it.support.TestStack;
import io.ha4neo.it.support.TestStackExtension;
import io.ha4neo.launcher.process.Neo4jServer;
import io.ha4neo.launcher.process.WorkDirs;
import io.ha4neo.schemas.contract.StatusColumns;
import io.ha4neo.schemas.event.TransactionEvent;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Record;

/**
 * Commits that reached Neo4j's transaction log but not the spool (an OS crash loses the spool's unsynced files) are
 * repaired from Neo4j's own log at start-up, and the standby goes on without a reseed (issue 15). On real processes,
 * under the random workload (every value type, label, property and relationship churn, deletes of entities the
 * standby already holds): the whole spool deleted while Kafka was down; only its last records lost; the primary
 * killed with kill -9 again and again under load. Each time the standby ends equal to the primary (full typed
 * comparison). A range that Neo4j already pruned from its log is reported naming the range, the retention setting and
 * {@code bootstrap}.
 *
 * <p>The crash loop kills the primary {@code -Dha4neo.it.kills} times (3 in CI; the README gives the longer profile).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TxLogRepairIT {
    private static final int KILLS = Integer.getInteger("ha4neo.it.kills", 3);
    private static final long SEED = 15_015L;

    @RegisterExtension
    static final TestStackExtension STACK = new TestStackExtension(() -> TestStack.builder("txlog-repair")
            .withBroker().withPrimary("primary").withStandby("standby").withApplier("standby").start());

    /** The graph both members hold before the first failure; every later workload goes on with it. */
    private static RandomGraphWorkload graph;

    @Test
    @Order(1)
    void aSpoolLostWhileKafkaWasDownIsRepairedFromNeo4jsLogAndTheStandbyEndsEqual() throws Exception {
        TestStack stack = STACK.get();
        Neo4jServer primary = stack.server("primary");
        long topicLast = outageThen(stack, 1, spool -> WorkDirs.deleteRecursively(spool, "the primary's spool"));

        try (Driver p = primary.driver()) {
            Record status = Replication.status(p);
            assertThat(status.get(StatusColumns.GAPS).asList(v -> v.asString())).isEmpty();
            assertThat(status.get(StatusColumns.REPAIRS).asList(v -> v.asString())).singleElement().asString()
                    .startsWith("commit ids " + (topicLast + 1) + "..");
        }
        assertThat(primary.logContains("repaired commit ids " + (topicLast + 1) + "..")).as("one log line per range")
                .isTrue();
        assertStandbyEqual(stack);
        TopicEvents log = TopicEvents.read(stack.broker().bootstrapServers(), stack.topic())
                .assertOrderedUnbrokenChain();
        TransactionEvent repair = log.events().stream().filter(TransactionEvent::isRepair).findFirst().orElseThrow();
        assertThat(repair.previousCommitId()).as("linked after the topic's last record").isEqualTo(topicLast);
        assertThat(repair.repair().firstCommitId()).isEqualTo(topicLast + 1);
        assertThat(repair.deletedNodes()).as("the lost range deleted nodes the standby held").isNotEmpty();
        assertThat(log.events()).noneMatch(TransactionEvent::isGap);
    }

    @Test
    @Order(2)
    void aSpoolThatLostOnlyItsLastRecordsIsRepairedToo() throws Exception {
        TestStack stack = STACK.get();
        outageThen(stack, 2, TxLogRepairIT::cutTheNewestSegment);

        try (Driver p = stack.server("primary").driver()) {
            Record status = Replication.status(p);
            assertThat(status.get(StatusColumns.GAPS).asList(v -> v.asString())).isEmpty();
            assertThat(status.get(StatusColumns.REPAIRS).asList(v -> v.asString())).hasSize(1);
        }
        assertStandbyEqual(stack);
    }

    @Test
    @Order(3)
    void theStandbyEndsEqualAfterThePrimaryIsKilledAgainAndAgainUnderLoad() throws Exception {
        TestStack stack = STACK.get();
        Neo4jServer primary = stack.server("primary");
        Random random = new Random(SEED);
        int repairs = 0;
        try (Driver p = primary.driver()) {
            RandomGraphWorkload load = graph.continued(p, SEED + 3, 1_000_000);
            Thread writers = load.startInBackground();
            for (int kill = 0; kill < KILLS; kill++) {
                // under load: the workload has committed since the last restart, and is committing when killed
                awaitCommitsBeyond(load, load.committed() + 10, kill);
                Thread.sleep(random.nextInt(2_000));
                primary.kill();
                Thread.sleep(random.nextInt(1_000));
                primary.start();
                Record status = Replication.status(p);
                assertThat(status.get(StatusColumns.GAPS).asList(v -> v.asString())).as("gaps after kill %d", kill)
                        .isEmpty();
                repairs += status.get(StatusColumns.REPAIRS).size();
            }
            Thread.sleep(2_000);
            load.stop();
            writers.join();
            System.out.printf("txlog crash loop: %d kills, %d workload commits (%d failed), %d repaired ranges%n",
                    KILLS, load.committed(), load.failures(), repairs);
        }
        assertStandbyEqual(stack);
    }

    @Test
    @Order(4)
    void aRangeNeo4jAlreadyPrunedFromItsLogIsReportedNamingTheRangeTheRetentionAndBootstrap() throws Exception {
        try (TestStack stack = TestStack.builder("txlog-pruned").withBroker()
                .withPrimary("primary", s -> s.setting("db.tx_log.rotation.retention_policy", "1 files")
                        .setting("db.tx_log.rotation.size", "128k")).start()) {
            Neo4jServer primary = stack.server("primary");
            long topicLast;
            try (Driver p = primary.driver(); var s = p.session()) {
                s.run("CREATE (:Published)").consume();
                awaitPublished(p);
                topicLast = Replication.status(p).get(StatusColumns.LAST_PUBLISHED_ID).asLong();
                stack.broker().kill();
                for (int i = 0; i < 40; i++) { // 40 × 16 KB: five or more 128 KiB log files
                    s.run("CREATE (:Lost {blob: $b})", java.util.Map.of("b", "y".repeat(16_000))).consume();
                }
            }
            primary.stop(); // its shutdown checkpoint prunes the log files the retention no longer keeps
            WorkDirs.deleteRecursively(spoolDir(primary), "the primary's spool");
            stack.broker().start();
            primary.start();

            try (Driver p = primary.driver()) {
                List<String> gaps = Replication.status(p).get(StatusColumns.GAPS).asList(v -> v.asString());
                assertThat(gaps).singleElement().asString().startsWith("commit ids " + (topicLast + 1) + "..")
                        .contains("no longer in Neo4j's transaction log")
                        .contains("db.tx_log.rotation.retention_policy=1 files").contains("ha4neo bootstrap");
            }
            assertThat(primary.logContains("db.tx_log.rotation.retention_policy=1 files keeps 1 files of"))
                    .as("the start-up warning that the retention is too short").isTrue();
        }
    }

    /**
     * Commits (with the standby caught up) while the broker is down, kills the primary, does {@code toTheSpool} to its
     * spool as an OS crash would, then starts the broker and the primary again.
     *
     * @return the topic's last commit id before the outage
     */
    private static long outageThen(TestStack stack, int round, SpoolDamage toTheSpool) throws Exception {
        Neo4jServer primary = stack.server("primary");
        long topicLast;
        try (Driver p = primary.driver(); Driver s = stack.server("standby").driver()) {
            if (graph == null) {
                graph = new RandomGraphWorkload(p, SEED, 2, 100, 0);
                graph.run();
            }
            Replication.awaitCaughtUp(stack, p, s, Duration.ofSeconds(120));
            topicLast = Replication.status(p).get(StatusColumns.LAST_PUBLISHED_ID).asLong();
            stack.broker().kill();
            RandomGraphWorkload lost = graph.continued(p, SEED + round, 100);
            lost.run();
            assertThat(lost.committed()).as("commits while Kafka was down (first failure %s)", lost.firstFailure())
                    .isGreaterThan(150);
        }
        primary.kill();
        toTheSpool.damage(spoolDir(primary));
        stack.broker().start();
        primary.start();
        return topicLast;
    }

    @FunctionalInterface
    private interface SpoolDamage {
        void damage(Path spoolDir) throws Exception;
    }

    /** Cuts the last quarter of the newest spool segment: a torn tail, as an OS crash leaves unsynced writes. */
    private static void cutTheNewestSegment(Path spoolDir) throws Exception {
        Path newest;
        try (Stream<Path> files = Files.list(spoolDir)) {
            newest = files.filter(f -> f.getFileName().toString().matches("spool-\\d+\\.log")).sorted()
                    .reduce((a, b) -> b).orElseThrow();
        }
        try (FileChannel channel = FileChannel.open(newest, StandardOpenOption.WRITE)) {
            long size = channel.size();
            channel.truncate(size - size / 4);
            System.out.printf("txlog: cut %s from %d to %d bytes%n", newest.getFileName(), size, size - size / 4);
        }
    }

    /** Until the primary's publisher has everything it spooled in Kafka. */
    private static void awaitPublished(Driver primary) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            Record s = Replication.status(primary);
            if (s.get(StatusColumns.LAST_PUBLISHED_ID).asLong() >= s.get(StatusColumns.LAST_SPOOLED_ID).asLong()
                    && io.ha4neo.schemas.contract.PublisherState.PUBLISHING.name()
                            .equals(s.get(StatusColumns.PUBLISHER_STATE).asString())) {
                return;
            }
            assertThat(System.nanoTime()).as("published: %s", s).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static Path spoolDir(Neo4jServer server) {
        return server.homeDir().resolve("data").resolve("ha4neo").resolve(TestStack.DATABASE);
    }

    private static void assertStandbyEqual(TestStack stack) throws Exception {
        try (Driver p = stack.server("primary").driver(); Driver s = stack.server("standby").driver()) {
            long caughtUp = Replication.awaitCaughtUp(stack, p, s, Duration.ofSeconds(180));
            GraphSnapshot expected = GraphSnapshot.of(p, Identity.ORIGIN);
            GraphSnapshot actual = GraphSnapshot.of(s, Identity.REPLICA);
            System.out.printf("txlog: caught up at commit %d; primary %s%n", caughtUp, expected);
            assertThat(actual.problems()).as("entities applied twice").isEmpty();
            expected.assertSameAs(actual);
        }
    }

    /** Waits until the workload has committed {@code target} transactions in all: it runs against the live primary. */
    private static void awaitCommitsBeyond(RandomGraphWorkload load, int target, int kill) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(120);
        while (load.committed() < target) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("before kill " + kill + " the workload committed only " + load.committed()
                        + " of " + target + " transactions within 120 s (first failure " + load.firstFailure() + ")");
            }
            Thread.sleep(50);
        }
    }
}
