package io.ha4neo.capture.txlog;

/**
 * Part of a range of commits is no longer in Neo4j's transaction log: Neo4j pruned those log files under its
 * retention setting ({@value #RETENTION_SETTING}). Their content cannot be recovered from this member, so a repair
 * is impossible and every standby needs a bootstrap.
 */
public final class RangePrunedException extends TransactionLogException {
    /** Neo4j's setting that decides how much transaction log is kept. */
    public static final String RETENTION_SETTING = "db.tx_log.rotation.retention_policy";

    private final long first;
    private final long last;
    private final long oldestAvailable;
    private final String retention;

    /**
     * @param oldestAvailable the oldest commit id the log still holds, or -1 when it holds none or that is unknown
     * @param retention       the retention setting's current value
     */
    public RangePrunedException(long first, long last, long oldestAvailable, String retention, Throwable cause) {
        super(message(first, last, oldestAvailable, retention), cause);
        this.first = first;
        this.last = last;
        this.oldestAvailable = oldestAvailable;
        this.retention = retention;
    }

    private static String message(long first, long last, long oldestAvailable, String retention) {
        return "commits " + first + ".." + last + " are no longer in Neo4j's transaction log"
                + (oldestAvailable > 0 ? " (it begins at commit " + oldestAvailable + ")" : "")
                + ": pruned under " + RETENTION_SETTING + "=" + retention + ". They cannot be repaired from the log; "
                + "seed every standby again with `ha4neo bootstrap`, and keep more log (a longer "
                + RETENTION_SETTING + ") so that a crash's missing range stays readable";
    }

    public long first() {
        return first;
    }

    public long last() {
        return last;
    }

    /** The oldest commit id still in the log, or -1 when unknown. */
    public long oldestAvailable() {
        return oldestAvailable;
    }

    /** The value of {@value #RETENTION_SETTING} when the range was found pruned. */
    public String retention() {
        return retention;
    }
}
