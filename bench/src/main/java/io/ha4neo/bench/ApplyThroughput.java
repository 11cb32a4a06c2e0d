package io.ha4neo.bench;

import io.ha4neo.schemas.contract.MetricNames;
import io.ha4neo.launcher.process.ApplierProcess;
import java.util.List;
import java.util.Map;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;

/**
 * Step 3, apply throughput against the physical limit: with the applier stopped, the async primary commits N small
 * transactions (the topic fills); the same N changes are then written straight into the empty {@code limit} server
 * with batched {@code UNWIND} statements (once plain, once with an identity property behind a uniqueness
 * constraint, as the applier must); finally the applier is started and its drain rate is measured from its first
 * applied batch until its watermark reaches the primary's last published commit id.
 */
final class ApplyThroughput {
    private ApplyThroughput() {
    }

    /**
     * Result of the drain run.
     *
     * @param transactions transactions in the topic backlog
     * @param fillTxPerSecond primary commit rate while filling (closed loop)
     * @param drainSeconds applier time from first applied batch to caught up
     * @param drainedTransactions transactions applied in that window
     * @param drainedChanges changes applied in that window
     * @param applierTxPerSecond applier drain rate
     * @param applierChangesPerSecond applier drain rate in changes
     * @param applierStartSeconds applier launch until first applied batch
     * @param limitTxPerSecond the same changes written with plain UNWIND batches, per second (of transactions' worth)
     * @param limitWithIdentityTxPerSecond the same with an identity property and a uniqueness constraint
     * @param applierCpuPer1000 applier CPU seconds per 1,000 drained transactions
     * @param standbyCpuPer1000 standby CPU seconds per 1,000 drained transactions
     * @param limitServerCpuPer1000 limit server CPU seconds per 1,000 transactions' worth of plain UNWIND writes
     */
    record Result(long transactions, double fillTxPerSecond, double drainSeconds, long drainedTransactions,
                  long drainedChanges, double applierTxPerSecond, double applierChangesPerSecond,
                  double applierStartSeconds, double limitTxPerSecond, double limitWithIdentityTxPerSecond,
                  double applierCpuPer1000, double standbyCpuPer1000, double limitServerCpuPer1000) {
    }

    static Result run(Params p, Driver primary, Driver limit, long limitPid, ApplierProcess applier, long standbyPid,
                      double primaryMaxTxPerSecond, Workload workload) throws InterruptedException {
        long n = Math.max(p.minDrainTransactions(), (long) (primaryMaxTxPerSecond * p.drainSecondsOfPrimaryWork()));
        applier.stop();
        long firstKey = workload.reserve(0);
        WriteLoad.Result fill = new WriteLoad(primary, workload, p.writerThreads()).count(n);
        long target = ReplicationWatch.awaitPublished(primary, 300);
        System.out.printf("  drain: %d transactions in the topic (filled at %.0f tx/s), target commit id %d%n",
                fill.transactions(), fill.txPerSecond(), target);
        warmUp(limit, p.limitBatchSize());
        double limitCpu0 = ProcStats.cpuSeconds(limitPid);
        double limitRate = writeLimit(limit, firstKey, fill.transactions(), p.limitBatchSize(), false);
        double limitCpu = ProcStats.perThousand(limitCpu0, ProcStats.cpuSeconds(limitPid), fill.transactions());
        double identityRate = writeLimit(limit, firstKey, fill.transactions(), p.limitBatchSize(), true);
        System.out.printf("  limit: %.0f tx/s plain, %.0f tx/s with identity constraint%n", limitRate, identityRate);
        return drain(applier, standbyPid, target, fill, limitRate, identityRate, limitCpu);
    }

    private static Result drain(ApplierProcess applier, long standbyPid, long target, WriteLoad.Result fill,
                                double limitRate, double identityRate, double limitCpu) throws InterruptedException {
        long launched = System.nanoTime();
        applier.start();
        double standbyCpu0 = ProcStats.cpuSeconds(standbyPid);
        MetricsScrape first = awaitFirstBatch(applier);
        long t0 = System.nanoTime();
        double applierCpu0 = ProcStats.cpuSeconds(applier.pid());
        ReplicationWatch.awaitApplied(applier, target, 1800);
        long t1 = System.nanoTime();
        double applierCpu1 = ProcStats.cpuSeconds(applier.pid());
        double standbyCpu1 = ProcStats.cpuSeconds(standbyPid);
        MetricsScrape last = MetricsScrape.of(applier.metricsBaseUrl());
        long tx = (long) MetricsScrape.delta(first, last, MetricNames.sum(MetricNames.APPLIER_BATCH_TRANSACTIONS));
        long changes = (long) MetricsScrape.delta(first, last, MetricNames.sum(MetricNames.APPLIER_BATCH_CHANGES));
        double seconds = (t1 - t0) / 1e9;
        long total = (long) last.value(MetricNames.sum(MetricNames.APPLIER_BATCH_TRANSACTIONS));
        return new Result(fill.transactions(), fill.txPerSecond(), seconds, tx, changes, tx / seconds,
                changes / seconds, (t0 - launched) / 1e9, limitRate, identityRate,
                ProcStats.perThousand(applierCpu0, applierCpu1, tx),
                ProcStats.perThousand(standbyCpu0, standbyCpu1, total), limitCpu);
    }

    /** Polls /metrics until the first batch is applied, and returns that reading (the drain window's start). */
    private static MetricsScrape awaitFirstBatch(ApplierProcess applier) throws InterruptedException {
        long deadline = System.nanoTime() + 300_000_000_000L;
        while (System.nanoTime() < deadline) {
            ReplicationWatch.requireRunning(applier);
            try {
                MetricsScrape m = MetricsScrape.of(applier.metricsBaseUrl());
                if (m.value(MetricNames.sum(MetricNames.APPLIER_BATCH_TRANSACTIONS)) > 0) {
                    return m;
                }
            } catch (RuntimeException notUpYet) {
                // the endpoint opens a moment after the JVM starts
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("the applier applied nothing within 300 s; see " + applier.logFile());
    }

    /** Runs the limit statement a few times (label W, deleted again) so that the measured pass finds a warm JIT. */
    private static void warmUp(Driver limit, int batchSize) {
        try (Session session = limit.session()) {
            for (int b = 0; b < 5; b++) {
                List<Map<String, Object>> rows = Workload.limitRows(-batchSize * (b + 1L), batchSize, false);
                session.executeWrite(tx -> tx.run(Workload.LIMIT_BATCH.replace(":B ", ":W "), Map.of("rows", rows))
                        .consume());
            }
            session.executeWrite(tx -> tx.run("MATCH (w:W) DELETE w").consume());
        }
    }

    /**
     * Writes keys {@code [firstKey, firstKey + n)} with one UNWIND statement per batch, one batch per transaction.
     *
     * @return transactions' worth of changes per second
     */
    static double writeLimit(Driver limit, long firstKey, long n, int batchSize, boolean withIdentity) {
        try (Session session = limit.session()) {
            if (withIdentity) {
                session.run(Workload.IDENTITY_CONSTRAINT).consume();
                session.run("CALL db.awaitIndexes(300)").consume();
            }
            String statement = withIdentity ? Workload.LIMIT_BATCH_WITH_IDENTITY : Workload.LIMIT_BATCH;
            long t0 = System.nanoTime();
            for (long from = firstKey; from < firstKey + n; from += batchSize) {
                List<Map<String, Object>> rows = Workload.limitRows(from, (int) Math.min(batchSize, firstKey + n - from),
                        withIdentity);
                session.executeWrite(tx -> tx.run(statement, Map.of("rows", rows)).consume());
            }
            return n / ((System.nanoTime() - t0) / 1e9);
        }
    }
}
