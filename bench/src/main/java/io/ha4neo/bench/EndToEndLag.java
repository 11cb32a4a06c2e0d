package io.ha4neo.bench;

import io.ha4neo.schemas.contract.MetricNames;
import io.ha4neo.launcher.process.ApplierProcess;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;

/**
 * Step 2, end-to-end lag at a fixed offered rate: writers commit small transactions on the async primary at a
 * fraction of its measured maximum; about {@code lagProbesPerSecond} of those commits are followed to the standby.
 * For a followed commit the writer takes {@code ha4neo.bookmark()} right after the commit returned, and a probe
 * thread blocks in {@code ha4neo.awaitCommit} on the standby (woken by the standby's write guard the moment the
 * applier's transaction commits). Lag = awaitCommit returned − primary commit returned. The bookmark may cover a few
 * later commits too, so the figure is an upper bound. The applier's own apply-minus-commit histogram is read from
 * /metrics over the same window. A warm-up at the same rate and with the same probes comes first, not measured.
 */
final class EndToEndLag {
    static final String APPLY_LATENCY = MetricNames.APPLIER_APPLY_LATENCY_SECONDS;

    private EndToEndLag() {
    }

    /**
     * Result of the lag run.
     *
     * @param offeredTxPerSecond offered rate
     * @param achievedTxPerSecond committed rate
     * @param commitLatency commit latency on the primary at that rate
     * @param lag end-to-end lag of the followed commits
     * @param applierP50Ms applier histogram median (interpolated in its buckets), ms
     * @param applierP99Ms applier histogram 99th percentile (interpolated), ms
     * @param applierMeanMs applier histogram mean, ms
     * @param applierObservations transactions the histogram observed in the window
     * @param applierCpuPer1000 applier CPU seconds per 1,000 transactions at this rate
     * @param standbyCpuPer1000 standby CPU seconds per 1,000 transactions at this rate
     * @param stages the applier's stage histograms over the same window, in the order of {@link #STAGES}
     */
    record Result(double offeredTxPerSecond, double achievedTxPerSecond, Latencies.Summary commitLatency,
                  Latencies.Summary lag, double applierP50Ms, double applierP99Ms, double applierMeanMs,
                  long applierObservations, double applierCpuPer1000, double standbyCpuPer1000, List<Stage> stages) {
    }

    /** One stage of the apply latency, from the applier's histogram (interpolated in its buckets), ms. */
    record Stage(String name, double p50Ms, double p99Ms, double meanMs) {
    }

    /** The applier's stage histograms, in pipeline order, with the names the report prints. */
    static final List<Map.Entry<String, String>> STAGES = List.of(
            Map.entry("commit → sent (capture, spool, publisher)", MetricNames.APPLIER_STAGE_COMMIT_TO_SEND_SECONDS),
            Map.entry("sent → polled (Kafka transaction, broker, fetch)", MetricNames.APPLIER_STAGE_SEND_TO_POLL_SECONDS),
            Map.entry("polled → applied (batching, standby write)", MetricNames.APPLIER_STAGE_POLL_TO_APPLY_SECONDS));

    static Result run(Params p, Driver primary, Driver standby, ApplierProcess applier, long standbyPid,
                      double primaryMaxTxPerSecond, Workload workload) throws InterruptedException {
        double rate = primaryMaxTxPerSecond * p.lagLoadFraction();
        ProbedLoad load = new ProbedLoad(new WriteLoad(primary, workload, p.writerThreads()), List.of(standby), rate,
                Math.max(1, Math.round(rate / p.lagProbesPerSecond())));
        if (p.lagWarmupSeconds() > 0) {
            // Not measured: the standby and the applier start getting work only here, and until their JIT has compiled
            // the apply path the compiler threads take a core of the two (seen in JFR: more CPU in C2 than in Bolt
            // workers), which would be measured as lag.
            load.run(p.lagWarmupSeconds(), List.of(new Latencies()));
            ReplicationWatch.awaitApplied(applier, ReplicationWatch.awaitPublished(primary, 60), 120);
        }
        Latencies lag = new Latencies();
        MetricsScrape before = MetricsScrape.of(applier.metricsBaseUrl());
        double applierCpu0 = ProcStats.cpuSeconds(applier.pid());
        double standbyCpu0 = ProcStats.cpuSeconds(standbyPid);
        WriteLoad.Result r = load.run(p.lagSeconds(), List.of(lag));
        ReplicationWatch.awaitApplied(applier, ReplicationWatch.awaitPublished(primary, 60), 120);
        MetricsScrape after = MetricsScrape.of(applier.metricsBaseUrl());
        double applierCpu = ProcStats.perThousand(applierCpu0, ProcStats.cpuSeconds(applier.pid()), r.transactions());
        double standbyCpu = ProcStats.perThousand(standbyCpu0, ProcStats.cpuSeconds(standbyPid), r.transactions());
        return new Result(rate, r.txPerSecond(), r.latency(), lag.summary(),
                1000 * MetricsScrape.quantile(before, after, APPLY_LATENCY, 0.50),
                1000 * MetricsScrape.quantile(before, after, APPLY_LATENCY, 0.99),
                1000 * MetricsScrape.mean(before, after, APPLY_LATENCY),
                (long) MetricsScrape.delta(before, after, APPLY_LATENCY + "_count"), applierCpu, standbyCpu,
                STAGES.stream().map(e -> new Stage(e.getKey(),
                        1000 * MetricsScrape.quantile(before, after, e.getValue(), 0.50),
                        1000 * MetricsScrape.quantile(before, after, e.getValue(), 0.99),
                        1000 * MetricsScrape.mean(before, after, e.getValue()))).toList());
    }

    /**
     * The fixed-rate load with every {@code every}-th commit followed by a probe on each standby: one bookmark per
     * followed commit, then one probe per standby, so that several standbys are measured from the same commits.
     */
    record ProbedLoad(WriteLoad writers, List<Driver> standbys, double rate, long every) {
        /**
         * Offers the load for {@code seconds} and waits for the probes.
         *
         * @param lags one series per standby, in the order of {@link #standbys}
         */
        WriteLoad.Result run(double seconds, List<Latencies> lags) throws InterruptedException {
            if (lags.size() != standbys.size()) {
                throw new IllegalArgumentException(lags.size() + " lag series for " + standbys.size() + " standbys");
            }
            // Never a bounded pool: a probe that waits for a thread starts late and returns at once, so its lag would
            // be the pool's queueing, not replication (with 32 threads and ~100 probes/s that happened once the lag
            // passed 0.3 s).
            ExecutorService probes = Executors.newCachedThreadPool();
            AtomicLong commits = new AtomicLong();
            Failures failures = new Failures();
            WriteLoad.Result r = writers.fixedRate(rate, seconds, (session, committed) -> {
                if (commits.incrementAndGet() % every == 0) {
                    follow(session, committed, standbys, probes, lags, failures);
                }
            });
            probes.shutdown();
            probes.awaitTermination(120, TimeUnit.SECONDS);
            failures.report();
            return r;
        }
    }

    private static void follow(Session session, long committedNanos, List<Driver> standbys, ExecutorService probes,
                               List<Latencies> lags, Failures failures) {
        long commitId = ReplicationWatch.bookmark(session);
        for (int i = 0; i < standbys.size(); i++) {
            Driver standby = standbys.get(i);
            Latencies lag = lags.get(i);
            int index = i;
            probes.submit(() -> {
                try {
                    ReplicationWatch.awaitCommit(standby, commitId, 60_000);
                    lag.add(System.nanoTime() - committedNanos);
                } catch (RuntimeException e) {
                    failures.add(index, e);
                }
            });
        }
    }

    /** Probes that failed (their commit is not in the lag figures), per standby, with the first error. */
    private static final class Failures {
        private final Map<Integer, AtomicLong> counts = new java.util.concurrent.ConcurrentHashMap<>();
        private final java.util.concurrent.atomic.AtomicReference<String> first =
                new java.util.concurrent.atomic.AtomicReference<>();

        void add(int standby, RuntimeException e) {
            counts.computeIfAbsent(standby, k -> new AtomicLong()).incrementAndGet();
            first.compareAndSet(null, "standby #" + (standby + 1) + ": " + e);
        }

        void report() {
            if (!counts.isEmpty()) {
                System.out.println("  probes that failed (not in the lag figures), by standby #: " + counts
                        + "; first: " + first.get());
            }
        }
    }
}
