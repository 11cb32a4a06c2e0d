package io.ha4neo.schemas.contract;

import java.util.List;

/**
 * Columns of {@code CALL ha4neo.status()}, in order. The plugin's result row has exactly these fields (a unit
 * test in the plugin checks it); readers fetch columns by these names.
 */
public final class StatusColumns {
    /** {@code primary}, {@code standby} or {@code fenced} ({@link io.ha4neo.schemas.topology.Role}, lower case). */
    public static final String ROLE = "role";
    /** The replicated database. */
    public static final String DATABASE = "database";
    /** The replication cluster id. */
    public static final String CLUSTER_ID = "clusterId";
    /** On a primary: the epoch it publishes under; otherwise the epoch of the last applied event (0 if none). */
    public static final String EPOCH = "epoch";
    /** {@code async} or {@code semi-sync} on a primary, empty on a standby. */
    public static final String DURABILITY = "durability";
    /** The replication topic. */
    public static final String TOPIC = "topic";
    /** The publisher's state, a {@link PublisherState} name ({@code NOT_PUBLISHING} on a standby). */
    public static final String PUBLISHER_STATE = "publisherState";
    /** Neo4j's last committed transaction id on this member. */
    public static final String LAST_COMMITTED_ID = "lastCommittedId";
    /** Highest commit id put in commit order (captured or skipped). */
    public static final String LAST_CAPTURED_ID = "lastCapturedId";
    /** Commit id of the last event in the spool. */
    public static final String LAST_SPOOLED_ID = "lastSpooledId";
    /** Commit id of the last event Kafka acknowledged. */
    public static final String LAST_PUBLISHED_ID = "lastPublishedId";
    /** Bytes of spooled events not yet published. */
    public static final String SPOOL_BYTES = "spoolBytes";
    /** Milliseconds commits have been blocked by a full spool, 0 when not blocked. */
    public static final String SPOOL_BLOCKED_MS = "spoolBlockedMs";
    /** True while semi-sync has fallen back to async. */
    public static final String SEMI_SYNC_FALLBACK = "semiSyncFallback";
    /** Detected commit-id ranges that were not captured, one string each. */
    public static final String GAPS = "gaps";
    /** The publisher's last error, empty if none. */
    public static final String LAST_ERROR = "lastError";
    /** On a standby: origin commit id of the last applied transaction. */
    public static final String APPLIED_COMMIT_ID = "appliedCommitId";
    /** On a standby: origin commit time of that transaction. */
    public static final String SOURCE_COMMIT_TIME_MILLIS = "sourceCommitTimeMillis";
    /** On a standby: when that transaction was applied here. */
    public static final String LAST_APPLY_TIME_MILLIS = "lastApplyTimeMillis";
    /** On a standby: apply time minus origin commit time of the last applied transaction. */
    public static final String APPLY_DELAY_MS = "applyDelayMs";

    /** On a primary: true while a switchover has frozen client writes ({@code ha4neo.freeze}). */
    public static final String FROZEN = "frozen";
    /** On a FENCED member: its divergent tail, one line each; empty otherwise. */
    public static final String DIVERGENT_TAIL = "divergentTail";
    /** On a primary: commit-id ranges repaired from Neo4j's transaction log since start-up, one string each. */
    public static final String REPAIRS = "repairs";

    /** Every column, in the procedure's order. */
    public static final List<String> ALL = List.of(ROLE, DATABASE, CLUSTER_ID, EPOCH, DURABILITY, TOPIC,
            PUBLISHER_STATE, LAST_COMMITTED_ID, LAST_CAPTURED_ID, LAST_SPOOLED_ID, LAST_PUBLISHED_ID, SPOOL_BYTES,
            SPOOL_BLOCKED_MS, SEMI_SYNC_FALLBACK, GAPS, LAST_ERROR, APPLIED_COMMIT_ID, SOURCE_COMMIT_TIME_MILLIS,
            LAST_APPLY_TIME_MILLIS, APPLY_DELAY_MS, FROZEN, DIVERGENT_TAIL, REPAIRS);

    private StatusColumns() {
    }
}
