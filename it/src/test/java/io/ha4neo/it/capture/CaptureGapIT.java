package io.ha4neo.it.capture;

import static io.ha4neo.it.capture.CaptureIT.awaitPublished;
import static io.ha4neo.it.capture.CaptureIT.status;
import static io.ha4neo.it.capture.CaptureIT.tagged;
import static org.assertj.core.api.Assertions.assertThat;

import io.ha4neo.it.support.ApplierRun;
import io.ha4neo.it.support.TestStack;
import io.ha4neo.it.support.TestStackExtension;
import io.ha4neo.launcher.process.Neo4jServer;
import io.ha4neo.launcher.process.WorkDirs;
import io.ha4neo.schemas.contract.PublisherState;
import io.ha4neo.schemas.contract.StatusColumns;
import io.ha4neo.schemas.event.TransactionEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Record;
import org.neo4j.driver.TransactionConfig;

/**
 * Commits that Neo4j accepted but capture could not record never become silent gaps: each reaches the log as a gap
 * event, and the applier stops there naming the exact range; and what Neo4j accepts is never such a gap. On real
 * processes: multi-megabyte values travel as fragments (once a reproduced silent gap), a transaction of about
 * 50 MB reaches the standby intact, and a spool lost in an OS crash while Kafka was down, with a schema change among
 * its commits (which a repair from Neo4j's transaction log does not rebuild), becomes the exact gap after the topic's
 * last record. Lost ranges that can be repaired are {@code TxLogRepairIT}'s.
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
        new Random(11).nextBytes(b);
        return b;
    }

    /**
     * One transaction of about 50 MB: 500 nodes, each with a 50,000-character string (UTF-8 about 56 KB: one character
     * in ten is 'é' or '漢') and 50,000 random bytes. Its values are below the fragment size, so it travels as about
     * 60 chunks of whole changes, all in one Kafka transaction; the standby applies it as one transaction.
     *
     * <p>No limit of the stack is raised for it, on purpose: it must pass with the defaults. Chunks stay under
     * ha4neo.chunk.max.bytes (900 KiB), below Kafka's default 1 MB message size; the producer streams them through its
     * 32 MB buffer. Measured with GC logs (2026-12): the primary's live heap peaks at about 320 MB of its 512 MB while
     * it commits and captures the transaction, the standby's at about 250 MB, the applier's at about 110 MB of 256 MB.
     */
    private static final int BULK_NODES = 500;
    private static final int BULK_VALUE_LENGTH = 50_000;

    private static Map<String, Object> bulkRow(int i) {
        Random random = new Random(1_000 + i);
        char[] chars = new char[BULK_VALUE_LENGTH];
        for (int c = 0; c < chars.length; c++) {
            int r = random.nextInt(20);
            chars[c] = r == 0 ? 'é' : r == 1 ? '漢' : (char) ('a' + random.nextInt(26));
        }
        byte[] bytes = new byte[BULK_VALUE_LENGTH];
        random.nextBytes(bytes);
        return Map.of("i", (long) i, "s", new String(chars), "b", bytes);
    }

    /** SHA-256 of each bulk node's string and bytes, by its {@code i}, as committed. */
    private static final Map<Long, String> BULK_HASHES = IntStream.range(0, BULK_NODES)
            .mapToObj(CaptureGapIT::bulkRow).collect(Collectors.toMap(r -> (Long) r.get("i"),
                    r -> sha256((String) r.get("s"), (byte[]) r.get("b"))));

    private static String sha256(String s, byte[] b) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            digest.update(ByteBuffer.allocate(4).putInt(utf8.length).array()); // where s ends and b begins
            digest.update(utf8);
            digest.update(b);
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The same hashes, of the bulk nodes a server holds (one property missing or of another type fails here). */
    private static Map<Long, String> bulkHashes(Neo4jServer server) {
        try (Driver d = server.driver(); var s = d.session()) {
            return s.run("MATCH (n:Bulk) RETURN n.i AS i, n.s AS s, n.b AS b").stream().collect(
                    Collectors.toMap(r -> r.get("i").asLong(),
                            r -> sha256(r.get("s").asString(), r.get("b").asByteArray())));
        }
    }

    @Test
    @Order(1)
    void aTransactionWithMultiMegabyteValuesIsFragmentedNotAGap() throws Exception {
        TestStack stack = STACK.get();
        try (Driver driver = stack.server("primary").driver(); var s = driver.session()) {
            tagged(driver, "before", "CREATE (:Kept {name: 'before'})");
            s.executeWrite(tx -> tx.run("CREATE (:Kept {name: 'huge', s: $s, b: $b})",
                    Map.of("s", BIG_STRING, "b", BIG_BYTES)).consume(), TransactionConfig.builder()
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

    /** Published here; applied and compared on the standby by the next test, whose applier run ends at its gap. */
    @Test
    @Order(2)
    void aFiftyMegabyteTransactionIsCommittedAndPublished() throws Exception {
        TestStack stack = STACK.get();
        List<Map<String, Object>> rows = IntStream.range(0, BULK_NODES)
                .mapToObj(CaptureGapIT::bulkRow).toList();
        long start = System.nanoTime();
        try (Driver driver = stack.server("primary").driver(); var s = driver.session()) {
            s.executeWrite(tx -> tx.run("UNWIND $rows AS r CREATE (:Bulk {i: r.i, s: r.s, b: r.b})",
                    Map.of("rows", rows)).consume(), TransactionConfig.builder()
                    .withMetadata(Map.of(Workload.TAG, "bulk")).build());
            long committed = System.nanoTime();
            awaitPublished(driver);
            System.out.printf("50 MB transaction: committed in %.1f s, published %.1f s later%n",
                    (committed - start) / 1e9, (System.nanoTime() - committed) / 1e9);
        }
    }

    @Test
    @Order(3)
    void aSpoolLostWhileKafkaWasDownWithASchemaChangeInItBecomesTheExactGapAfterTheTopicsLastRecord()
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
                if (i == 100) { // a schema change: the one kind of commit a repair from the transaction log refuses
                    tagged(driver, "lost-index", "CREATE INDEX lost_i FOR (n:Lost) ON (n.i)");
                }
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
        assertThat(lostGap.gap().reason()).as("why the range was not repaired").contains("not repaired")
                .contains("schema change").contains("bootstrap");
        assertThat(log.byMetadata(Workload.TAG)).containsKey("after-restart").doesNotContainKey("lost-0");
        assertThat(log.byMetadata(Workload.TAG).get("bulk").createdNodes()).as("the 50 MB transaction, as one event")
                .hasSize(BULK_NODES);

        ApplierRun run = ApplierRun.untilExit(stack, "standby", stack.topic(), Map.of());
        assertThat(run.exitCode()).as("exit code; log:\n%s", run.log()).isEqualTo(1);
        assertThat(run.log()).contains("capture_gap").contains("commit ids " + (topicLast + 1) + ".." + lostGap.commitId());
        assertThat(keptOnStandby(stack)).containsExactly("before", "huge", "published");
        try (Driver d = stack.server("standby").driver(); var session = d.session()) {
            var huge = session.run("MATCH (k:Kept {name: 'huge'}) RETURN k.s AS s, k.b AS b").single();
            assertThat(huge.get("s").asString()).isEqualTo(BIG_STRING);
            assertThat(huge.get("b").asByteArray()).isEqualTo(BIG_BYTES);
        }
        assertThat(bulkHashes(stack.server("standby"))).as("the 50 MB transaction on the standby, node by node")
                .isEqualTo(BULK_HASHES);
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
