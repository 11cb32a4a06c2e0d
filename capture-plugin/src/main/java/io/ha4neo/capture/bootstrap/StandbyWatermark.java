package io.ha4neo.capture.bootstrap;

import io.ha4neo.schemas.contract.ProcedureNames;
import io.ha4neo.schemas.contract.WatermarkNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Transaction;

/**
 * The standby's side of a bootstrap run in its watermark node ({@link WatermarkNode}): {@code ha4neo.bootstrap.prepare}
 * writes it in stage {@link WatermarkNode#STAGE_AWAITING_BEGIN}, {@code ha4neo.bootstrap.progress} reads it. The
 * applier takes it from there (it moves the stage to seeding at the run's begin, and drops both bootstrap properties
 * at its end).
 *
 * <p>The decision ({@link #decide}) is pure; {@link #prepare} and {@link #read} apply it to a transaction.
 */
public final class StandbyWatermark {
    /**
     * What the watermark says about a bootstrap: the run ("" for none), its stage, the applied position, and the run's
     * entity images applied so far (0 outside stage seeding).
     */
    public record Progress(String run, String stage, long epoch, long commitId, long applied) {
    }

    /** What {@link #decide} concluded: write the watermark, or leave it as it is with this stage. */
    public record Decision(boolean write, String stage) {
    }

    private StandbyWatermark() {
    }

    /**
     * Whether preparing {@code run} writes the watermark.
     *
     * @param existing the watermark's properties, or empty when the standby has none
     * @throws IllegalStateException when the standby follows the log (a watermark of no run) and {@code reseed} is false
     */
    public static Decision decide(Optional<Map<String, Object>> existing, String database, String run, boolean reseed) {
        if (existing.isEmpty()) {
            return new Decision(true, WatermarkNode.STAGE_AWAITING_BEGIN);
        }
        Map<String, Object> w = existing.get();
        Object preparedRun = w.get(WatermarkNode.BOOTSTRAP_RUN);
        Object stage = w.get(WatermarkNode.BOOTSTRAP_STAGE);
        if (run.equals(preparedRun) && (WatermarkNode.STAGE_AWAITING_BEGIN.equals(stage)
                || WatermarkNode.STAGE_SEEDING.equals(stage))) {
            return new Decision(false, (String) stage); // prepared already: calling again changes nothing
        }
        if (preparedRun == null && !reseed) {
            throw new IllegalStateException("standby database '" + database + "' follows the log (its watermark is at "
                    + "epoch " + w.get(WatermarkNode.EPOCH) + ", commit " + w.get(WatermarkNode.COMMIT_ID) + ", no "
                    + "bootstrap run): preparing bootstrap run " + run + " would replace everything it holds. Nothing "
                    + "was changed; to re-seed it anyway, run `ha4neo bootstrap --reseed` (reseed = true)");
        }
        return new Decision(true, WatermarkNode.STAGE_AWAITING_BEGIN); // a re-seed, or a new run replacing another
    }

    /**
     * Writes (or merges) the watermark of {@code database} for {@code run} in stage awaiting_begin, unless
     * {@link #decide} says it is prepared already. Does not commit.
     *
     * @param offset the run's begin offset: the applier reads from {@code offset + 1}
     * @return the stage the watermark is in afterwards
     */
    public static String prepare(Transaction tx, String database, String topic, String run, long epoch, long offset,
                                 boolean reseed, long nowMillis) {
        if (epoch < 0 || offset < -1) {
            throw new IllegalArgumentException("bootstrap run " + run + ": epoch must be >= 0 and offset >= -1 (as "
                    + "ha4neo.bootstrap.begin returned them), were " + epoch + " and " + offset + "; nothing was changed");
        }
        Node w = find(tx, database);
        if (w != null) {
            tx.acquireWriteLock(w); // the decision reads what a concurrent prepare (or the applier) may be writing
        }
        Decision d = decide(Optional.ofNullable(w).map(Node::getAllProperties), database, run, reseed);
        if (!d.write()) {
            return d.stage();
        }
        if (w == null) {
            w = tx.createNode(Label.label(WatermarkNode.LABEL));
            w.setProperty(WatermarkNode.DATABASE, database);
        }
        for (Map.Entry<String, Object> p : properties(topic, run, epoch, offset, nowMillis).entrySet()) {
            w.setProperty(p.getKey(), p.getValue());
        }
        return d.stage();
    }

    /** The watermark properties prepare writes (besides the database): as the applier writes them, plus the run. */
    static Map<String, Object> properties(String topic, String run, long epoch, long offset, long nowMillis) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(WatermarkNode.COMMIT_ID, 0L);
        p.put(WatermarkNode.EPOCH, epoch);
        p.put(WatermarkNode.TOPIC, topic);
        p.put(WatermarkNode.PARTITION, 0L);
        p.put(WatermarkNode.OFFSET, offset);
        p.put(WatermarkNode.SOURCE_COMMIT_TIME_MILLIS, 0L);
        p.put(WatermarkNode.APPLIED_AT_MILLIS, nowMillis);
        p.put(WatermarkNode.BOOTSTRAP_RUN, run);
        p.put(WatermarkNode.BOOTSTRAP_STAGE, WatermarkNode.STAGE_AWAITING_BEGIN);
        return p;
    }

    /** What the watermark of {@code database} says about a bootstrap. */
    public static Progress read(Transaction tx, String database) {
        Node w = find(tx, database);
        return progressOf(w == null ? Optional.empty() : Optional.of(w.getAllProperties()));
    }

    /** The progress a watermark's properties (or no watermark) describe. */
    static Progress progressOf(Optional<Map<String, Object>> watermark) {
        if (watermark.isEmpty()) {
            return new Progress("", ProcedureNames.STAGE_NONE, 0, 0, 0);
        }
        Map<String, Object> w = watermark.get();
        long epoch = w.get(WatermarkNode.EPOCH) instanceof Number n ? n.longValue() : 0;
        long commitId = w.get(WatermarkNode.COMMIT_ID) instanceof Number n ? n.longValue() : 0;
        if (w.get(WatermarkNode.BOOTSTRAP_RUN) instanceof String run && w.get(WatermarkNode.BOOTSTRAP_STAGE)
                instanceof String stage) {
            long applied = WatermarkNode.STAGE_SEEDING.equals(stage)
                    && w.get(WatermarkNode.BOOTSTRAP_APPLIED) instanceof Number n ? n.longValue() : 0;
            return new Progress(run, stage, epoch, commitId, applied);
        }
        return new Progress("", ProcedureNames.STAGE_FOLLOWING, epoch, commitId, 0);
    }

    private static Node find(Transaction tx, String database) {
        return tx.findNode(Label.label(WatermarkNode.LABEL), WatermarkNode.DATABASE, database);
    }
}
