package io.ha4neo.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongPredicate;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;

/**
 * Client threads that run small write transactions against one server: closed loop (as fast as they can, for a
 * duration or a count) or open loop at a fixed offered rate. Each thread keeps one session; latency is the
 * wall time of {@code executeWrite}, i.e. until the commit returned to the client.
 */
final class WriteLoad {
    private final Driver driver;
    private final Workload workload;
    private final int threads;

    WriteLoad(Driver driver, Workload workload, int threads) {
        this.driver = driver;
        this.workload = workload;
        this.threads = threads;
    }

    /** Runs for {@code seconds} as fast as the server allows. */
    Result closedLoop(double seconds) {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        return run(done -> System.nanoTime() >= end, null);
    }

    /** Runs exactly {@code count} transactions as fast as the server allows. */
    Result count(long count) {
        AtomicLong left = new AtomicLong(count);
        return run(done -> left.getAndDecrement() <= 0, null);
    }

    /**
     * Offers {@code rate} transactions per second for {@code seconds}: transaction n is due at start + n / rate and
     * waits for its slot, so a slow commit does not lower the offered rate.
     *
     * @param afterCommit called on the writer thread right after a commit returned, with the commit's end time
     */
    Result fixedRate(double rate, double seconds, AfterCommit afterCommit) {
        long start = System.nanoTime();
        long interval = (long) (1e9 / rate);
        long slots = (long) (rate * seconds);
        AtomicLong slot = new AtomicLong();
        return run(done -> {
            long n = slot.getAndIncrement();
            if (n >= slots) {
                return true;
            }
            LockSupport.parkNanos(start + n * interval - System.nanoTime());
            return false;
        }, afterCommit);
    }

    private Result run(LongPredicate stop, AfterCommit afterCommit) {
        Latencies latencies = new Latencies();
        List<Thread> workers = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> work(stop, latencies, afterCommit), "bench-writer-" + t);
            worker.start();
            workers.add(worker);
        }
        workers.forEach(WriteLoad::join);
        double elapsed = (System.nanoTime() - t0) / 1e9;
        return new Result(latencies.count(), elapsed, latencies.summary());
    }

    private void work(LongPredicate stop, Latencies latencies, AfterCommit afterCommit) {
        try (Session session = driver.session()) {
            while (!stop.test(0)) {
                long i = workload.nextKey();
                long begin = System.nanoTime();
                session.executeWrite(tx -> tx.run(Workload.SMALL_TX, Workload.smallParams(i)).consume());
                long committed = System.nanoTime();
                latencies.add(committed - begin);
                if (afterCommit != null) {
                    afterCommit.accept(session, committed);
                }
            }
        }
    }

    private static void join(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the writer threads", e);
        }
    }

    /** A hook run on the writer thread after each commit (used to sample end-to-end lag). */
    @FunctionalInterface
    interface AfterCommit {
        void accept(Session session, long committedNanos);
    }

    /**
     * What one load run achieved.
     *
     * @param transactions committed transactions
     * @param seconds wall time of the run
     * @param latency commit latency percentiles
     */
    record Result(long transactions, double seconds, Latencies.Summary latency) {
        double txPerSecond() {
            return transactions / seconds;
        }
    }
}
