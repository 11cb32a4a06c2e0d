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
        ProbedLoad load = new ProbedLoad(new WriteLoad(primary, workload, p.writerThreads()), standby, rate,
                Math.max(1, Math.round(rate / p.lagProbesPerSecond())));
        if (p.lagWarmupSeconds() > 0) {
            // Not measured: the standby and the applier start getting work only here, and until their JIT has compiled
            // the apply path the compiler threads take a core of the two (seen in JFR: more CPU in C2 than in Bolt
            // workers), which would be measured as lag.
            load.run(p.lagWarmupSeconds(), new Latencies());
            ReplicationWatch.awaitApplied(applier, ReplicationWatch.awaitPublished(primary, 60), 120);
        }
        Latencies lag = new Latencies();
        MetricsScrape before = MetricsScrape.of(applier.metricsBaseUrl());
        double applierCpu0 = ProcStats.cpuSeconds(applier.pid());
        double standbyCpu0 = ProcStats.cpuSeconds(standbyPid);
        WriteLoad.Result r = load.run(p.lagSeconds(), lag);
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

    /** The fixed-rate load with every {@code every}-th commit followed to the standby by a probe. */
    private record ProbedLoad(WriteLoad writers, Driver standby, double rate, long every) {
        WriteLoad.Result run(double seconds, Latencies lag) throws InterruptedException {
            // Never a bounded pool: a probe that waits for a thread starts late and returns at once, so its lag would
            // be the pool's queueing, not replication (with 32 threads and ~100 probes/s that happened once the lag
            // passed 0.3 s).
            ExecutorService probes = Executors.newCachedThreadPool();
            AtomicLong commits = new AtomicLong();
            WriteLoad.Result r = writers.fixedRate(rate, seconds, (session, committed) -> {
                if (commits.incrementAndGet() % every == 0) {
                    follow(session, committed, standby, probes, lag);
                }
            });
            probes.shutdown();
            probes.awaitTermination(120, TimeUnit.SECONDS);
            return r;
        }
    }

    private static void follow(Session session, long committedNanos, Driver standby, ExecutorService probes,
                               Latencies lag) {
        long commitId = ReplicationWatch.bookmark(session);
        probes.submit(() -> {
            ReplicationWatch.awaitCommit(standby, commitId, 60_000);
            lag.add(System.nanoTime() - committedNanos);
        });
    }
}
