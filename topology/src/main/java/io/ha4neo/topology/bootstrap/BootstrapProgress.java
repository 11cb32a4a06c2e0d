package io.ha4neo.topology.bootstrap;

import java.util.Locale;

/**
 * How far a bootstrap is, pure: images sent by the primary and applied by the standby, out of the primary's total,
 * with the rate of this invocation and the time left at that rate. Rendered as a bar for a terminal
 * ({@link #bar}) or as a plain line for a log ({@link #line}).
 */
public final class BootstrapProgress {
    private final long startNanos;
    private long total;
    private long sent;
    private long applied;
    private long appliedAtStart = -1;
    private long nowNanos;

    public BootstrapProgress(long startNanos) {
        this.startNanos = startNanos;
        this.nowNanos = startNanos;
    }

    /** Records the latest counts at time {@code nowNanos}. */
    public void update(long total, long sent, long applied, long nowNanos) {
        this.total = total;
        this.sent = sent;
        this.applied = applied;
        this.nowNanos = nowNanos;
        if (appliedAtStart < 0) {
            appliedAtStart = applied;
        }
    }

    public long total() {
        return total;
    }

    public long sent() {
        return sent;
    }

    public long applied() {
        return applied;
    }

    /** Images applied per second since this invocation began (0 before the first second). */
    public long ratePerSecond() {
        long elapsedMillis = (nowNanos - startNanos) / 1_000_000;
        long done = applied - Math.max(0, appliedAtStart);
        return elapsedMillis < 1000 || done <= 0 ? 0 : done * 1000 / elapsedMillis;
    }

    /** Seconds left at the current rate, or -1 when there is no rate yet. */
    public long etaSeconds() {
        long rate = ratePerSecond();
        return rate == 0 ? -1 : Math.max(0, total - applied + rate - 1) / rate;
    }

    /** "sent 2,000 of 6,000 entities (33 %), applied 1,000 (16 %), 500 entities/s, ETA 10 s". */
    public String line() {
        return String.format(Locale.ROOT, "sent %,d of %,d entities (%d %%), applied %,d (%d %%), %,d entities/s, ETA %s",
                sent, total, percent(sent), applied, percent(applied), ratePerSecond(), eta());
    }

    /** A bar of {@code width} cells for a terminal: '#' applied, '+' sent but not applied yet. */
    public String bar(int width) {
        int appliedCells = cells(applied, width);
        int sentCells = Math.max(appliedCells, cells(sent, width));
        return "[" + "#".repeat(appliedCells) + "+".repeat(sentCells - appliedCells) + " ".repeat(width - sentCells)
                + String.format(Locale.ROOT, "] %3d %% %,d/%,d %,d/s ETA %s", percent(applied), applied, total,
                ratePerSecond(), eta());
    }

    private int cells(long count, int width) {
        return total <= 0 ? 0 : (int) Math.min(width, count * width / total);
    }

    private long percent(long count) {
        return total <= 0 ? 100 : Math.min(100, count * 100 / total);
    }

    private String eta() {
        long s = etaSeconds();
        if (s < 0) {
            return "--";
        }
        return s < 120 ? s + " s" : (s / 60) + " min " + (s % 60) + " s";
    }
}
