package io.ha4neo.schemas.contract;

/**
 * The plugin's procedures and their result columns. The plugin declares the procedures with these names;
 * clients (the launcher, the ops CLI, tests, benchmarks, users' read-your-writes code) call them by these names.
 */
public final class ProcedureNames {
    /** {@code CALL ha4neo.status()}: one row, columns {@link StatusColumns}. */
    public static final String STATUS = "ha4neo.status";
    /** {@code CALL ha4neo.role()}: column {@link #ROLE_COLUMN}. */
    public static final String ROLE = "ha4neo.role";
    /** {@code CALL ha4neo.setRole(role)}: columns {@link #ROLE_COLUMN}, {@link #PREVIOUS_ROLE_COLUMN}. */
    public static final String SET_ROLE = "ha4neo.setRole";
    /** {@code CALL ha4neo.bookmark()} on a primary: columns {@link #COMMIT_ID_COLUMN}, {@link #EPOCH_COLUMN}. */
    public static final String BOOKMARK = "ha4neo.bookmark";
    /**
     * {@code CALL ha4neo.awaitCommit(commitId, timeoutMs, epoch)} on a standby: column {@link #COMMIT_ID_COLUMN}.
     * {@code epoch} (default -1: the standby's current epoch) is the bookmark's epoch; a standby already in a later
     * epoch has applied it.
     */
    public static final String AWAIT_COMMIT = "ha4neo.awaitCommit";
    /**
     * {@code CALL ha4neo.freeze(timeoutMs)} on a primary, step 1 of a switchover: client writes are refused from now
     * on, commits in flight finish, and everything captured is published. Columns {@link #EPOCH_COLUMN},
     * {@link #COMMIT_ID_COLUMN} (the handover point: the last event in the log) and {@link #OFFSET_COLUMN}.
     * Calling it again while frozen returns the same row.
     */
    public static final String FREEZE = "ha4neo.freeze";
    /** {@code CALL ha4neo.unfreeze()} on a frozen primary: writes are accepted again (a switchover rolled back). */
    public static final String UNFREEZE = "ha4neo.unfreeze";
    /**
     * {@code CALL ha4neo.promote(previousEpoch, previousCommitId, reason, timeoutMs)} on a standby whose applier has
     * applied exactly (previousEpoch, previousCommitId), the last event in the log: the member becomes primary of
     * epoch previousEpoch + 1, publishes the epoch start (which fences the old primary's producer) and accepts writes
     * once it is in the log. On any failure it stays a standby. Columns {@link #EPOCH_COLUMN}, {@link #COMMIT_ID_COLUMN}
     * (the new epoch's first commit id: this store's last one).
     */
    public static final String PROMOTE = "ha4neo.promote";
    /**
     * {@code CALL ha4neo.rejoin(discardTail)} on a former primary (frozen, superseded, or fenced): finds the epoch that
     * followed its own in the log, compares it with what this store committed, and becomes a standby following from the
     * handover point when nothing is missing from the log. Otherwise it stays (or becomes) FENCED and reports the
     * divergent tail, unless {@code discardTail} is true. Columns {@link #ROLE_COLUMN}, {@link #EPOCH_COLUMN},
     * {@link #COMMIT_ID_COLUMN} (the handover point it follows from) and {@link #DIVERGENT_TAIL_COLUMN}.
     */
    public static final String REJOIN = "ha4neo.rejoin";

    /** The role, lower case: {@code primary} or {@code standby}. */
    public static final String ROLE_COLUMN = "role";
    /** The role before a {@code setRole}. */
    public static final String PREVIOUS_ROLE_COLUMN = "previousRole";
    /** A commit id (bookmark token, or the standby's applied commit id). */
    public static final String COMMIT_ID_COLUMN = "commitId";
    /** The epoch a {@link #COMMIT_ID_COLUMN} belongs to. */
    public static final String EPOCH_COLUMN = "epoch";
    /** The Kafka offset of the last record of a commit (partition 0 of the database's topic). */
    public static final String OFFSET_COLUMN = "offset";
    /** Commits this store has that the log does not, one line each (commit ids, and where they were exported). */
    public static final String DIVERGENT_TAIL_COLUMN = "divergentTail";
    /** Not a column: the reason string {@code switchover} passed to {@link #PROMOTE}. */
    public static final String REASON_SWITCHOVER = "switchover";
    /** Not a column: the reason string {@code failover} passed to {@link #PROMOTE}. */
    public static final String REASON_FAILOVER = "failover";

    private ProcedureNames() {
    }

    /** {@code CALL <procedure>()} as a Cypher statement. */
    public static String call(String procedure) {
        return "CALL " + procedure + "()";
    }
}
