package io.ha4neo.it.applier;

import static org.assertj.core.api.Assertions.assertThat;

import io.ha4neo.it.applier.GraphSnapshot.Identity;
import io.ha4neo.it.support.TestStack;
import io.ha4neo.launcher.process.Logs;
import io.ha4neo.launcher.process.Neo4jServer;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.Driver;

/**
 * The standby Neo4j goes away while the applier is applying: first a clean stop and start, then a kill -9 (crash
 * recovery on the next start). The applier process must ride both out with retries (never exit), re-position from
 * the watermark each time, and leave the standby equal to the primary.
 */
class StandbyRestartIT {
    private static final long SEED = 99_001L;

    @Test
    void applierRetriesAndResumesWhenTheStandbyIsStoppedAndLaterKilledDuringApply() throws Exception {
        try (TestStack stack = TestStack.builder("applier-standby-restart").withBroker().withPrimary("primary")
                .withStandby("standby").withApplier("standby", a -> a.property("retry.backoff.max.ms", "2000")
                        .property("batch.max.transactions", "20")).start();
             Driver primary = stack.server("primary").driver()) {
            Neo4jServer standbyServer = stack.server("standby");
            long applierPid = stack.applier().pid();
            EndToEndEqualityIT.run(primary, "CREATE INDEX w_uid FOR (n:W) ON (n.uid)");
            RandomGraphWorkload load = new RandomGraphWorkload(primary, SEED, 3, 100_000, 10);
            Thread writers = load.startInBackground();

            Thread.sleep(3_000);
            standbyServer.stop();
            Thread.sleep(2_000);
            standbyServer.start();
            Thread.sleep(3_000);
            standbyServer.kill();
            Thread.sleep(1_000);
            standbyServer.start();
            Thread.sleep(3_000);
            load.stop();
            writers.join();

            try (Driver standby = standbyServer.driver()) {
                long caughtUp = Replication.awaitCaughtUp(stack, primary, standby, Duration.ofSeconds(120));
                GraphSnapshot expected = GraphSnapshot.of(primary, Identity.ORIGIN);
                GraphSnapshot actual = GraphSnapshot.of(standby, Identity.REPLICA);
                System.out.printf("standby restart: caught up at %d; primary %s; %d committed%n", caughtUp, expected,
                        load.committed());
                assertThat(load.committed()).as("workload commits (first failure %s)", load.firstFailure())
                        .isGreaterThan(100);
                assertThat(stack.applier().pid()).as("the applier process was never restarted").isEqualTo(applierPid);
                assertThat(Files.readString(stack.applier().logFile())).as("applier log")
                        .contains("retriable error (neo4j_", "re-position from the standby's watermark");
                assertThat(actual.problems()).as("entities applied twice").isEmpty();
                expected.assertSameAs(actual);
                assertThat(Logs.tail(stack.applier().logFile(), 200)).doesNotContain("fatal error");
            }
        }
    }
}
