package io.ha4neo.applier.standby;

import io.ha4neo.schemas.contract.WatermarkNode;
import io.ha4neo.schemas.event.ChainPosition;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

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
 */
public record Watermark(String database, long commitId, long epoch, String topic, int partition, long offset,
                        long sourceCommitTimeMillis, long appliedAtMillis, BootstrapStage bootstrap) {

    /** The watermark of a standby that follows the log (no bootstrap run). */
    public Watermark(String database, long commitId, long epoch, String topic, int partition, long offset,
                     long sourceCommitTimeMillis, long appliedAtMillis) {
        this(database, commitId, epoch, topic, partition, offset, sourceCommitTimeMillis, appliedAtMillis, null);
    }

    /** The bootstrap run and stage, empty on a standby that follows the log. */
    public Optional<BootstrapStage> bootstrapStage() {
        return Optional.ofNullable(bootstrap);
    }

    /** This watermark with {@code stage} (null: none). */
    public Watermark withBootstrap(BootstrapStage stage) {
        return new Watermark(database, commitId, epoch, topic, partition, offset, sourceCommitTimeMillis,
                appliedAtMillis, stage);
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
        return p;
    }

    /** Reads the node's properties back, as the driver returns them (integers as Long). */
    public static Watermark fromProperties(String database, Map<String, Object> p) {
        return new Watermark(database, num(p, WatermarkNode.COMMIT_ID), num(p, WatermarkNode.EPOCH), (String) p.get(WatermarkNode.TOPIC),
                (int) num(p, WatermarkNode.PARTITION), num(p, WatermarkNode.OFFSET), num(p, WatermarkNode.SOURCE_COMMIT_TIME_MILLIS),
                num(p, WatermarkNode.APPLIED_AT_MILLIS), bootstrapOf(p));
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
