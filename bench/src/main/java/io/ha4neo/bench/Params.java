package io.ha4neo.bench;

/**
 * Sizes of one benchmark run.
 *
 * @param name "full" or "quick"
 * @param writerThreads client threads of the small-transaction workload
 * @param warmupSeconds closed-loop warm-up per server before the measured capture rounds
 * @param roundSeconds length of one measured capture round
 * @param repetitions capture rounds per server (the report shows the median)
 * @param lagSeconds length of the fixed-rate end-to-end lag run
 * @param lagWarmupSeconds the same load before the lag run, not measured (the standby's and the applier's JIT)
 * @param lagLoadFraction offered rate as a fraction of the async primary's measured maximum
 * @param lagProbesPerSecond how many commits per second are followed to the standby
 * @param drainSecondsOfPrimaryWork topic fill for the drain run, in seconds of the primary's maximum rate
 * @param minDrainTransactions lower bound of the topic fill
 * @param limitBatchSize rows per UNWIND statement of the physical-limit writer
 * @param bulkTransactions bulk transactions per server
 * @param bulkNodesPerTransaction nodes created by each bulk transaction
 * @param dedicatedLimitServer true: the physical limit is measured on a fifth, empty server; false (quick): on the
 *                             server without plugin, which holds only the few nodes of step 1, to start one JVM less
 * @param switchovers planned switchovers between the async primary and its standby (step 5; the report shows the
 *                    median RTO)
 * @param seedNodes nodes of the graph seeded in step 6 (it has twice as many relationships)
 * @param seedQuietSeconds length of each quiet window around the bootstrap and the verify of step 6
 * @param seedVerifyRate {@code ha4neo verify --rate} in step 6 (ids per second from each member)
 * @param repairTransactions small transactions per phase of step 7 (normal capture, then the same number lost with
 *                           the spool and repaired from Neo4j's transaction log), once per repetition
 */
record Params(String name, int writerThreads, double warmupSeconds, double roundSeconds, int repetitions,
              double lagSeconds, double lagWarmupSeconds, double lagLoadFraction, double lagProbesPerSecond, double drainSecondsOfPrimaryWork,
              long minDrainTransactions, int limitBatchSize, int bulkTransactions, int bulkNodesPerTransaction,
              boolean dedicatedLimitServer, int switchovers, long seedNodes, double seedQuietSeconds,
              long seedVerifyRate, int repairTransactions) {

    static Params full() {
        // The drain backlog must give the applier >= 30 s of work: it drains ~8x faster than the primary commits,
        // so the fill is ~4.5 minutes of the primary's maximum rate (at least 360,000 transactions).
        return new Params("full", 8, 6, 10, 3, 30, 20, 0.5, 50, 270, 360_000, 10_000, 40, 1_000, true, 5,
                1_000_000, 10, 20_000, 20_000);
    }

    static Params quick() {
        return new Params("quick", 8, 2, 4, 1, 8, 4, 0.5, 100, 4, 2_000, 10_000, 8, 1_000, false, 3,
                10_000, 3, 10_000, 1_000);
    }

    /** The same parameters with another offered rate for step 2 ({@code --lag-load}), as a fraction of the maximum. */
    Params withLagLoadFraction(double fraction) {
        return new Params(name, writerThreads, warmupSeconds, roundSeconds, repetitions, lagSeconds, lagWarmupSeconds,
                fraction, lagProbesPerSecond, drainSecondsOfPrimaryWork, minDrainTransactions, limitBatchSize,
                bulkTransactions, bulkNodesPerTransaction, dedicatedLimitServer, switchovers, seedNodes,
                seedQuietSeconds, seedVerifyRate, repairTransactions);
    }
}
