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
    /**
     * {@code CALL ha4neo.bootstrap.begin(standby, chunkSize)} on a primary that accepts writes: starts a bootstrap run
     * that seeds member {@code standby} (docs/bootstrap.md). It commits the run's begin event (the primary's totals,
     * indexes and constraints) and returns one row: {@link #RUN_COLUMN}, {@link #EPOCH_COLUMN}, {@link #COMMIT_ID_COLUMN}
     * (the begin's), {@link #OFFSET_COLUMN} (a log offset at or before the begin's record, -1 when unknown: where the
     * standby starts reading), {@link #TOTAL_NODES_COLUMN}, {@link #TOTAL_RELATIONSHIPS_COLUMN}.
     */
    public static final String BOOTSTRAP_BEGIN = "ha4neo.bootstrap.begin";
    /**
     * {@code CALL ha4neo.bootstrap.next(run)} on the primary of a run: commits the run's next event (a chunk of images,
     * or its end once everything is sent) and returns {@link #RUN_COLUMN}, {@link #PHASE_COLUMN}, {@link #COMMIT_ID_COLUMN},
     * {@link #NODES_SENT_COLUMN}, {@link #RELATIONSHIPS_SENT_COLUMN}, {@link #TOTAL_NODES_COLUMN},
     * {@link #TOTAL_RELATIONSHIPS_COLUMN}. Resumable: the run's progress is a record on the primary, so a caller that
     * died calls it again with the same run. After the end it returns the end's row again and commits nothing.
     */
    public static final String BOOTSTRAP_NEXT = "ha4neo.bootstrap.next";
    /**
     * {@code CALL ha4neo.bootstrap.prepare(run, epoch, offset, reseed)} on the standby to seed: writes its watermark in
     * stage {@code awaiting_begin} of {@code run} ({@link WatermarkNode#BOOTSTRAP_STAGE}), so that its applier passes
     * over the log until the run's begin. Refused on a standby that follows the log (it has a watermark of no run)
     * unless {@code reseed}. Columns {@link #RUN_COLUMN}, {@link #STAGE_COLUMN}.
     */
    public static final String BOOTSTRAP_PREPARE = "ha4neo.bootstrap.prepare";
    /**
     * {@code CALL ha4neo.bootstrap.progress()} on a standby: its watermark as a bootstrap sees it, one row:
     * {@link #RUN_COLUMN} (empty when it is not being seeded), {@link #STAGE_COLUMN} ({@code awaiting_begin},
     * {@code seeding}, {@code following}, or {@code none} without a watermark), {@link #EPOCH_COLUMN},
     * {@link #COMMIT_ID_COLUMN}, {@link #APPLIED_COLUMN}.
     */
    public static final String BOOTSTRAP_PROGRESS = "ha4neo.bootstrap.progress";

    /** A bootstrap run's id. */
    public static final String RUN_COLUMN = "run";
    /** A bootstrap event's phase ({@code io.ha4neo.schemas.event.BootstrapPhase}). */
    public static final String PHASE_COLUMN = "phase";
    /** A standby's bootstrap stage (see {@link #BOOTSTRAP_PROGRESS}). */
    public static final String STAGE_COLUMN = "stage";
    /** Entity images of the run a standby has applied so far ({@link WatermarkNode#BOOTSTRAP_APPLIED}; 0 outside one). */
    public static final String APPLIED_COLUMN = "applied";
    /** Node images a run has sent so far. */
    public static final String NODES_SENT_COLUMN = "nodesSent";
    /** Relationship images a run has sent so far. */
    public static final String RELATIONSHIPS_SENT_COLUMN = "relationshipsSent";
    /** Nodes the primary held when the run began. */
    public static final String TOTAL_NODES_COLUMN = "totalNodes";
    /** Relationships the primary held when the run began. */
    public static final String TOTAL_RELATIONSHIPS_COLUMN = "totalRelationships";
    /** The largest {@code chunkSize} {@link #BOOTSTRAP_BEGIN} accepts (entities per chunk commit). */
    public static final int BOOTSTRAP_MAX_CHUNK_SIZE = 100_000;
    /** Stage {@code following} of {@link #BOOTSTRAP_PROGRESS}: a watermark of no run. */
    public static final String STAGE_FOLLOWING = "following";
    /** Stage {@code none} of {@link #BOOTSTRAP_PROGRESS}: no watermark at all. */
    public static final String STAGE_NONE = "none";

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
