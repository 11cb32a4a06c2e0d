package io.ha4neo.it.applier;

import static org.assertj.core.api.Assertions.assertThat;

import io.ha4neo.it.applier.GraphSnapshot.Identity;
import io.ha4neo.it.support.TestStack;
import io.ha4neo.it.support.TestStackExtension;
import io.ha4neo.launcher.process.ApplierProcess;
import io.ha4neo.launcher.process.FreePorts;
import io.ha4neo.launcher.process.Logs;
import io.ha4neo.schemas.contract.StatusColumns;
import io.ha4neo.schemas.contract.WatermarkNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;

/**
 * Point in time on real processes (issue #14): recovery from an accidental {@code MATCH (n) DETACH DELETE n} on the
 * primary with a delayed standby. Standby {@code b}'s applier runs with {@code apply.delay.ms}: every commit reaches
 * it only {@value #DELAY_MS} ms after it was committed. After the accident, the operator stops that applier within
 * the delay and starts one with {@code apply.until.commit.id} set to the last good commit: it applies up to exactly
 * that commit and holds there (state HELD), while the primary goes on writing. The standby then holds the primary's
 * graph as it was just before the delete, entity by entity.
 */
class PointInTimeIT {
    private static final long DELAY_MS = 15_000;

    @RegisterExtension
    static final TestStackExtension STACK = new TestStackExtension(() -> TestStack.builder("point-in-time")
            .withBroker().withPrimary("a").withStandby("b")
            .withApplier("b", x -> x.property("apply.delay.ms", Long.toString(DELAY_MS))
                    .property("ready.max.lag.ms", "120000"))
            .start());

    @Test
    void aDelayedStandbyRecoversTheGraphAsItWasJustBeforeAnAccidentalDeleteOfEverything() throws Exception {
        TestStack stack = STACK.get();
        try (Driver a = stack.server("a").driver(); Driver b = stack.server("b").driver()) {
            write(a, "CREATE INDEX person_name FOR (p:Person) ON (p.name)");
            write(a, "UNWIND range(1, 300) AS i CREATE (:Person {name: 'p' + i, born: date({year: 1900 + i}), "
                    + "score: i * 0.5})");
            write(a, "MATCH (x:Person), (y:Person) WHERE y.score = x.score + 0.5 CREATE (x)-[:NEXT {i: x.score}]->(y)");
            write(a, "MATCH (p:Person) WHERE p.score < 20 SET p:Early REMOVE p.born");
            long lastGood = Replication.awaitCaughtUp(stack, a, b, Duration.ofSeconds(120));
            Map<String, Object> wm = Replication.watermark(b).orElseThrow();
            assertThat(num(wm, WatermarkNode.APPLIED_AT_MILLIS) - num(wm, WatermarkNode.SOURCE_COMMIT_TIME_MILLIS))
                    .as("the delayed standby applied its last commit only after the delay").isGreaterThanOrEqualTo(DELAY_MS);
            GraphSnapshot beforeTheAccident = GraphSnapshot.of(a, Identity.ORIGIN);

            write(a, "MATCH (n) DETACH DELETE n"); // the accident
            write(a, "CREATE (:After {note: 'written after the accident'})");
            stack.applier().stop(); // within the delay: the delete has not reached b
            assertThat(Replication.watermarkCommitId(b)).as("b applied nothing of the accident").isEqualTo(lastGood);

            ApplierProcess recovery = recoveryApplier(stack, lastGood);
            recovery.start();
            awaitHeld(recovery);
            Thread.sleep(1_000); // it goes on polling while held: still nothing after the last good commit

            assertThat(Replication.watermarkCommitId(b)).isEqualTo(lastGood);
            assertThat(Replication.status(a).get(StatusColumns.LAST_PUBLISHED_ID).asLong()).as("the log went on")
                    .isGreaterThan(lastGood + 1);
            GraphSnapshot standby = GraphSnapshot.of(b, Identity.REPLICA);
            assertThat(standby.nodeCount()).isEqualTo(300);
            beforeTheAccident.assertSameAs(standby);
            assertThat(Logs.tail(recovery.logFile(), 200)).contains("point in time reached: commit ")
                    .contains(" is past apply.until.commit.id " + lastGood + "; the standby holds at commit " + lastGood);
            recovery.stop();
        }
    }

    /** The stack's applier for b, but without the delay and holding after commit {@code untilCommitId}. */
    private static ApplierProcess recoveryApplier(TestStack stack, long untilCommitId) {
        Map<String, String> properties = new LinkedHashMap<>(stack.applier().properties());
        properties.remove("metrics.port");
        properties.put("apply.delay.ms", "0");
        properties.put("apply.until.commit.id", Long.toString(untilCommitId));
        return ApplierProcess.builder(stack.layout().applierJar(), stack.workDir().resolve("applier-until"),
                        stack.reaper())
                .properties(properties).neo4jCredentials(stack.applierCredentials()).metricsPort(FreePorts.next())
                .build();
    }

    private static void awaitHeld(ApplierProcess applier) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Logs.contains(applier.logFile(), "point in time reached")) {
            assertThat(applier.isRunning()).as("recovery applier running; log:\n%s", Logs.tail(applier.logFile(), 30))
                    .isTrue();
            assertThat(System.nanoTime()).as("held within 60 s; log:\n%s", Logs.tail(applier.logFile(), 30))
                    .isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static void write(Driver driver, String cypher) {
        try (Session s = driver.session()) {
            s.run(cypher).consume();
        }
    }

    private static long num(Map<String, Object> m, String key) {
        return ((Number) m.get(key)).longValue();
    }
}
