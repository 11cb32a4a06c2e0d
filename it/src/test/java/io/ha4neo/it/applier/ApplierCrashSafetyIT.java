package io.ha4neo.it.applier;

import io.ha4neo.schemas.contract.MetricNames;
import static org.assertj.core.api.Assertions.assertThat;

import io.ha4neo.it.applier.GraphSnapshot.Identity;
import io.ha4neo.it.support.TestStack;
import io.ha4neo.launcher.process.ApplierProcess;
import io.ha4neo.launcher.process.Logs;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.Driver;

/**
 * Exactly-once apply across crashes: under a continuous write load on the primary, the applier process is killed
 * with SIGKILL at random moments (fixed seed) and restarted each time. However the kills fall (during a batch,
 * between the data and the watermark of a schema event, in the middle of a chunked transaction), the standby must
 * end up equal to the primary: nothing lost, no relationship created twice.
 *
 * <p>The number of kills is {@value #DEFAULT_KILLS} by default; {@code -Dha4neo.it.applierKills=20} runs a longer
 * profile.
 */
class ApplierCrashSafetyIT {
    static final int DEFAULT_KILLS = 5;
    private static final int KILLS = Integer.getInteger("ha4neo.it.applierKills", DEFAULT_KILLS);
    private static final long SEED = 7_345_113L;

    @Test
    void standbyEqualsPrimaryAfterTheApplierIsKilledWithSigkillAtRandomMomentsUnderLoad() throws Exception {
        try (TestStack stack = TestStack.builder("applier-crash").withBroker().withPrimary("primary")
                .withStandby("standby").withApplier("standby", a -> a.property("batch.max.transactions", "10")).start();
             Driver primary = stack.server("primary").driver();
             Driver standby = stack.server("standby").driver()) {
            EndToEndEqualityIT.run(primary, "CREATE INDEX w_uid FOR (n:W) ON (n.uid)");
            RandomGraphWorkload load = new RandomGraphWorkload(primary, SEED, 2, 100_000, 20);
            Thread writers = load.startInBackground();
            Random random = new Random(SEED);
            ApplierProcess applier = stack.applier();
            List<Long> watermarksAtKill = new ArrayList<>();
            for (int kill = 0; kill < KILLS; kill++) {
                awaitPositioned(applier);
                Thread.sleep(1_500 + random.nextInt(3_000));
                if (kill == KILLS / 2) {
                    EndToEndEqualityIT.bigTransaction(primary); // a chunked transaction in flight at the next kill
                    EndToEndEqualityIT.run(primary, "CREATE INDEX crash_" + kill + " FOR (n:Person) ON (n.a)");
                    Thread.sleep(random.nextInt(1_500));
                }
                applier.kill();
                watermarksAtKill.add(Replication.watermarkCommitId(standby));
                Thread.sleep(random.nextInt(500));
                applier.start();
            }
            awaitPositioned(applier);
            load.stop();
            writers.join();

            long caughtUp = Replication.awaitCaughtUp(stack, primary, standby, Duration.ofSeconds(180));
            GraphSnapshot expected = GraphSnapshot.of(primary, Identity.ORIGIN);
            GraphSnapshot actual = GraphSnapshot.of(standby, Identity.REPLICA);
            System.out.printf("crash: %d kills, watermarks at kill %s, caught up at %d; primary %s; %d committed%n",
                    KILLS, watermarksAtKill, caughtUp, expected, load.committed());
            assertThat(load.committed()).as("workload commits (first failure %s)", load.firstFailure()).isGreaterThan(100);
            assertThat(actual.problems()).as("entities applied twice").isEmpty();
            expected.assertSameAs(actual);
            assertThat(watermarksAtKill.get(KILLS - 1)).as("the applier made progress between kills: %s",
                    watermarksAtKill).isGreaterThan(watermarksAtKill.get(0));
        }
    }

    /** Waits until the applier reports APPLYING or CAUGHT_UP on /metrics, so that the next kill hits it at work. */
    private static void awaitPositioned(ApplierProcess applier) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            try {
                String m = Replication.metrics(applier);
                if (m.contains(MetricNames.APPLIER_STATE + "{state=\"APPLYING\"} 1") || m.contains(MetricNames.APPLIER_STATE + "{state=\"CAUGHT_UP\"} 1")) {
                    return;
                }
            } catch (IOException | AssertionError e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the applier was not positioned within 90 s; log:\n" + Logs.tail(applier.logFile(), 30));
    }
}
