package io.ha4neo.capture.standby;

import io.ha4neo.schemas.event.ChainPosition;

/**
 * What the standby has applied, as seen inside the standby's own Neo4j: updated by the {@link WriteGuard} when an
 * applier transaction that moves the watermark commits, so waiters for read-your-writes wake up at once.
 *
 * <p>Positions are (epoch, commit id): commit ids of different epochs come from different stores, so a later epoch
 * is "further" whatever its commit ids, and within an epoch the commit id orders.
 */
public final class ReplicaProgress {
    private long appliedEpoch;
    private long appliedCommitId = -1;
    private long sourceCommitTimeMillis;
    private long appliedAtMillis;

    /** True once the watermark was read or observed. */
    public synchronized boolean known() {
        return appliedCommitId >= 0;
    }

    /** Records an applied watermark; never moves backwards. */
    public synchronized void applied(long epoch, long commitId, long sourceCommitTimeMillis, long appliedAtMillis) {
        if (appliedCommitId < 0 || epoch > appliedEpoch || epoch == appliedEpoch && commitId >= appliedCommitId) {
            set(epoch, commitId, sourceCommitTimeMillis, appliedAtMillis);
        }
    }

    /** Sets the position, even backwards: a member that rejoins follows from its handover point. */
    public synchronized void reset(long epoch, long commitId, long sourceCommitTimeMillis, long appliedAtMillis) {
        set(epoch, commitId, sourceCommitTimeMillis, appliedAtMillis);
    }

    /** Forgets the position: read it again from the watermark node when next needed. */
    public synchronized void forget() {
        appliedCommitId = -1;
        appliedEpoch = 0;
    }

    private void set(long epoch, long commitId, long sourceCommitTimeMillis, long appliedAtMillis) {
        this.appliedEpoch = epoch;
        this.appliedCommitId = commitId;
        this.sourceCommitTimeMillis = sourceCommitTimeMillis;
        this.appliedAtMillis = appliedAtMillis;
        notifyAll();
    }

    /**
     * Waits until {@code commitId} of {@code epoch} is applied; {@code epoch} -1 means the standby's current epoch
     * (a bookmark from before epochs were reported).
     *
     * @return true when applied, false on timeout
     */
    public synchronized boolean await(long epoch, long commitId, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (!covers(epoch, commitId)) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    private boolean covers(long epoch, long commitId) {
        long e = epoch < 0 ? appliedEpoch : epoch;
        return appliedEpoch > e || appliedEpoch == e && appliedCommitId >= commitId;
    }

    public synchronized long appliedCommitId() {
        return Math.max(0, appliedCommitId);
    }

    public synchronized long appliedEpoch() {
        return appliedEpoch;
    }

    public synchronized ChainPosition position() {
        return new ChainPosition(appliedEpoch, Math.max(0, appliedCommitId));
    }

    public synchronized long sourceCommitTimeMillis() {
        return sourceCommitTimeMillis;
    }

    public synchronized long appliedAtMillis() {
        return appliedAtMillis;
    }
}
