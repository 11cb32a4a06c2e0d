package io.ha4neo.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.neo4j.driver.Driver;
import org.neo4j.driver.Session;

/**
 * One client that commits small transactions back to back on a primary for as long as it runs, and the time of every
 * commit; named windows cut the timeline afterwards, so that the primary's commit rate while something else runs
 * (a bootstrap, a verify) is compared with its rate in the windows around it, from the same client in the same run.
 */
final class CommitTimeline implements AutoCloseable {
    private final Driver driver;
    private final Workload workload;
    private final Thread writer;
    private final Map<String, long[]> windows = new LinkedHashMap<>();
    private volatile boolean stop;
    private volatile RuntimeException failure;
    private long[] commits = new long[1 << 16];
    private int size;

    private CommitTimeline(Driver driver, Workload workload) {
        this.driver = driver;
        this.workload = workload;
        this.writer = new Thread(this::write, "bench-commit-timeline");
    }

    static CommitTimeline start(Driver driver, Workload workload) {
        CommitTimeline t = new CommitTimeline(driver, workload);
        t.writer.start();
        return t;
    }

    /** Runs {@code action} as the window {@code name}: its start and end cut the timeline. */
    <T> T window(String name, ThrowingSupplier<T> action) throws Exception {
        requireWriting();
        long start = System.nanoTime();
        try {
            return action.get();
        } finally {
            windows.put(name, new long[] {start, System.nanoTime()});
        }
    }

    /** A window in which nothing but the client runs. */
    void quiet(String name, double seconds) throws Exception {
        window(name, () -> {
            Thread.sleep((long) (seconds * 1000));
            return null;
        });
    }

    /** The commit rate of each window, in the order they were cut. */
    Map<String, Rate> rates() {
        long[] times;
        synchronized (this) {
            times = Arrays.copyOf(commits, size);
        }
        Map<String, Rate> rates = new LinkedHashMap<>();
        windows.forEach((name, w) -> rates.put(name, Rate.of(times, w[0], w[1])));
        return rates;
    }

    private void write() {
        try (Session session = driver.session()) {
            while (!stop) {
                long i = workload.nextKey();
                session.executeWrite(tx -> tx.run(Workload.SMALL_TX, Workload.smallParams(i)).consume());
                record(System.nanoTime());
            }
        } catch (RuntimeException e) {
            failure = e;
        }
    }

    private synchronized void record(long nanos) {
        if (size == commits.length) {
            commits = Arrays.copyOf(commits, size * 2);
        }
        commits[size++] = nanos;
    }

    private void requireWriting() {
        if (failure != null) {
            throw new IllegalStateException("the primary's client stopped committing: " + failure.getMessage(), failure);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        writer.join(30_000);
        requireWriting();
    }

    /** An action that may throw. */
    @FunctionalInterface
    interface ThrowingSupplier<T> {
        T get() throws Exception;
    }

    /**
     * The commit rate over one window.
     *
     * @param seconds the window's length
     * @param txPerSecond commits in the window ÷ its length
     * @param p10 the 10th percentile of the per-second commit counts (whole seconds of the window)
     * @param p50 their median
     * @param p90 their 90th percentile
     */
    record Rate(double seconds, double txPerSecond, double p10, double p50, double p90) {
        static Rate of(long[] sortedCommitTimes, long start, long end) {
            long count = Arrays.stream(sortedCommitTimes).filter(t -> t >= start && t < end).count();
            int wholeSeconds = (int) ((end - start) / 1_000_000_000L);
            List<Long> perSecond = new ArrayList<>();
            for (int s = 0; s < wholeSeconds; s++) {
                long from = start + s * 1_000_000_000L;
                long to = from + 1_000_000_000L;
                perSecond.add(Arrays.stream(sortedCommitTimes).filter(t -> t >= from && t < to).count());
            }
            List<Long> sorted = perSecond.stream().sorted().toList();
            double seconds = (end - start) / 1e9;
            return new Rate(seconds, count / seconds, rank(sorted, 0.10), rank(sorted, 0.50), rank(sorted, 0.90));
        }

        private static double rank(List<Long> sorted, double q) {
            return sorted.isEmpty() ? Double.NaN : sorted.get(Math.max(0, (int) Math.ceil(q * sorted.size()) - 1));
        }
    }
}
