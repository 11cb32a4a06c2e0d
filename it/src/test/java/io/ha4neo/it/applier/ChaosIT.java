package io.ha4neo.it.applier;

import static org.assertj.core.api.Assertions.assertThat;

import io.ha4neo.it.applier.GraphSnapshot.Identity;
import io.ha4neo.it.support.TestStack;
import io.ha4neo.launcher.process.ApplierProcess;
import io.ha4neo.launcher.process.KafkaBroker;
import io.ha4neo.launcher.process.Neo4jServer;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;

/**
 * Everything fails at once, on real processes, under a concurrent workload of every value type with a chunked
 * (> 1 MB) transaction and a 5 MB single value: the broker is killed with kill -9 twice, the applier five times, and
 * the standby Neo4j is restarted once, over more than 60 s. Afterwards the graphs are equal (full typed comparison),
 * and no client commit on the primary waited longer than the documented bound: in async mode a commit never waits
 * for Kafka (only a full spool blocks it, and this spool never fills).
 */
class ChaosIT {
    private static final long SEED = 90_210L;
    /** Generous for a loaded 2-core machine; a commit that waited for Kafka would take a whole outage (seconds). */
    private static final long COMMIT_BOUND_MILLIS = 5_000;

    @Test
    void graphsEndEqualAfterBrokerApplierAndStandbyFailuresUnderLoadAndNoCommitHung() throws Exception {
        try (TestStack stack = TestStack.builder("chaos").withBroker().withPrimary("primary").withStandby("standby")
                .withApplier("standby", a -> a.property("batch.max.transactions", "20")).start();
             Driver primary = stack.server("primary").driver()) {
            EndToEndEqualityIT.run(primary, "CREATE INDEX chaos_uid FOR (n:W) ON (n.uid)");
            RandomGraphWorkload load = new RandomGraphWorkload(primary, SEED, 2, 100_000, 25);
            Thread writers = load.startInBackground();
            Probe probe = new Probe(primary);
            probe.start();
            Random random = new Random(SEED);
            KafkaBroker broker = stack.broker();
            ApplierProcess applier = stack.applier();
            Neo4jServer standby = stack.server("standby");
            long start = System.nanoTime();

            killApplier(applier, random);
            broker.kill();                                    // outage 1, with a chunked transaction inside it
            EndToEndEqualityIT.bigTransaction(primary);
            Thread.sleep(6_000);
            broker.start();
            killApplier(applier, random);
            fiveMegabyteValue(primary);
            killApplier(applier, random);
            standby.stop();                                   // the applier retries until the standby is back
            Thread.sleep(3_000);
            standby.start();
            killApplier(applier, random);
            broker.kill();                                    // outage 2
            Thread.sleep(6_000);
            broker.start();
            killApplier(applier, random);
            while (System.nanoTime() - start < Duration.ofSeconds(60).toNanos()) {
                Thread.sleep(1_000);
            }
            load.stop();
            writers.join();
            probe.stop();

            try (Driver standbyDriver = standby.driver()) {
                Replication.awaitCaughtUp(stack, primary, standbyDriver, Duration.ofSeconds(240));
                GraphSnapshot expected = GraphSnapshot.of(primary, Identity.ORIGIN);
                GraphSnapshot actual = GraphSnapshot.of(standbyDriver, Identity.REPLICA);
                System.out.printf("chaos: %d workload commits, %d probe commits, slowest probe commit %d ms; %s%n",
                        load.committed(), probe.commits.get(), probe.slowestMillis.get(), expected);
                assertThat(load.committed()).as("workload commits (first failure %s)", load.firstFailure())
                        .isGreaterThan(200);
                assertThat(actual.problems()).as("entities applied twice").isEmpty();
                expected.assertSameAs(actual);
            }
            assertThat(probe.failure).as("probe commit failures").hasValue(null);
            assertThat(probe.slowestMillis.get()).as("slowest client commit while Kafka, the applier and the standby "
                    + "failed (async mode never waits for Kafka)").isLessThan(COMMIT_BOUND_MILLIS);
        }
    }

    private static void killApplier(ApplierProcess applier, Random random) throws InterruptedException {
        Thread.sleep(2_000 + random.nextInt(2_000));
        applier.kill();
        Thread.sleep(random.nextInt(500));
        applier.start();
    }

    private static void fiveMegabyteValue(Driver primary) {
        byte[] blob = new byte[5 << 20];
        new Random(SEED).nextBytes(blob);
        try (Session s = primary.session()) {
            s.executeWriteWithoutResult(tx -> tx.run("CREATE (:Blob {b: $b, s: $s})",
                    Map.of("b", blob, "s", "ü".repeat(1 << 20))).consume());
        }
    }

    /** Commits a small transaction every 100 ms and keeps the slowest commit time: the client's view of a hang. */
    private static final class Probe {
        final AtomicLong slowestMillis = new AtomicLong();
        final AtomicLong commits = new AtomicLong();
        final java.util.concurrent.atomic.AtomicReference<Throwable> failure =
                new java.util.concurrent.atomic.AtomicReference<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        Probe(Driver driver) {
            thread = new Thread(() -> {
                while (running.get()) {
                    long t0 = System.nanoTime();
                    try (Session s = driver.session()) {
                        s.executeWriteWithoutResult(tx -> tx.run("CREATE (:Probe {at: timestamp()})").consume());
                    } catch (RuntimeException e) {
                        failure.compareAndSet(null, e);
                    }
                    slowestMillis.accumulateAndGet((System.nanoTime() - t0) / 1_000_000, Math::max);
                    commits.incrementAndGet();
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "commit-probe");
        }

        void start() {
            thread.start();
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join(30_000);
        }
    }
}
