package io.ha4neo.bench;

import io.ha4neo.launcher.process.ApplierProcess;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;

/**
 * Step 4, bulk end to end: one client commits transactions of many nodes each back to back, first on the server
 * without the plugin (baseline commit rate), then on the async primary while the applier runs. Each primary commit
 * is followed to the standby (bookmark + awaitCommit, as in {@link EndToEndLag}); the end-to-end rate is all nodes
 * ÷ (last one applied on the standby − first transaction started).
 */
final class BulkReplication {
    private BulkReplication() {
    }

    /**
     * Result of the bulk run.
     *
     * @param transactions bulk transactions per server
     * @param nodesPerTransaction nodes per transaction
     * @param offCommitNodesPerSecond commit rate on the server without the plugin
     * @param asyncCommitNodesPerSecond commit rate on the async primary
     * @param endToEndNodesPerSecond nodes per second from first commit start to last applied on the standby
     * @param lag per-transaction lag from primary commit returned to applied on the standby
     */
    record Result(int transactions, int nodesPerTransaction, double offCommitNodesPerSecond,
                  double asyncCommitNodesPerSecond, double endToEndNodesPerSecond, Latencies.Summary lag) {
    }

    static Result run(Params p, Driver off, Driver primary, Driver standby, ApplierProcess applier, Workload workload)
            throws InterruptedException {
        double offRate = commitOnly(p, off, workload);
        Latencies lag = new Latencies();
        ExecutorService probes = Executors.newFixedThreadPool(4);
        long nodes = (long) p.bulkTransactions() * p.bulkNodesPerTransaction();
        long t0 = System.nanoTime();
        long lastCommitted = t0;
        long lastBookmark = 0;
        try (Session session = primary.session()) {
            for (int t = 0; t < p.bulkTransactions(); t++) {
                bulkTx(session, workload, p.bulkNodesPerTransaction());
                long committed = System.nanoTime();
                lastCommitted = committed;
                lastBookmark = ReplicationWatch.bookmark(session);
                long id = lastBookmark;
                probes.submit(() -> {
                    ReplicationWatch.awaitCommit(standby, id, 300_000);
                    lag.add(System.nanoTime() - committed);
                });
            }
        }
        ReplicationWatch.awaitCommit(standby, lastBookmark, 300_000);
        long applied = System.nanoTime();
        probes.shutdown();
        probes.awaitTermination(300, TimeUnit.SECONDS);
        ReplicationWatch.requireRunning(applier);
        return new Result(p.bulkTransactions(), p.bulkNodesPerTransaction(), offRate,
                nodes / ((lastCommitted - t0) / 1e9), nodes / ((applied - t0) / 1e9), lag.summary());
    }

    private static double commitOnly(Params p, Driver driver, Workload workload) {
        try (Session session = driver.session()) {
            long t0 = System.nanoTime();
            for (int t = 0; t < p.bulkTransactions(); t++) {
                bulkTx(session, workload, p.bulkNodesPerTransaction());
            }
            return (double) p.bulkTransactions() * p.bulkNodesPerTransaction() / ((System.nanoTime() - t0) / 1e9);
        }
    }

    private static void bulkTx(Session session, Workload workload, int nodes) {
        long from = workload.reserve(nodes);
        session.executeWrite(tx -> tx.run(Workload.BULK_TX, Map.of("from", from, "to", from + nodes - 1)).consume());
    }
}
