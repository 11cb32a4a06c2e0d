package io.ha4neo.applier.standby;

import io.ha4neo.schemas.contract.WatermarkNode;
import io.ha4neo.schemas.event.ChainPosition;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * How far the standby has applied the log: the single {@code (:_ha4neo_Watermark {database})} node,
 * written in the same Neo4j transaction as the data it covers. Because data and watermark commit
 * atomically, the watermark is the only source of truth for positioning: the applier seeks to
 * {@code offset + 1} on start and after every partition assignment, and Kafka's committed offsets serve
 * lag tools only.
 *
 * @param database the replicated database (the node's unique key)
 * @param commitId origin commit id of the last applied (or operator-skipped) transaction
 * @param epoch origin epoch of that transaction
 * @param topic topic it was read from
 * @param partition partition it was read from
 * @param offset offset of its last record (its last chunk)
 * @param sourceCommitTimeMillis its commit time on the origin
 * @param appliedAtMillis when the standby committed it
 * @param bootstrap only while the standby is being seeded: its run and stage ({@link BootstrapStage}); null when it
 *                  follows the log. A move without it removes both properties from the node.
 * @param epochEnds the epochs this standby saw end, each with the commit it ended at ({@link WatermarkNode#ENDED_EPOCHS});
 *                  empty until it passed an epoch start
 * @param bootstrapApplied only in stage seeding: the run's entity images applied so far
 *                         ({@link WatermarkNode#BOOTSTRAP_APPLIED}); 0 otherwise
 */
public record Watermark(String database, long commitId, long epoch, String topic, int partition, long offset,
                        long sourceCommitTimeMillis, long appliedAtMillis, BootstrapStage bootstrap,
                        SortedMap<Long, Long> epochEnds, long bootstrapApplied) {

    public Watermark {
        epochEnds = epochEnds == null || epochEnds.isEmpty() ? Collections.emptySortedMap() // no copy per item
                : Collections.unmodifiableSortedMap(new TreeMap<>(epochEnds));
        bootstrapApplied = bootstrap != null && bootstrap.isSeeding() ? bootstrapApplied : 0;
    }

    /** A watermark with no images applied (none outside stage seeding). */
    public Watermark(String database, long commitId, long epoch, String topic, int partition, long offset,
                     long sourceCommitTimeMillis, long appliedAtMillis, BootstrapStage bootstrap,
                     SortedMap<Long, Long> epochEnds) {
        this(database, commitId, epoch, topic, partition, offset, sourceCommitTimeMillis, appliedAtMillis, bootstrap,
                epochEnds, 0);
    }

    /** A watermark without remembered epoch ends. */
    public Watermark(String database, long commitId, long epoch, String topic, int partition, long offset,
                     long sourceCommitTimeMillis, long appliedAtMillis, BootstrapStage bootstrap) {
        this(database, commitId, epoch, topic, partition, offset, sourceCommitTimeMillis, appliedAtMillis, bootstrap,
                null);
    }

    /** The watermark of a standby that follows the log (no bootstrap run). */
    public Watermark(String database, long commitId, long epoch, String topic, int partition, long offset,
                     long sourceCommitTimeMillis, long appliedAtMillis) {
        this(database, commitId, epoch, topic, partition, offset, sourceCommitTimeMillis, appliedAtMillis, null);
    }

    /** The bootstrap run and stage, empty on a standby that follows the log. */
    public Optional<BootstrapStage> bootstrapStage() {
        return Optional.ofNullable(bootstrap);
    }

    /** This watermark with {@code stage} (null: none), and no images applied yet. */
    public Watermark withBootstrap(BootstrapStage stage) {
        return new Watermark(database, commitId, epoch, topic, partition, offset, sourceCommitTimeMillis,
                appliedAtMillis, stage, epochEnds, 0);
    }

    /** This watermark with {@code applied} images of its run applied (kept only in stage seeding). */
    public Watermark withBootstrapApplied(long applied) {
        return new Watermark(database, commitId, epoch, topic, partition, offset, sourceCommitTimeMillis,
                appliedAtMillis, bootstrap, epochEnds, applied);
    }

    /** The place in the history the standby has reached: (epoch, commit id); the Kafka position is apart. */
    public ChainPosition chainPosition() {
        return new ChainPosition(epoch, commitId);
    }

    /**
     * The node's properties (without the key {@code database}); the bootstrap ones are null when there is no run, so
     * that {@code SET w += $p} removes them.
     */
    public Map<String, Object> toProperties() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(WatermarkNode.COMMIT_ID, commitId);
        p.put(WatermarkNode.EPOCH, epoch);
        p.put(WatermarkNode.TOPIC, topic);
        p.put(WatermarkNode.PARTITION, (long) partition);
        p.put(WatermarkNode.OFFSET, offset);
        p.put(WatermarkNode.SOURCE_COMMIT_TIME_MILLIS, sourceCommitTimeMillis);
        p.put(WatermarkNode.APPLIED_AT_MILLIS, appliedAtMillis);
        p.put(WatermarkNode.BOOTSTRAP_RUN, bootstrap == null ? null : bootstrap.run());
        p.put(WatermarkNode.BOOTSTRAP_STAGE, bootstrap == null ? null : bootstrap.stage().property());
        p.put(WatermarkNode.BOOTSTRAP_APPLIED, bootstrap != null && bootstrap.isSeeding() ? bootstrapApplied : null);
        p.put(WatermarkNode.ENDED_EPOCHS, epochEnds.isEmpty() ? null : List.copyOf(epochEnds.keySet()));
        p.put(WatermarkNode.ENDED_AT_COMMIT_IDS, epochEnds.isEmpty() ? null : List.copyOf(epochEnds.values()));
        return p;
    }

    /** Reads the node's properties back, as the driver returns them (integers as Long). */
    public static Watermark fromProperties(String database, Map<String, Object> p) {
        return new Watermark(database, num(p, WatermarkNode.COMMIT_ID), num(p, WatermarkNode.EPOCH), (String) p.get(WatermarkNode.TOPIC),
                (int) num(p, WatermarkNode.PARTITION), num(p, WatermarkNode.OFFSET), num(p, WatermarkNode.SOURCE_COMMIT_TIME_MILLIS),
                num(p, WatermarkNode.APPLIED_AT_MILLIS), bootstrapOf(p), epochEndsOf(p),
                p.get(WatermarkNode.BOOTSTRAP_APPLIED) instanceof Number n ? n.longValue() : 0);
    }

    /** The remembered epoch ends; two lists of different lengths or non-numbers are an error naming them. */
    private static SortedMap<Long, Long> epochEndsOf(Map<String, Object> p) {
        Object epochs = p.get(WatermarkNode.ENDED_EPOCHS);
        Object commits = p.get(WatermarkNode.ENDED_AT_COMMIT_IDS);
        SortedMap<Long, Long> ends = new TreeMap<>();
        if (epochs == null && commits == null) {
            return ends;
        }
        if (!(epochs instanceof List<?> e) || !(commits instanceof List<?> c) || e.size() != c.size()) {
            throw new IllegalStateException("watermark properties " + WatermarkNode.ENDED_EPOCHS + " and "
                    + WatermarkNode.ENDED_AT_COMMIT_IDS + " must be two lists of the same length, found " + epochs
                    + " and " + commits + "; the watermark node was modified by hand. Remove both (the applier then "
                    + "relies on offsets for ended epochs) and restart.");
        }
        for (int i = 0; i < e.size(); i++) {
            if (!(e.get(i) instanceof Number epoch) || !(c.get(i) instanceof Number commit)) {
                throw new IllegalStateException("watermark properties " + WatermarkNode.ENDED_EPOCHS + " and "
                        + WatermarkNode.ENDED_AT_COMMIT_IDS + " hold a non-number: " + epochs + ", " + commits);
            }
            ends.put(epoch.longValue(), commit.longValue());
        }
        return ends;
    }

    /** The run and stage, when the node has a run; a run without a known stage is an error naming it. */
    private static BootstrapStage bootstrapOf(Map<String, Object> p) {
        Object run = p.get(WatermarkNode.BOOTSTRAP_RUN);
        if (run == null) {
            return null;
        }
        Object stage = p.get(WatermarkNode.BOOTSTRAP_STAGE);
        return new BootstrapStage(run.toString(), BootstrapStage.Stage.of(stage == null ? null : stage.toString()));
    }

    private static long num(Map<String, Object> p, String key) {
        Object v = p.get(key);
        if (!(v instanceof Number n)) {
            throw new IllegalStateException("watermark property " + key + " is missing or not a number: " + v
                    + "; the watermark node was modified by hand. Fix or delete it (re-bootstrap) and restart.");
        }
        return n.longValue();
    }

    @Override
    public String toString() {
        return "commit " + commitId + " (epoch " + epoch + ", " + topic + "-" + partition + " offset " + offset + ")"
                + (bootstrap == null ? "" : ", " + bootstrap);
    }
}
