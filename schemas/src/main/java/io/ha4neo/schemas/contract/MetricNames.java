package io.ha4neo.schemas.contract;

import java.util.List;

/**
 * Prometheus metric names that dashboards ({@code docker/grafana}), the launcher, the benchmark and the tests
 * read. The plugin's endpoint ({@code ha4neo.metrics.port}) exports the {@code CAPTURE_*}, {@code STANDBY_*} and
 * {@code ROLE_*} gauges with a label {@code database}; the applier's {@code /metrics} exports the
 * {@code APPLIER_*} ones. Histograms add Prometheus' usual {@code _bucket}, {@code _sum} and {@code _count}.
 */
public final class MetricNames {
    public static final String CAPTURE_LAST_COMMITTED_ID = "ha4neo_capture_last_committed_id";
    public static final String CAPTURE_LAST_CAPTURED_ID = "ha4neo_capture_last_captured_id";
    public static final String CAPTURE_LAST_SPOOLED_ID = "ha4neo_capture_last_spooled_id";
    public static final String CAPTURE_LAST_PUBLISHED_ID = "ha4neo_capture_last_published_id";
    public static final String CAPTURE_SPOOL_BYTES = "ha4neo_capture_spool_bytes";
    public static final String CAPTURE_COMMITS_BLOCKED_SECONDS = "ha4neo_capture_commits_blocked_seconds";
    public static final String CAPTURE_SEMI_SYNC_FALLBACK = "ha4neo_capture_semi_sync_fallback";
    public static final String CAPTURE_GAPS = "ha4neo_capture_gaps";
    public static final String CAPTURE_REPAIRS = "ha4neo_capture_repairs";
    public static final String CAPTURE_PUBLISHER_UP = "ha4neo_capture_publisher_up";
    public static final String STANDBY_APPLIED_COMMIT_ID = "ha4neo_standby_applied_commit_id";
    public static final String STANDBY_APPLY_DELAY_SECONDS = "ha4neo_standby_apply_delay_seconds";
    public static final String ROLE_PRIMARY = "ha4neo_role_primary";
    /** 1 when this member is a standby (following the primary through its applier). */
    public static final String ROLE_STANDBY = "ha4neo_role_standby";
    /**
     * 1 when this member accepts client writes: the primary, not frozen by a switchover or a demotion. What a
     * keepalived check script asks before it lets this member hold the virtual IP as MASTER.
     */
    public static final String ACCEPTS_WRITES = "ha4neo_accepts_writes";

    public static final String APPLIER_APPLIED_COMMIT_ID = "ha4neo_applier_applied_commit_id";
    /** The epoch {@link #APPLIER_APPLIED_COMMIT_ID} belongs to: commit ids of different epochs are not comparable. */
    public static final String APPLIER_APPLIED_EPOCH = "ha4neo_applier_applied_epoch";
    public static final String APPLIER_APPLIED_SOURCE_COMMIT_TIMESTAMP_SECONDS =
            "ha4neo_applier_applied_source_commit_timestamp_seconds";
    public static final String APPLIER_LAG_TRANSACTIONS = "ha4neo_applier_lag_transactions";
    public static final String APPLIER_LAG_RECORDS = "ha4neo_applier_lag_records";
    public static final String APPLIER_LAG_SECONDS = "ha4neo_applier_lag_seconds";
    /** Labelled {@code state}: 1 for the applier's current state, 0 for the others. */
    public static final String APPLIER_STATE = "ha4neo_applier_state";
    public static final String APPLIER_APPLY_LATENCY_SECONDS = "ha4neo_applier_apply_latency_seconds";
    /**
     * The three stages of {@link #APPLIER_APPLY_LATENCY_SECONDS}, per applied transaction: origin commit → the
     * publisher sent its record (the record's timestamp: capture, spool, publisher wake-up and linger); sent → the
     * applier's poll returned it (the Kafka transaction's commit, the broker, the fetch); polled → the standby
     * committed it (batching, planning, the standby write). The first two compare clocks of different machines.
     */
    public static final String APPLIER_STAGE_COMMIT_TO_SEND_SECONDS = "ha4neo_applier_stage_commit_to_send_seconds";
    public static final String APPLIER_STAGE_SEND_TO_POLL_SECONDS = "ha4neo_applier_stage_send_to_poll_seconds";
    public static final String APPLIER_STAGE_POLL_TO_APPLY_SECONDS = "ha4neo_applier_stage_poll_to_apply_seconds";
    public static final String APPLIER_BATCH_TRANSACTIONS = "ha4neo_applier_batch_transactions";
    public static final String APPLIER_BATCH_CHANGES = "ha4neo_applier_batch_changes";
    public static final String APPLIER_BATCH_LIMIT_TRANSACTIONS = "ha4neo_applier_batch_limit_transactions";
    public static final String APPLIER_BATCH_LIMIT_CHANGES = "ha4neo_applier_batch_limit_changes";
    public static final String APPLIER_RETRIES_TOTAL = "ha4neo_applier_retries_total";
    public static final String APPLIER_ERRORS_TOTAL = "ha4neo_applier_errors_total";
    /** Gauge: 1 while the standby is being seeded by a bootstrap run (awaiting its begin, or seeding), else 0. */
    public static final String APPLIER_BOOTSTRAP_ACTIVE = "ha4neo_applier_bootstrap_active";
    /** Gauge: entity images (nodes and relationships) of the current bootstrap run applied on the standby. */
    public static final String APPLIER_BOOTSTRAP_ENTITIES_APPLIED = "ha4neo_applier_bootstrap_entities_applied";
    /**
     * Gauge: entities the primary held when the current bootstrap run began (0 before its begin). Not named
     * {@code ..._total}: Prometheus reserves that suffix for counters, and its client refuses a gauge so named.
     */
    public static final String APPLIER_BOOTSTRAP_ENTITIES_TOTAL = "ha4neo_applier_bootstrap_entities_at_begin";

    /**
     * Not ours: MirrorMaker 2's per-partition replication latency in milliseconds (source record timestamp to its
     * copy's write), as the Prometheus JMX exporter names its MBean attribute; the labels are source, target, topic
     * (the copy's name) and partition. The launcher runs MirrorMaker with that exporter, {@code ha4neo status} reads it
     * for a zone, and the benchmark reports it.
     */
    public static final String MIRROR_MAKER_REPLICATION_LATENCY_MS =
            "kafka_connect_mirror_mirrorsourceconnector_replication_latency_ms";

    /** Every plugin metric. */
    public static final List<String> PLUGIN = List.of(CAPTURE_LAST_COMMITTED_ID, CAPTURE_LAST_CAPTURED_ID,
            CAPTURE_LAST_SPOOLED_ID, CAPTURE_LAST_PUBLISHED_ID, CAPTURE_SPOOL_BYTES, CAPTURE_COMMITS_BLOCKED_SECONDS,
            CAPTURE_SEMI_SYNC_FALLBACK, CAPTURE_GAPS, CAPTURE_REPAIRS, CAPTURE_PUBLISHER_UP, STANDBY_APPLIED_COMMIT_ID,
            STANDBY_APPLY_DELAY_SECONDS, ROLE_PRIMARY, ROLE_STANDBY, ACCEPTS_WRITES);
    /** Every applier metric. */
    public static final List<String> APPLIER = List.of(APPLIER_APPLIED_COMMIT_ID, APPLIER_APPLIED_EPOCH,
            APPLIER_APPLIED_SOURCE_COMMIT_TIMESTAMP_SECONDS, APPLIER_LAG_TRANSACTIONS, APPLIER_LAG_RECORDS,
            APPLIER_LAG_SECONDS, APPLIER_STATE, APPLIER_APPLY_LATENCY_SECONDS, APPLIER_STAGE_COMMIT_TO_SEND_SECONDS,
            APPLIER_STAGE_SEND_TO_POLL_SECONDS, APPLIER_STAGE_POLL_TO_APPLY_SECONDS, APPLIER_BATCH_TRANSACTIONS,
            APPLIER_BATCH_CHANGES, APPLIER_BATCH_LIMIT_TRANSACTIONS, APPLIER_BATCH_LIMIT_CHANGES, APPLIER_RETRIES_TOTAL,
            APPLIER_ERRORS_TOTAL, APPLIER_BOOTSTRAP_ACTIVE, APPLIER_BOOTSTRAP_ENTITIES_APPLIED,
            APPLIER_BOOTSTRAP_ENTITIES_TOTAL);

    private MetricNames() {
    }

    /** The {@code _sum} series of a histogram. */
    public static String sum(String histogram) {
        return histogram + "_sum";
    }
}
