package io.ha4neo.it.roles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ha4neo.it.applier.GraphSnapshot;
import io.ha4neo.it.applier.Replication;
import io.ha4neo.it.support.OpsCliRun;
import io.ha4neo.it.support.TestStack;
import io.ha4neo.it.support.TestStackExtension;
import io.ha4neo.launcher.process.Neo4jServer;
import io.ha4neo.schemas.codec.EventCodec;
import io.ha4neo.schemas.codec.EventCodecs;
import io.ha4neo.schemas.contract.ProcedureNames;
import io.ha4neo.schemas.contract.RecordHeaders;
import io.ha4neo.schemas.contract.StatusColumns;
import io.ha4neo.schemas.event.NodeCreated;
import io.ha4neo.schemas.event.TransactionEvent;
import io.ha4neo.topology.cli.ExitCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;

/**
 * Crash failover through the ops CLI, on two members that each run the plugin and an applier. The tests run in order
 * on one stack; the roles they leave behind are where the next one starts:
 * <ol>
 *   <li>semi-sync failing closed: kill -9 the primary a under load, fail over to b. Every commit a client saw
 *       acknowledged is on b. a restarts, finds the newer epoch, is read-only at once, undoes what it committed after
 *       the handover point (never acknowledged) and follows b; nothing it publishes lands. The graphs end equal.</li>
 *   <li>async (b lingers before publishing, so the crash leaves unpublished commits): kill -9 b under load, fail over
 *       to a. b restarts FENCED; its divergent tail is exactly the commits it has that a does not; rejoin is refused
 *       until the operator discards the tail; then b follows and the graphs end equal.</li>
 *   <li>semi-sync, died between commit and capture: with Kafka down, a's commit waits for Kafka's ack, in its store; a is killed and its spool loses them. After a failover to b, a restarts, reads from Neo4j's own log that
 *       those commits only created entities, deletes them, and follows b; the graphs end equal.</li>
 * </ol>
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailoverIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TAIL_COMMIT = Pattern.compile("^commit (\\d+) \\(epoch (\\d+)\\)");

    @RegisterExtension
    static final TestStackExtension STACK = new TestStackExtension(() -> TestStack.builder("roles-failover")
            .withBroker()
            .withPrimary("a", s -> s.setting("ha4neo.durability", "semi-sync")
                    .setting("ha4neo.semi_sync.on.timeout", "refuse"))
            .withStandby("b", s -> s.setting("ha4neo.publish.linger.ms", "1000")) // async, publishes once a second
            .withApplier("a").withApplier("b").start());

    @TempDir
    static Path dir;

    @Test
    @Order(1)
    void semiSyncFailoverKeepsEveryAcknowledgedCommitAndTheOldPrimaryUndoesItsTailAndFollows() throws Exception {
        Path cluster = clusterFile();
        Writer writer = new Writer("a", "semi");
        writer.start(1);
        awaitAcknowledged(writer, 20, Duration.ofSeconds(60));
        STACK.get().server("a").kill();
        writer.stop();

        OpsCliRun run = OpsCliRun.of("--cluster", cluster.toString(), "--json", "failover", "--to", "b");
        assertThat(run.code()).as(run.toString()).isEqualTo(ExitCodes.OK);
        JsonNode result = JSON.readTree(run.out());
        assertThat(result.get("epoch").asLong()).as(run.toString()).isEqualTo(1);
        try (Driver b = STACK.get().server("b").driver()) {
            assertThat(loadIds(b, "semi")).as("every acknowledged commit is on the new primary")
                    .containsAll(writer.acknowledged);
            write(b, "after-failover", 1);
        }

        STACK.get().server("a").start();

        try (Driver a = STACK.get().server("a").driver(); Driver b = STACK.get().server("b").driver()) {
            Record status = awaitRole(a, "standby", Duration.ofSeconds(60));
            assertThat(status.get(StatusColumns.DIVERGENT_TAIL).asList()).isEmpty();
            assertThatThrownBy(() -> write(a, "to-the-old-primary", 1)).hasMessageContaining("standby");
            write(b, "after-rejoin", 2);
            Replication.awaitApplied(b, a);
            assertThat(GraphSnapshot.of(a, GraphSnapshot.Identity.KEY).differencesFrom(
                    GraphSnapshot.of(b, GraphSnapshot.Identity.KEY), 25)).isEmpty();
        }
        assertNothingOfAnOlderEpochAfterItsEpochStart();
        assertThat(Files.readString(STACK.get().server("a").logFile())).contains("rejoined");
        System.out.println("semi-sync failover: " + run.out());
    }

    @Test
    @Order(2)
    void asyncFailoverReportsTheExactDivergentTailAndRejoinWaitsForTheOperator() throws Exception {
        Path cluster = clusterFile();
        Writer writer = new Writer("b", "async");
        writer.start(2);
        awaitAcknowledged(writer, 20, Duration.ofSeconds(60));
        writer.stop();
        // Every commit so far has returned, so each went through capture; after a second b has published them all and
        // its publisher idles. A burst then waits out b's one-second linger in its spool, and b dies before it ends:
        // exactly the burst is acknowledged, in b's store, and never in Kafka.
        Thread.sleep(1500);
        Set<Long> burst = new HashSet<>();
        try (Driver b = STACK.get().server("b").driver(); Session s = b.session()) {
            for (long id = 1_000_000; id < 1_000_005; id++) {
                long node = id;
                s.executeWriteWithoutResult(tx -> tx.run("CREATE (:Load {id: $id, tag: 'async'})",
                        Map.of("id", node)).consume());
                burst.add(id);
                writer.acknowledged.add(id);
            }
        }
        STACK.get().server("b").kill();

        OpsCliRun run = OpsCliRun.of("--cluster", cluster.toString(), "--json", "failover", "--to", "a");
        assertThat(run.code()).as(run.toString()).isEqualTo(ExitCodes.OK);
        assertThat(JSON.readTree(run.out()).get("epoch").asLong()).as(run.toString()).isEqualTo(2);

        STACK.get().server("b").start();
        try (Driver a = STACK.get().server("a").driver(); Driver b = STACK.get().server("b").driver()) {
            Record status = awaitRole(b, "fenced", Duration.ofSeconds(60));
            List<String> tail = status.get(StatusColumns.DIVERGENT_TAIL).asList(v -> v.asString());
            assertThat(tail).as("the crash left unpublished commits").isNotEmpty();

            // The tail is exactly what b has that the log does not: the nodes its tail commits created are the
            // nodes b has and a does not.
            Set<Long> onlyOnB = new HashSet<>(loadIds(b, "async"));
            onlyOnB.removeAll(loadIds(a, "async"));
            Set<Long> tailCommits = new HashSet<>();
            for (String line : tail) {
                Matcher m = TAIL_COMMIT.matcher(line);
                assertThat(m.find()).as("a tail line names its commit: %s", line).isTrue();
                assertThat(m.group(2)).isEqualTo("1");
                tailCommits.add(Long.parseLong(m.group(1)));
            }
            Map<Long, Set<Long>> exported = exportedTail(STACK.get().server("b"), 1);
            assertThat(exported.keySet()).as("exported commits = reported commits").isEqualTo(tailCommits);
            Set<Long> createdByTail = new HashSet<>();
            exported.values().forEach(createdByTail::addAll);
            assertThat(createdByTail).as("nodes the tail created = nodes only b has").isEqualTo(onlyOnB);
            assertThat(onlyOnB).as("the lost commits are exactly the burst that never reached Kafka").isEqualTo(burst);
            Set<Long> acknowledgedButLost = new HashSet<>(writer.acknowledged);
            acknowledgedButLost.removeAll(loadIds(a, "async"));
            assertThat(createdByTail).as("async: every acknowledged commit the failover lost is in the reported tail")
                    .containsAll(acknowledgedButLost);

            // Refused until the operator deals with it: clients, the applier, and a plain rejoin.
            assertThatThrownBy(() -> write(b, "to-the-fenced", 1)).hasMessageContaining("FENCED");
            OpsCliRun refused = OpsCliRun.of("--cluster", cluster.toString(), "rejoin", "b");
            assertThat(refused.code()).as(refused.toString()).isEqualTo(ExitCodes.UNHEALTHY);
            assertThat(awaitRole(b, "fenced", Duration.ofSeconds(5))).isNotNull();

            OpsCliRun discard = OpsCliRun.of("--cluster", cluster.toString(), "rejoin", "b", "--discard-tail");
            assertThat(discard.code()).as(discard.toString()).isEqualTo(ExitCodes.OK);
            awaitRole(b, "standby", Duration.ofSeconds(30));
            write(a, "after-discard", 2);
            Replication.awaitApplied(a, b);
            assertThat(GraphSnapshot.of(b, GraphSnapshot.Identity.KEY).differencesFrom(
                    GraphSnapshot.of(a, GraphSnapshot.Identity.KEY), 25)).isEmpty();
        }
        assertNothingOfAnOlderEpochAfterItsEpochStart();
    }

    @Test
    @Order(3)
    void aSemiSyncPrimaryThatDiedBetweenCommitAndCaptureUndoesThoseCommitsFromNeo4jsLogAndFollows() throws Exception {
        Path cluster = clusterFile();
        Neo4jServer a = STACK.get().server("a");
        try (Driver da = a.driver(); Driver db = STACK.get().server("b").driver()) {
            write(da, "before-outage", 1);
            Replication.awaitApplied(da, db);
        }
        // Kafka is gone: a's semi-sync commit is in its store and spool, and its client waits for Kafka's ack
        STACK.get().broker().kill();
        java.util.concurrent.atomic.AtomicReference<Throwable> outcome = new java.util.concurrent.atomic.AtomicReference<>();
        Thread waiting = new Thread(() -> {
            try (Driver da = a.driver(); Session s = da.session(); org.neo4j.driver.Transaction tx = s.beginTransaction()) {
                tx.run("CREATE (:Load {id: 2000000, tag: 'uncaptured'})-[:NEXT]->(:Load {id: 2000001, tag: 'uncaptured'})")
                        .consume();
                tx.commit(); // no retry after a is killed
            } catch (Throwable e) {
                outcome.set(e);
            }
        }, "failover-uncaptured-writer");
        waiting.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Files.readString(a.logFile()).contains("within 2000 ms; client writes are refused")) {
            assertThat(System.nanoTime()).as("semi-sync timed out on a's commit").isLessThan(deadline);
            Thread.sleep(200);
        }
        a.kill();
        waiting.join(60_000);
        assertThat(outcome.get()).as("the waiting client never saw its commit acknowledged").isNotNull();
        // and the spool lost its newest records: those commits are in Neo4j's store and log, and nowhere else
        cutTheNewestSpoolSegment(a);
        STACK.get().broker().start();

        OpsCliRun run = OpsCliRun.of("--cluster", cluster.toString(), "--json", "failover", "--to", "b");
        assertThat(run.code()).as(run.toString()).isEqualTo(ExitCodes.OK);
        assertThat(JSON.readTree(run.out()).get("epoch").asLong()).as(run.toString()).isEqualTo(3);

        a.start();
        try (Driver da = a.driver(); Driver db = STACK.get().server("b").driver()) {
            Record status = awaitRole(da, "standby", Duration.ofSeconds(60));
            assertThat(status.get(StatusColumns.DIVERGENT_TAIL).asList()).isEmpty();
            assertThat(loadIds(da, "uncaptured")).as("the uncaptured creations are undone").isEmpty();
            write(db, "after-uncaptured", 2);
            Replication.awaitApplied(db, da);
            assertThat(GraphSnapshot.of(da, GraphSnapshot.Identity.KEY).differencesFrom(
                    GraphSnapshot.of(db, GraphSnapshot.Identity.KEY), 25)).isEmpty();
        }
        String log = Files.readString(a.logFile());
        assertThat(log).as("a's log").contains("were never captured, but Neo4j's transaction log shows they only created")
                .contains("undid its divergent tail");
        assertNothingOfAnOlderEpochAfterItsEpochStart();
    }

    /** Cuts the last quarter of a's newest spool segment (a torn write there is what a crash leaves). */
    private static void cutTheNewestSpoolSegment(Neo4jServer server) throws Exception {
        Path spool = server.homeDir().resolve("data").resolve("ha4neo").resolve(TestStack.DATABASE);
        Path newest;
        try (var files = Files.list(spool)) {
            newest = files.filter(f -> f.getFileName().toString().matches("spool-\\d+\\.log")).sorted()
                    .reduce((x, y) -> y).orElseThrow();
        }
        try (var channel = java.nio.channels.FileChannel.open(newest, java.nio.file.StandardOpenOption.WRITE)) {
            long size = channel.size();
            channel.truncate(size - Math.max(1, size / 4));
        }
    }

    // ------------------------------------------------------------------------------------------ helpers

    /** Writers creating one node per transaction on one member, recording what was acknowledged. */
    private static final class Writer {
        final Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
        private final String member;
        private final String tag;
        private final AtomicLong ids = new AtomicLong();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final List<Thread> threads = new ArrayList<>();

        Writer(String member, String tag) {
            this.member = member;
            this.tag = tag;
        }

        void start(int count) {
            for (int w = 0; w < count; w++) {
                Thread t = new Thread(this::run, "failover-writer-" + tag + "-" + w);
                threads.add(t);
                t.start();
            }
        }

        private void run() {
            try (Driver d = STACK.get().server(member).driver()) {
                while (!stop.get()) {
                    long id = ids.incrementAndGet();
                    // an explicit transaction: the driver's transaction functions would retry for 30 s after the
                    // member is killed, and stop() would wait for that
                    try (Session s = d.session(); org.neo4j.driver.Transaction tx = s.beginTransaction()) {
                        tx.run("CREATE (:Load {id: $id, tag: $t, at: datetime()})", Map.of("id", id, "t", tag))
                                .consume();
                        tx.commit();
                        acknowledged.add(id);
                    } catch (RuntimeException e) {
                        // refused (semi-sync failing closed while Kafka lags), or the member was killed
                        sleep(50);
                    }
                }
            }
        }

        private static void sleep(long ms) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void stop() throws InterruptedException {
            stop.set(true);
            for (Thread t : threads) {
                t.join(60_000);
            }
        }
    }

    private static void awaitAcknowledged(Writer writer, int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (writer.acknowledged.size() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + writer.acknowledged.size() + " writes acknowledged within " + timeout);
            }
            Thread.sleep(50);
        }
    }

    private static void write(Driver d, String tag, int nodes) {
        try (Session s = d.session()) {
            s.executeWriteWithoutResult(tx -> tx.run("UNWIND range(1, $n) AS i CREATE (:Load {id: -i, tag: $t})",
                    Map.of("n", nodes, "t", tag)).consume());
        }
    }

    private static Set<Long> loadIds(Driver d, String tag) {
        try (Session s = d.session()) {
            return new HashSet<>(s.run("MATCH (n:Load {tag: $t}) RETURN n.id AS id", Map.of("t", tag))
                    .list(r -> r.get("id").asLong()));
        }
    }

    private static Record awaitRole(Driver d, String role, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Record last = null;
        while (System.nanoTime() < deadline) {
            try (Session s = d.session()) {
                last = s.run(ProcedureNames.call(ProcedureNames.STATUS)).single();
                if (last.get(StatusColumns.ROLE).asString().equals(role)) {
                    return last;
                }
            } catch (RuntimeException e) {
                // starting up
            }
            Thread.sleep(200);
        }
        throw new AssertionError("member not " + role + " within " + timeout + "; last status " + last);
    }


    /** The export file of a fenced member: for each commit, the Load ids its events created. */
    private static Map<Long, Set<Long>> exportedTail(Neo4jServer server, long epoch) throws Exception {
        Path file = server.homeDir().resolve("data").resolve("ha4neo").resolve(TestStack.DATABASE)
                .resolve("divergent-tail-epoch-" + epoch + ".jsonl");
        EventCodec codec = EventCodecs.embedded();
        Map<Long, Set<Long>> out = new java.util.TreeMap<>();
        for (String line : Files.readAllLines(file)) {
            JsonNode json = JSON.readTree(line);
            TransactionEvent e = codec.decode(Base64.getDecoder().decode(json.get("record").asText()));
            Set<Long> ids = out.computeIfAbsent(json.get("commitId").asLong(), k -> new HashSet<>());
            for (NodeCreated n : e.createdNodes()) {
                if (n.labels().contains("Load")) {
                    ids.add((Long) n.properties().get("id").raw());
                }
            }
        }
        return out;
    }

    /** Nothing a fenced primary published landed after a newer epoch began: epochs never go down along the log. */
    private static void assertNothingOfAnOlderEpochAfterItsEpochStart() {
        Map<String, Object> p = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, STACK.get().broker().bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(STACK.get().topic(), 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            long maxEpoch = 0;
            while (c.position(tp) < end) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    Header h = r.headers().lastHeader(RecordHeaders.EPOCH);
                    long epoch = RecordHeaders.parseEpoch(h == null ? null : h.value()).orElse(0);
                    assertThat(epoch).as("epoch of the record at offset %d", r.offset()).isGreaterThanOrEqualTo(maxEpoch);
                    maxEpoch = epoch;
                }
            }
        }
    }

    private static Path clusterFile() throws Exception {
        return STACK.get().writeClusterFile(dir.resolve("cluster.json"), List.of("a", "b"));
    }
}
