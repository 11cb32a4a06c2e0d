package io.ha4neo.it.roles;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ha4neo.it.applier.GraphSnapshot;
import io.ha4neo.it.applier.Replication;
import io.ha4neo.launcher.process.ApplierProcess;
import io.ha4neo.schemas.topology.TopicNames;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import io.ha4neo.it.support.OpsCliRun;
import io.ha4neo.it.support.TestStack;
import io.ha4neo.it.support.TestStackExtension;
import io.ha4neo.schemas.contract.ProcedureNames;
import io.ha4neo.schemas.contract.StatusColumns;
import io.ha4neo.topology.cli.ExitCodes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Record;
import org.neo4j.driver.Session;

/**
 * Planned switchovers under load, through the ops CLI, on three members that each run the plugin and an applier (the
 * applier idles while its member is primary). Members a and b swap roles ten times while writers keep writing to
 * whichever member is primary, retrying when a write is refused; member c is never involved and must follow every
 * new primary across the epoch changes by itself (the regression test for standbys that dropped a new primary's
 * events as "already applied"). After each switchover: RPO 0, RTO printed, every acknowledged write on the new
 * primary, and all three graphs equal (typed comparison, entities by replication key).
 *
 * <p>Before that, on the same stack, the standbys' own appliers: b and c each have a consumer group of their own
 * (their lag shows separately through Kafka's Admin API), and c has two appliers in its group, of which the group lets
 * exactly one apply. kill -9 of that one under load: the passive one takes over (within 10 s), the killed one comes
 * back passive, and every graph ends equal. The switchovers then run with c's second applier.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SwitchoverIT {
    private static final int SWITCHOVERS = Integer.getInteger("ha4neo.it.switchovers", 10);
    private static final int WRITERS = 3;
    private static final List<String> MEMBERS = List.of("a", "b", "c");
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final TestStackExtension STACK = new TestStackExtension(() -> TestStack.builder("roles-switchover")
            .withBroker().withPrimary("a").withStandby("b").withStandby("c")
            .withApplier("a").withApplier("b").withApplier("c").withApplierNamed("c2", "c", x -> { }).start());

    @TempDir
    static Path dir;

    private static final Map<String, Driver> drivers = new LinkedHashMap<>();

    @BeforeAll
    static void openDrivers() {
        MEMBERS.forEach(m -> drivers.put(m, STACK.get().server(m).driver()));
    }

    @AfterAll
    static void closeDrivers() {
        drivers.values().forEach(Driver::close);
    }

    @Test
    @Order(1)
    void eachStandbyHasAGroupOfItsOwnAndAPassiveApplierTakesOverWhenTheActiveOneIsKilled() throws Exception {
        createLoadIndex();
        ApplierProcess first = STACK.get().applier("c");
        ApplierProcess second = STACK.get().applier("c2");
        Workload load = new Workload();
        load.start();
        ApplierProcess active;
        ApplierProcess passive;
        long takeoverMillis;
        try {
            active = awaitOneActiveOnePassive(first, second);
            passive = active == first ? second : first;
            Thread.sleep(1000); // under load
            long killedAt = System.nanoTime();
            active.kill();
            awaitState(passive, s -> !s.equals("PASSIVE"), "the passive applier takes over");
            takeoverMillis = (System.nanoTime() - killedAt) / 1_000_000;
            System.out.printf("applier failover: c's passive applier held the partition %d ms after kill -9 of the "
                    + "active one%n", takeoverMillis);
            Thread.sleep(1000); // the new one applies under load
            active.start();
            awaitState(active, s -> s.equals("PASSIVE"), "the killed applier comes back passive");
        } finally {
            load.pause();
        }
        try {
            assertEveryMemberHasEverythingAndEqual("a", 0, load, 0);
            eachStandbysLagShowsSeparatelyInItsOwnGroup(active, passive);
            statusShowsTheApplierThatAppliesAndTheOneStandingBy(passive, active);
        } finally {
            load.resume();
            load.stop();
        }
        assertThat(load.failures()).as("unexpected writer errors").isEmpty();
        // The group's session timeout (6 s) hands the partition over, not max.poll.interval.ms (minutes): measured
        // 6.0-7.0 s; the bound leaves room for a starved 2-core machine and still tells the two apart.
        assertThat(takeoverMillis).as("the passive applier's takeover after kill -9 of the active one (the group's "
                + "session timeout is 6 s)").isLessThan(20_000);
    }

    private static ApplierProcess awaitOneActiveOnePassive(ApplierProcess first, ApplierProcess second)
            throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        String a = null;
        String b = null;
        while (System.nanoTime() < deadline) {
            a = Replication.state(first);
            b = Replication.state(second);
            if ("PASSIVE".equals(a) != "PASSIVE".equals(b) && APPLYING_STATES.contains(a == null || a.equals("PASSIVE")
                    ? b : a)) {
                return "PASSIVE".equals(a) ? second : first;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("c's two appliers are not one applying and one passive within 60 s: " + a + ", " + b);
    }

    private static final Set<String> APPLYING_STATES = Set.of("POSITIONING", "APPLYING", "CAUGHT_UP");

    private static void awaitState(ApplierProcess applier, java.util.function.Predicate<String> wanted, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        String state = null;
        while (System.nanoTime() < deadline) {
            state = Replication.state(applier);
            if (state != null && wanted.test(state)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError(what + ": not within 60 s; state " + state);
    }

    /**
     * Every standby's group has committed the end of the topic (the workload is paused and each standby has applied
     * everything), each in its own group; in c's group both appliers are members and exactly one holds the partition.
     */
    private static void eachStandbysLagShowsSeparatelyInItsOwnGroup(ApplierProcess active, ApplierProcess passive)
            throws Exception {
        String topic = STACK.get().topic();
        TopicPartition tp = new TopicPartition(topic, 0);
        Map<String, String> groups = Map.of("b", TopicNames.applierGroup(topic, "b"),
                "c", TopicNames.applierGroup(topic, "c"));
        try (Admin admin = STACK.get().broker().admin()) {
            long end = admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get(30, TimeUnit.SECONDS)
                    .offset();
            for (Map.Entry<String, String> g : groups.entrySet()) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                long committed;
                do {
                    Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(g.getValue())
                            .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
                    committed = offsets.containsKey(tp) ? offsets.get(tp).offset() : -1;
                    if (committed != end) {
                        Thread.sleep(200);
                    }
                } while (committed != end && System.nanoTime() < deadline);
                assertThat(end - committed).as("lag of standby %s in its group %s", g.getKey(), g.getValue()).isZero();
            }
            ConsumerGroupDescription c = admin.describeConsumerGroups(List.of(groups.get("c"))).describedGroups()
                    .get(groups.get("c")).get(30, TimeUnit.SECONDS);
            assertThat(c.members()).as("c's group: both appliers").hasSize(2);
            assertThat(c.members().stream().filter(m -> !m.assignment().topicPartitions().isEmpty()).toList())
                    .as("c's group: exactly one applier holds the partition").hasSize(1);
        }
        assertThat(Replication.state(passive)).isIn(APPLYING_STATES);
        assertThat(Replication.state(active)).isEqualTo("PASSIVE");
    }

    /** {@code ha4neo status} with both of c's appliers in the cluster file: healthy, the applying one described. */
    private static void statusShowsTheApplierThatAppliesAndTheOneStandingBy(ApplierProcess applying,
                                                                           ApplierProcess standingBy) throws Exception {
        OpsCliRun run = OpsCliRun.of("--cluster", clusterFile().toString(), "--json", "status");
        assertThat(run.code()).as(run.toString()).isEqualTo(ExitCodes.OK);
        JsonNode c = null;
        for (JsonNode m : JSON.readTree(run.out()).get("members")) {
            if (m.get("name").asText().equals("c")) {
                c = m;
            }
        }
        assertThat(c).as(run.toString()).isNotNull();
        JsonNode applier = c.get("applier");
        assertThat(applier.get("url").asText()).startsWith(applying.metricsBaseUrl());
        assertThat(applier.get("ready").asBoolean()).as(run.toString()).isTrue();
        assertThat(applier.get("others")).hasSize(1);
        assertThat(applier.get("others").get(0).get("url").asText()).startsWith(standingBy.metricsBaseUrl());
        assertThat(applier.get("others").get(0).get("detail").asText()).contains("state PASSIVE");
    }

    private static void createLoadIndex() {
        try (Session s = drivers.get("a").session()) {
            s.run("CREATE INDEX load_id IF NOT EXISTS FOR (n:Load) ON (n.id)").consume();
        }
    }

    @Test
    @Order(2)
    void tenSwitchoversUnderLoadLoseNothingAndEveryMemberEndsEqual() throws Exception {
        Path cluster = clusterFile();
        createLoadIndex();
        Workload load = new Workload();
        load.start();
        List<Long> rtos = new ArrayList<>();
        String primary = "a";
        long epoch = 0;
        try {
            Thread.sleep(1500);
            // Warm: every applier has caught up once (its first join of the consumer group and the index build are
            // start-up costs, not part of a switchover's RTO).
            load.pause();
            try {
                assertEveryMemberHasEverythingAndEqual(primary, epoch, load, 0);
            } finally {
                load.resume();
            }
            for (int i = 0; i < SWITCHOVERS; i++) {
                String target = primary.equals("a") ? "b" : "a";
                OpsCliRun run = OpsCliRun.of("--cluster", cluster.toString(), "--json", "switchover", "--to", target);
                assertThat(run.code()).as("switchover %d %s -> %s: %s", i + 1, primary, target, run)
                        .isEqualTo(ExitCodes.OK);
                JsonNode result = JSON.readTree(run.out());
                assertThat(result.get("rpoCommits").asLong()).as(run.toString()).isZero();
                assertThat(result.get("epoch").asLong()).as(run.toString()).isEqualTo(epoch + 1);
                long rto = result.get("rtoMillis").asLong();
                assertThat(rto).as(run.toString()).isPositive();
                rtos.add(rto);
                System.out.printf("switchover %d: %s -> %s, epoch %d, RTO %d ms, steps %s%n", i + 1, primary, target,
                        epoch + 1, rto, result.get("steps"));
                primary = target;
                epoch++;
                load.primary.set(primary);
                Thread.sleep(700); // writes flow into the new primary for a while

                load.pause();
                try {
                    assertEveryMemberHasEverythingAndEqual(primary, epoch, load, i + 1);
                } finally {
                    load.resume();
                }
            }
        } finally {
            load.stop();
        }
        assertThat(load.failures()).as("unexpected writer errors").isEmpty();
        assertThat(load.acknowledged.size()).as("acknowledged writes").isGreaterThan(50);
        List<Long> sorted = new ArrayList<>(rtos);
        Collections.sort(sorted);
        System.out.printf("switchover RTO over %d round trips: median %d ms, max %d ms, all %s%n", rtos.size(),
                sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1), rtos);
    }

    private static void assertEveryMemberHasEverythingAndEqual(String primary, long epoch, Workload load, int round)
            throws Exception {
        Map<String, Object> bookmark;
        try (Session s = drivers.get(primary).session()) {
            Record r = s.run(ProcedureNames.call(ProcedureNames.BOOKMARK)).single();
            bookmark = Map.of("c", r.get(ProcedureNames.COMMIT_ID_COLUMN).asLong(),
                    "e", r.get(ProcedureNames.EPOCH_COLUMN).asLong());
            assertThat((long) bookmark.get("e")).as("round %d: the new primary's epoch", round).isEqualTo(epoch);
        }
        for (String m : MEMBERS) {
            try (Session s = drivers.get(m).session()) {
                Record st = s.run(ProcedureNames.call(ProcedureNames.STATUS)).single();
                String expectedRole = m.equals(primary) ? "primary" : "standby";
                assertThat(st.get(StatusColumns.ROLE).asString()).as("round %d: role of %s", round, m)
                        .isEqualTo(expectedRole);
                if (!m.equals(primary)) {
                    s.run("CALL " + ProcedureNames.AWAIT_COMMIT + "($c, 60000, $e)", bookmark).consume();
                }
            }
        }
        Set<Long> present = new HashSet<>();
        try (Session s = drivers.get(primary).session()) {
            s.run("MATCH (n:Load) RETURN n.id AS id").forEachRemaining(r -> present.add(r.get("id").asLong()));
        }
        Set<Long> missing = new HashSet<>(load.acknowledged);
        missing.removeAll(present);
        missing.removeAll(load.deleted);
        assertThat(missing).as("round %d: acknowledged writes missing on the new primary %s", round, primary).isEmpty();
        GraphSnapshot expected = GraphSnapshot.of(drivers.get(primary), GraphSnapshot.Identity.KEY);
        for (String m : MEMBERS) {
            if (!m.equals(primary)) {
                GraphSnapshot actual = GraphSnapshot.of(drivers.get(m), GraphSnapshot.Identity.KEY);
                assertThat(actual.differencesFrom(expected, 25)).as("round %d: %s against the primary %s", round, m, primary)
                        .isEmpty();
            }
        }
    }

    /**
     * Writers that create, update, link and delete nodes on whichever member is primary, across the entities of every
     * epoch (so demoted members must find their own entities by key). A write refused during a switchover is retried
     * against the primary the test names; an acknowledged write is recorded.
     */
    private static final class Workload {
        final AtomicReference<String> primary = new AtomicReference<>("a");
        final Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
        final Set<Long> deleted = ConcurrentHashMap.newKeySet();
        /**
         * Acknowledged nodes others may update and link to. A writer deletes only nodes of its own that were never
         * in here, so no transaction links to a node another one deletes at the same moment (Neo4j would fail it with
         * "Unable to load NODE", a conflict of the workload, not of replication).
         */
        private final List<Long> linkable = java.util.Collections.synchronizedList(new ArrayList<>());
        private static final AtomicLong ids = new AtomicLong(); // across the tests' workloads: ids stay unique
        private final AtomicBoolean stop = new AtomicBoolean();
        private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock(true);
        private final List<Thread> threads = new ArrayList<>();
        private final List<String> failures = Collections.synchronizedList(new ArrayList<>());

        void start() {
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                Thread t = new Thread(() -> run(writer), "switchover-writer-" + w);
                threads.add(t);
                t.start();
            }
        }

        private void run(int writer) {
            List<Long> mine = new ArrayList<>();
            while (!stop.get()) {
                gate.readLock().lock();
                try {
                    writeOnce(writer, mine);
                } finally {
                    gate.readLock().unlock();
                }
            }
        }

        private void writeOnce(int writer, List<Long> mine) {
            long id = ids.incrementAndGet();
            ThreadLocalRandom random = ThreadLocalRandom.current();
            boolean deletable = id % 3 == 0;
            Long other;
            synchronized (linkable) {
                other = linkable.isEmpty() ? null : linkable.get(random.nextInt(linkable.size()));
            }
            Long doomed = mine.size() > 5 && random.nextInt(4) == 0 ? mine.remove(random.nextInt(mine.size())) : null;
            try (Session s = drivers.get(primary.get()).session()) {
                s.executeWriteWithoutResult(tx -> {
                    tx.run("CREATE (n:Load {id: $id, writer: $w, payload: $p, at: datetime()})",
                            Map.of("id", id, "w", writer, "p", "x".repeat(random.nextInt(1, 200)))).consume();
                    if (other != null) {
                        tx.run("MATCH (o:Load {id: $o}) SET o.touched = coalesce(o.touched, 0) + 1, o.tags = [$id] "
                                + "WITH o MATCH (n:Load {id: $id}) CREATE (n)-[:LINK {w: $w}]->(o)",
                                Map.of("o", other, "id", id, "w", writer)).consume();
                    }
                    if (doomed != null) {
                        tx.run("MATCH (d:Load {id: $d}) DETACH DELETE d", Map.of("d", doomed)).consume();
                    }
                });
                acknowledged.add(id);
                if (deletable) {
                    mine.add(id);
                } else {
                    linkable.add(id);
                }
                if (doomed != null) {
                    deleted.add(doomed);
                }
            } catch (RuntimeException e) {
                if (doomed != null) {
                    mine.add(doomed);
                }
                String m = String.valueOf(e.getMessage());
                boolean expected = m.contains("not accepting writes") || m.contains("read-only standby")
                        || e instanceof org.neo4j.driver.exceptions.TransientException; // a deadlock between writers
                if (!expected) {
                    failures.add(e.toString());
                }
                sleep(20);
            }
        }

        void pause() {
            gate.writeLock().lock();
        }

        void resume() {
            gate.writeLock().unlock();
        }

        void stop() throws InterruptedException {
            stop.set(true);
            for (Thread t : threads) {
                t.join(30_000);
            }
        }

        List<String> failures() {
            return failures;
        }

        private static void sleep(long ms) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static Path clusterFile() throws Exception {
        return STACK.get().writeClusterFile(dir.resolve("cluster.json"), MEMBERS);
    }
}
