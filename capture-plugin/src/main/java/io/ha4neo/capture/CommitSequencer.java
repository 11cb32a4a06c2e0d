package io.ha4neo.capture;

import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Restores commit-id order. Neo4j calls afterCommit on each committing thread, and unrelated transactions
 * interleave there freely (FACTS: 124 of 399 adjacent pairs out of order with 8 writers), but commit ids
 * from the internal listener are dense. Every commit id is therefore offered here exactly once, with its
 * payload or as a skip (no replicable change), and the sink receives them strictly in id order.
 *
 * <p>Threading: {@link #offer} is called by committing threads. The thread whose id completes the contiguous
 * prefix delivers that prefix to the sink, under the lock, so the sink sees one ordered stream and never
 * runs concurrently with itself. A thread offering an id beyond the prefix returns at once unless more than
 * {@code maxPending} commits are already waiting (back-pressure). The thread whose id IS the next expected
 * never waits for space, so back-pressure cannot deadlock the prefix.
 *
 * <p>The sink may block (a full spool waits for the publisher), and it does so holding the lock. Therefore nothing
 * that frees space may ever wait for this lock: {@link #checkStall} only tries it, and {@link #nextExpected} and
 * {@link #pending} read volatile copies, so status, metrics and the publisher thread never block behind a commit.
 *
 * <p>Stalls: if the next expected id never arrives (a commit path that bypasses listeners, which FACTS say
 * does not exist, or a crashed callback), {@link #checkStall} reports the missing range through the
 * {@link GapListener} after the stall timeout and moves on. Never silent.
 *
 * @param <T> payload type
 */
public final class CommitSequencer<T> {
    /** Receives commits in strictly increasing, contiguous id order; payload null means skip. */
    @FunctionalInterface
    public interface Sink<T> {
        void accept(long commitId, T payloadOrNull) throws InterruptedException;
    }

    /** Told about commit ids that will never be delivered. */
    @FunctionalInterface
    public interface GapListener {
        void gap(long firstMissing, long lastMissing, String reason);
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notFull = lock.newCondition();
    private final TreeMap<Long, Object> waiting = new TreeMap<>();
    private final Sink<T> sink;
    private final GapListener gaps;
    private final int maxPending;
    private final long stallTimeoutMillis;
    private final LongSupplier clock;
    private volatile long nextExpected;
    private volatile int pendingCount;
    private long stalledSince = -1;

    private static final Object SKIP = new Object();

    public CommitSequencer(long nextExpected, int maxPending, long stallTimeoutMillis, LongSupplier clockMillis,
                           Sink<T> sink, GapListener gaps) {
        this.nextExpected = nextExpected;
        this.maxPending = maxPending;
        this.stallTimeoutMillis = stallTimeoutMillis;
        this.clock = clockMillis;
        this.sink = sink;
        this.gaps = gaps;
    }

    /**
     * Offers one committed id. Returns when the commit is delivered or buffered.
     *
     * @param payloadOrNull the captured change, or null when the commit has nothing to replicate
     */
    public void offer(long commitId, T payloadOrNull) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            if (commitId < nextExpected) {
                gaps.gap(commitId, commitId, "its callback arrived after the id was already given up as stalled"
                        + (payloadOrNull == null ? " (it had no replicable changes)" : ""));
                return;
            }
            while (commitId != nextExpected && waiting.size() >= maxPending) {
                notFull.await(100, TimeUnit.MILLISECONDS);
            }
            waiting.put(commitId, payloadOrNull == null ? SKIP : payloadOrNull);
            pendingCount = waiting.size();
            drain();
        } finally {
            lock.unlock();
        }
    }

    @SuppressWarnings("unchecked")
    private void drain() throws InterruptedException {
        boolean progressed = false;
        while (!waiting.isEmpty() && waiting.firstKey() == nextExpected) {
            Object p = waiting.pollFirstEntry().getValue();
            pendingCount = waiting.size();
            try {
                sink.accept(nextExpected, p == SKIP ? null : (T) p);
            } catch (RuntimeException | Error e) {
                // A sink that throws must not wedge the order: the id is reported and the stream moves on. Errors
                // too (a class the shaded jar lacks, a stack overflow on a deep value): escaping here, they would
                // leave the id taken but not passed, and every later commit waiting for the stall timeout.
                gaps.gap(nextExpected, nextExpected, "capture failed while writing it: " + e);
            }
            nextExpected++;
            progressed = true;
        }
        if (progressed) {
            notFull.signalAll();
        }
        stalledSince = waiting.isEmpty() ? -1 : (progressed || stalledSince < 0 ? clock.getAsLong() : stalledSince);
    }

    /**
     * Gives up on a missing id once later ids have waited longer than the stall timeout. Returns at once when a
     * committing thread holds the lock: it is delivering (or waiting for spool space, which the caller, the
     * publisher thread, must stay free to make), so nothing has stalled that could be decided now.
     */
    public void checkStall() throws InterruptedException {
        if (!lock.tryLock()) {
            return;
        }
        try {
            if (stalledSince < 0 || clock.getAsLong() - stalledSince < stallTimeoutMillis) {
                return;
            }
            long firstWaiting = waiting.firstKey();
            gaps.gap(nextExpected, firstWaiting - 1, "no commit callback within " + stallTimeoutMillis
                    + " ms while later commits waited");
            nextExpected = firstWaiting;
            drain();
        } finally {
            lock.unlock();
        }
    }

    /** The next commit id the sequencer waits for. Never blocks. */
    public long nextExpected() {
        return nextExpected;
    }

    /** Number of commits buffered behind a missing earlier id. Never blocks. */
    public int pending() {
        return pendingCount;
    }
}
