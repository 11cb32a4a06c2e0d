package io.ha4neo.capture.standby;

/**
 * What the standby has applied, as seen inside the standby's own Neo4j: updated by the {@link WriteGuard} when an
 * applier transaction that moves the watermark commits, so waiters for read-your-writes wake up at once.
 */
public final class ReplicaProgress {
    private long appliedCommitId = -1;
    private long sourceCommitTimeMillis;
    private long appliedAtMillis;

    /** True once the watermark was read or observed. */
    public synchronized boolean known() {
        return appliedCommitId >= 0;
    }

    /** Records an applied watermark; never moves backwards. */
    public synchronized void applied(long commitId, long sourceCommitTimeMillis, long appliedAtMillis) {
        if (commitId >= appliedCommitId) {
            this.appliedCommitId = commitId;
            this.sourceCommitTimeMillis = sourceCommitTimeMillis;
            this.appliedAtMillis = appliedAtMillis;
            notifyAll();
        }
    }

    /**
     * Waits until {@code commitId} is applied.
     *
     * @return true when applied, false on timeout
     */
    public synchronized boolean await(long commitId, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (appliedCommitId < commitId) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    public synchronized long appliedCommitId() {
        return Math.max(0, appliedCommitId);
    }

    public synchronized long sourceCommitTimeMillis() {
        return sourceCommitTimeMillis;
    }

    public synchronized long appliedAtMillis() {
        return appliedAtMillis;
    }
}
