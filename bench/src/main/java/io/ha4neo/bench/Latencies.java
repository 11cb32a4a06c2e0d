package io.ha4neo.bench;

import java.util.Arrays;

/** A thread-safe list of durations (nanoseconds) and its exact percentiles; one per measured series. */
final class Latencies {
    private long[] values = new long[4096];
    private int size;

    synchronized void add(long nanos) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = nanos;
    }

    synchronized int count() {
        return size;
    }

    /** p50, p99 and max in milliseconds (nearest-rank percentiles over every sample). */
    synchronized Summary summary() {
        long[] sorted = Arrays.copyOf(values, size);
        Arrays.sort(sorted);
        return new Summary(size, rank(sorted, 0.50), rank(sorted, 0.99), size == 0 ? Double.NaN : ms(sorted[size - 1]));
    }

    private static double rank(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return ms(sorted[Math.max(0, index)]);
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    /**
     * Percentiles of one series.
     *
     * @param count samples
     * @param p50Ms median, ms
     * @param p99Ms 99th percentile, ms
     * @param maxMs largest sample, ms
     */
    record Summary(int count, double p50Ms, double p99Ms, double maxMs) {
    }
}
