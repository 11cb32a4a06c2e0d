package io.ha4neo.schemas.contract;

import io.ha4neo.schemas.topology.ReservedNames;
import java.util.List;

/**
 * Layout of the standby's watermark node: {@code (:_ha4neo_Watermark {database, commitId, epoch, topic,
 * partition, offset, sourceCommitTimeMillis, appliedAtMillis})}, one per replicated database.
 *
 * <p>Writer: the sink applier, in the same Neo4j transaction as the data it covers. Readers: the plugin on a
 * standby ({@code ha4neo.awaitCommit}, status) and the write guard, which wakes waiters when {@link #COMMIT_ID}
 * changes; the launcher's status probe; the tests. All integer properties are Neo4j integers (Java long).
 */
public final class WatermarkNode {
    /** The node's label. */
    public static final String LABEL = ReservedNames.WATERMARK_LABEL;
    /** Unique key: the replicated database's name (constraint {@link ReservedNames#WATERMARK_CONSTRAINT}). */
    public static final String DATABASE = "database";
    /** Origin commit id of the last applied (or operator-skipped) transaction. */
    public static final String COMMIT_ID = "commitId";
    /** Origin epoch of that transaction. */
    public static final String EPOCH = "epoch";
    /** Topic it was read from. */
    public static final String TOPIC = "topic";
    /** Partition it was read from. */
    public static final String PARTITION = "partition";
    /** Offset of its last record (its last chunk). */
    public static final String OFFSET = "offset";
    /** Its commit time on the origin, epoch milliseconds. */
    public static final String SOURCE_COMMIT_TIME_MILLIS = "sourceCommitTimeMillis";
    /** When the standby committed it, epoch milliseconds. */
    public static final String APPLIED_AT_MILLIS = "appliedAtMillis";

    /**
     * Only while the standby is being seeded ({@code ha4neo bootstrap}): the id of the bootstrap run
     * ({@code io.ha4neo.schemas.event.BootstrapMark#run}) it is seeded by. Absent on a standby that follows the log.
     */
    public static final String BOOTSTRAP_RUN = "bootstrapRun";
    /** Only with {@link #BOOTSTRAP_RUN}: {@link #STAGE_AWAITING_BEGIN} or {@link #STAGE_SEEDING}. */
    public static final String BOOTSTRAP_STAGE = "bootstrapStage";
    /**
     * Only in stage {@link #STAGE_SEEDING}: the entity images of the run the standby has applied, that is the
     * {@code entitiesSent} of the last chunk it applied (every earlier chunk of the run is applied before it). Written
     * by the applier with the data; {@code ha4neo bootstrap} shows it, also after a resumed run.
     */
    public static final String BOOTSTRAP_APPLIED = "bootstrapApplied";
    /**
     * Written by {@code ha4neo.bootstrap.prepare} on the standby: the applier reads the log from {@link #OFFSET} + 1
     * and passes over everything until the begin event of the run, which it applies (emptying the standby first) and
     * takes as its position; {@link #COMMIT_ID} is 0 until then.
     */
    public static final String STAGE_AWAITING_BEGIN = "awaiting_begin";
    /**
     * The run's begin is applied: images replace or create their entities, changes to entities the standby does not
     * hold yet are passed over, until the run's end, where the applier removes both bootstrap properties.
     */
    public static final String STAGE_SEEDING = "seeding";

    /**
     * The epochs this standby has seen end, with {@link #ENDED_AT_COMMIT_IDS} (two lists of the same length, oldest
     * first): epoch {@code endedEpochs[i]} ended at commit {@code endedAtCommitIds[i]}, the commit the start of the
     * next epoch links to. The applier adds a pair when it applies an epoch start, in the same transaction. With them
     * a record of an ended epoch found after the standby's position in the log is told apart without offsets: at or
     * below its epoch's end it is a redelivery (MirrorMaker 2 copies again after a crash, later in the mirrored log);
     * above it, a fenced primary's. Absent until the standby passed an epoch start; never written by the plugin.
     */
    public static final String ENDED_EPOCHS = "endedEpochs";
    /** See {@link #ENDED_EPOCHS}. */
    public static final String ENDED_AT_COMMIT_IDS = "endedAtCommitIds";

    /** Every property except the key, in the order the applier writes them. */
    public static final List<String> PROPERTIES = List.of(COMMIT_ID, EPOCH, TOPIC, PARTITION, OFFSET,
            SOURCE_COMMIT_TIME_MILLIS, APPLIED_AT_MILLIS);

    private WatermarkNode() {
    }

    /** A Cypher pattern matching the watermark of the database in parameter {@code $<parameter>}. */
    public static String matchPattern(String variable, String parameter) {
        return "(" + variable + ":" + LABEL + " {" + DATABASE + ": $" + parameter + "})";
    }
}
