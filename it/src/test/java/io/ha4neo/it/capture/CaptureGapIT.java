package io.ha4neo.it.capture;

import static io.ha4neo.it.capture.CaptureIT.awaitPublished;
import static io.ha4neo.it.capture.CaptureIT.status;
import static io.ha4neo.it.capture.CaptureIT.tagged;
import static org.assertj.core.api.Assertions.assertThat;

import io.ha4neo.it.support.ApplierRun;
import io.ha4neo.it.support.TestStack;
import io.ha4neo.it.support.TestStackExtension;
import io.ha4neo.schemas.contract.PublisherState;
import io.ha4neo.schemas.contract.StatusColumns;
import io.ha4neo.schemas.event.TransactionEvent;
import io.ha4neo.launcher.process.Neo4jServer;
import io.ha4neo.launcher.process.WorkDirs;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Record;

/**
 * Commits that Neo4j accepted but capture could not record never become silent gaps: each reaches the log as a gap
 * event, and the applier stops there naming the exact range; and what Neo4j accepts is never such a gap. On real
 * processes: multi-megabyte values travel as fragments (once a reproduced silent gap), and a spool lost in an OS
 * crash while Kafka was down becomes the exact gap after the topic's last record.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CaptureGapIT {
    @RegisterExtension
    static final TestStackExtension STACK = new TestStackExtension(() -> TestStack.builder("capture-gap")
            .withBroker().withPrimary("primary").withStandby("standby").start());

    private static final String BIG_STRING = "é".repeat(3 << 20);
    private static final byte[] BIG_BYTES = bigBytes();

    private static byte[] bigBytes() {
        byte[] b = new byte[5 << 20];
        new java.util.Random(11).nextBytes(b);
        return b;
    }

    @Test
    @Order(1)
    void aTransactionWithMultiMegabyteValuesIsFragmentedNotAGap() throws Exception {
        TestStack stack = STACK.get();
        try (Driver driver = stack.server("primary").driver(); var s = driver.session()) {
            tagged(driver, "before", "CREATE (:Kept {name: 'before'})");
            s.executeWrite(tx -> tx.run("CREATE (:Kept {name: 'huge', s: $s, b: $b})",
                    Map.of("s", BIG_STRING, "b", BIG_BYTES)).consume(), org.neo4j.driver.TransactionConfig.builder()
                    .withMetadata(Map.of(Workload.TAG, "huge")).build());
            awaitPublished(driver);
        }
        TopicEvents log = TopicEvents.read(stack.broker().bootstrapServers(), stack.topic()).assertOrderedUnbrokenChain();
        assertThat(log.events()).noneMatch(TransactionEvent::isGap);
        TransactionEvent huge = log.byMetadata(Workload.TAG).get("huge");
        assertThat(huge.createdNodes()).singleElement().satisfies(n -> {
            assertThat(n.properties().get("s").raw()).isEqualTo(BIG_STRING);
            assertThat((byte[]) n.properties().get("b").raw()).isEqualTo(BIG_BYTES);
        });
    }

    @Test
    @Order(2)
    void aSpoolLostWhileKafkaWasDownBecomesTheExactGapAfterTheTopicsLastRecordAndPublishingContinues()
            throws Exception {
        TestStack stack = STACK.get();
        Neo4jServer primary = stack.server("primary");
        long topicLast;
        try (Driver driver = primary.driver()) {
            tagged(driver, "published", "CREATE (:Kept {name: 'published'})");
            awaitPublished(driver);
            topicLast = status(driver).get(StatusColumns.LAST_PUBLISHED_ID).asLong();
            stack.broker().kill();
            for (int i = 0; i < 200; i++) {
                tagged(driver, "lost-" + i, "CREATE (:Lost {i: " + i + "})" + (i % 2 == 0 ? "" : "-[:R]->(:Lost)"));
            }
        }
        primary.kill();
        WorkDirs.deleteRecursively(spoolDir(primary), "the primary's spool"); // what an OS crash does to files that were never synced
        stack.broker().start();
        primary.start();

        long neo4jLast;
        try (Driver driver = primary.driver()) {
            Record s = status(driver);
            neo4jLast = s.get(StatusColumns.LAST_COMMITTED_ID).asLong();
            assertThat(s.get(StatusColumns.GAPS).asList(v -> v.asString()))
                    .anySatisfy(g -> assertThat(g).startsWith("commit ids " + (topicLast + 1) + ".."));
            tagged(driver, "after-restart", "CREATE (:Kept {name: 'after-restart'})");
            awaitPublished(driver);
            assertThat(status(driver).get(StatusColumns.PUBLISHER_STATE).asString())
                    .isEqualTo(PublisherState.PUBLISHING.name());
        }
        TopicEvents log = TopicEvents.read(stack.broker().bootstrapServers(), stack.topic()).assertOrderedUnbrokenChain();
        TransactionEvent lostGap = log.events().stream()
                .filter(e -> e.isGap() && e.gap().firstCommitId() == topicLast + 1).findFirst().orElseThrow();
        assertThat(lostGap.commitId()).as("the gap ends at Neo4j's last commit id at start-up")
                .isBetween(topicLast + 200, neo4jLast);
        assertThat(lostGap.previousCommitId()).isEqualTo(topicLast);
        assertThat(log.byMetadata(Workload.TAG)).containsKey("after-restart").doesNotContainKey("lost-0");

        ApplierRun run = ApplierRun.untilExit(stack, "standby", stack.topic(), Map.of());
        assertThat(run.exitCode()).as("exit code; log:\n%s", run.log()).isEqualTo(1);
        assertThat(run.log()).contains("capture_gap").contains("commit ids " + (topicLast + 1) + ".." + lostGap.commitId());
        assertThat(keptOnStandby(stack)).containsExactly("before", "huge", "published");
        try (Driver d = stack.server("standby").driver(); var session = d.session()) {
            var huge = session.run("MATCH (k:Kept {name: 'huge'}) RETURN k.s AS s, k.b AS b").single();
            assertThat(huge.get("s").asString()).isEqualTo(BIG_STRING);
            assertThat(huge.get("b").asByteArray()).isEqualTo(BIG_BYTES);
        }
    }

    private static Path spoolDir(Neo4jServer server) {
        return server.homeDir().resolve("data").resolve("ha4neo").resolve(TestStack.DATABASE);
    }

    private static List<String> keptOnStandby(TestStack stack) {
        try (Driver d = stack.server("standby").driver(); var s = d.session()) {
            return s.run("MATCH (k:Kept) RETURN k.name AS n ORDER BY n").list(r -> r.get("n").asString());
        }
    }
}
