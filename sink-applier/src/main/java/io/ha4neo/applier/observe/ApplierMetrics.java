package io.ha4neo.applier.observe;

import io.ha4neo.applier.apply.ApplyResult;
import io.ha4neo.applier.standby.Watermark;
import io.ha4neo.schemas.contract.MetricNames;
import io.ha4neo.schemas.event.ChainPosition;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.time.Clock;
import java.util.Optional;

/**
 * Prometheus metrics of the applier, all prefixed {@code ha4neo_applier_}. The consume loop is the only
 * writer; the HTTP server reads. Lag is derived from two facts the loop reports: how far the topic goes
 * ({@link #topicProgress}) and what was applied ({@link #applied}).
 */
public final class ApplierMetrics {
    private final Clock clock;
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Gauge appliedCommitId = gauge(MetricNames.APPLIER_APPLIED_COMMIT_ID, "Commit id of the last transaction applied to the standby.");
    private final Gauge appliedEpoch = gauge(MetricNames.APPLIER_APPLIED_EPOCH, "Epoch of the last transaction "
            + "applied to the standby; its commit id is one of that epoch's primary.");
    private final Gauge sourceCommitTime = gauge(MetricNames.APPLIER_APPLIED_SOURCE_COMMIT_TIMESTAMP_SECONDS,
            "Origin commit time of the last applied transaction, epoch seconds.");
    private final Gauge lagTransactions = gauge(MetricNames.APPLIER_LAG_TRANSACTIONS, "Newest commit id seen in the topic minus the "
            + "applied commit id (commit ids are increasing but not dense: an upper bound of missing transactions); "
            + "NaN while the two are of different epochs, whose commit ids cannot be compared.");
    private final Gauge lagRecords = gauge(MetricNames.APPLIER_LAG_RECORDS, "Records between the applier's position and the topic's end offset.");
    private final Gauge lagSeconds = gauge(MetricNames.APPLIER_LAG_SECONDS, "Now minus the origin commit time of the last applied "
            + "transaction; 0 when caught up.");
    private final Gauge state = Gauge.builder().name(MetricNames.APPLIER_STATE).help("1 for the current state.")
            .labelNames("state").register(registry);
    private final Histogram applyLatency = latency(MetricNames.APPLIER_APPLY_LATENCY_SECONDS,
            "Standby commit time minus origin commit time, per applied transaction.");
    private final Histogram commitToSend = latency(MetricNames.APPLIER_STAGE_COMMIT_TO_SEND_SECONDS,
            "Stage 1 of the apply latency: the record's timestamp (set when the publisher sent it) minus the origin "
                    + "commit time.");
    private final Histogram sendToPoll = latency(MetricNames.APPLIER_STAGE_SEND_TO_POLL_SECONDS,
            "Stage 2 of the apply latency: the time the applier's poll returned the record minus its timestamp.");
    private final Histogram pollToApply = latency(MetricNames.APPLIER_STAGE_POLL_TO_APPLY_SECONDS,
            "Stage 3 of the apply latency: standby commit time minus the time the poll returned the record.");
    private final Histogram batchTransactions = Histogram.builder().name(MetricNames.APPLIER_BATCH_TRANSACTIONS)
            .help("Transactions per standby write.").classicUpperBounds(1, 2, 5, 10, 50, 100, 500, 1000, 5000)
            .register(registry);
    private final Histogram batchChanges = Histogram.builder().name(MetricNames.APPLIER_BATCH_CHANGES)
            .help("Changes per standby write.").classicUpperBounds(1, 10, 100, 1000, 10000, 20000, 100000)
            .register(registry);
    private final Gauge batchLimitTransactions = gauge(MetricNames.APPLIER_BATCH_LIMIT_TRANSACTIONS, "The batch.max.transactions in force; "
            + "halved (down to 1) after a standby memory limit or transaction timeout, doubled back after successes.");
    private final Gauge batchLimitChanges = gauge(MetricNames.APPLIER_BATCH_LIMIT_CHANGES, "The batch.max.changes in force; halved and "
            + "doubled back with the transaction limit.");
    private final Counter retries = Counter.builder().name(MetricNames.APPLIER_RETRIES_TOTAL)
            .help("Retriable errors waited out, by kind.").labelNames("kind").register(registry);
    private final Counter errors = Counter.builder().name(MetricNames.APPLIER_ERRORS_TOTAL)
            .help("Errors by kind (retriable and fatal).").labelNames("kind").register(registry);

    private final Gauge bootstrapActive = gauge(MetricNames.APPLIER_BOOTSTRAP_ACTIVE, "1 while the standby is being "
            + "seeded by a bootstrap run (its watermark in stage awaiting_begin or seeding), else 0.");
    private final Gauge bootstrapApplied = gauge(MetricNames.APPLIER_BOOTSTRAP_ENTITIES_APPLIED, "Entity images "
            + "(nodes and relationships) of the current or last bootstrap run applied on the standby, as of the last "
            + "applied event of the run.");
    private final Gauge bootstrapTotal = gauge(MetricNames.APPLIER_BOOTSTRAP_ENTITIES_TOTAL, "Entities the primary "
            + "held when the current or last bootstrap run began; 0 before its begin is applied.");

    private volatile ChainPosition applied; // null until a watermark was read or written: nothing applied
    private volatile long appliedSourceMillis;
    private volatile ChainPosition newestSeen; // null until a record was read
    private volatile long recordLag;

    public ApplierMetrics(Clock clock) {
        this.clock = clock;
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    /** Fine buckets below 100 ms, where the lag goal is (p99 ≤ 100 ms), coarse ones up to minutes of catch-up. */
    private Histogram latency(String name, String help) {
        return Histogram.builder().name(name).help(help).unit(Unit.SECONDS)
                .classicUpperBounds(0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300)
                .register(registry);
    }

    private Gauge gauge(String name, String help) {
        return Gauge.builder().name(name).help(help).register(registry);
    }

    /**
     * When one transaction reached each stage, in epoch milliseconds: its origin commit, the publisher's send (the
     * record timestamp of its last chunk) and the applier's poll that returned that record.
     */
    public record StageTimes(long committedMillis, long sentMillis, long polledMillis) {
    }

    /** After a successful write; {@code stages} are the applied transactions' stage times. */
    public void applied(ApplyResult result, java.util.List<StageTimes> stages) {
        result.lastWatermark().ifPresent(this::positioned);
        long now = clock.millis();
        result.sourceCommitTimes().forEach(t -> applyLatency.observe(seconds(now - t)));
        for (StageTimes s : stages) {
            commitToSend.observe(seconds(s.sentMillis() - s.committedMillis()));
            sendToPoll.observe(seconds(s.polledMillis() - s.sentMillis()));
            pollToApply.observe(seconds(now - s.polledMillis()));
        }
        result.lastBootstrapMark().ifPresent(m -> {
            bootstrapApplied.set(m.entitiesSent());
            bootstrapTotal.set(m.totals().nodes() + m.totals().relationships());
        });
        batchTransactions.observe(result.transactions());
        batchChanges.observe(result.changes());
        refreshLag();
    }

    private static double seconds(long millis) {
        return Math.max(0, millis) / 1000.0;
    }

    /** After reading the watermark, or after a write. */
    public void positioned(Watermark w) {
        bootstrapActive.set(w.bootstrap() == null ? 0 : 1);
        if (w.bootstrap() != null && w.bootstrap().isAwaitingBegin()) { // a new run: nothing of it applied yet
            bootstrapApplied.set(0);
            bootstrapTotal.set(0);
        }
        applied = w.chainPosition();
        if (w.sourceCommitTimeMillis() > 0) {
            appliedSourceMillis = w.sourceCommitTimeMillis();
        }
        appliedCommitId.set(applied.commitId());
        appliedEpoch.set(applied.epoch());
        sourceCommitTime.set(appliedSourceMillis / 1000.0);
    }

    /**
     * Where the newest record seen in the topic is in the history (its key's commit id, in its epoch; empty when no
     * record was read yet), and the record lag from the consumer's end offsets.
     */
    public void topicProgress(Optional<ChainPosition> newestRecordSeen, long recordsBehind) {
        newestRecordSeen.ifPresent(p -> newestSeen = p);
        recordLag = recordsBehind;
        refreshLag();
    }

    /**
     * Lag in transactions only when the newest record seen and the applied transaction are of the same epoch: commit
     * ids of different epochs come from different stores, so their difference means nothing (NaN until they are).
     */
    private void refreshLag() {
        lagTransactions.set(lagTransactions(newestSeen, applied));
        lagRecords.set(recordLag);
        lagSeconds.set(lagMillis() / 1000.0);
    }

    /** Now minus the origin time of the last applied transaction, or 0 when nothing is left to apply. */
    public long lagMillis() {
        boolean caughtUp = recordLag == 0 && nothingNewerSeen();
        return caughtUp || appliedSourceMillis == 0 ? 0 : Math.max(0, clock.millis() - appliedSourceMillis);
    }

    /** True when the newest record seen is not after the applied transaction (a newer epoch always is after). */
    private boolean nothingNewerSeen() {
        ChainPosition newest = newestSeen;
        ChainPosition at = applied;
        if (newest == null || at == null) {
            return newest == null;
        }
        return newest.epoch() == at.epoch() ? newest.commitId() <= at.commitId() : newest.epoch() < at.epoch();
    }

    /** Newest seen minus applied, in one epoch; before anything is applied, the newest commit id; else NaN. */
    private static double lagTransactions(ChainPosition newest, ChainPosition at) {
        if (newest == null) {
            return 0;
        }
        if (at == null) {
            return newest.commitId();
        }
        return newest.epoch() == at.epoch() ? Math.max(0, newest.commitId() - at.commitId()) : Double.NaN;
    }

    /** True when the topic has nothing left to apply, as far as the last end-offset check knows. */
    public boolean caughtUp() {
        return recordLag == 0;
    }

    public void stateChanged(ApplierState now) {
        for (ApplierState s : ApplierState.values()) {
            state.labelValues(s.name()).set(s == now ? 1 : 0);
        }
    }

    /** The batch limits in force. */
    public void batchLimits(int transactions, int changes) {
        batchLimitTransactions.set(transactions);
        batchLimitChanges.set(changes);
    }

    public void retry(String kind) {
        retries.labelValues(kind).inc();
        errors.labelValues(kind).inc();
    }

    public void fatal(String kind) {
        error(kind);
    }

    /** An error that is neither retried nor fatal (a write the member refused for its role: the applier pauses). */
    public void error(String kind) {
        errors.labelValues(kind).inc();
    }
}
