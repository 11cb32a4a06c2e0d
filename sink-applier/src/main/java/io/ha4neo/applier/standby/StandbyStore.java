package io.ha4neo.applier.standby;

import io.ha4neo.applier.error.FatalApplierException;
import io.ha4neo.applier.plan.PlannedStatement;
import io.ha4neo.schemas.event.ChainPosition;
import io.ha4neo.schemas.event.StoreContent;
import io.ha4neo.schemas.topology.Role;
import java.util.List;
import java.util.Optional;

/**
 * The applier's view of the standby database. {@link Neo4jStandbyStore} implements it over Bolt; unit
 * tests use an in-memory fake. Every write the implementation makes is tagged with the applier's
 * transaction metadata so the standby's own capture lets it through and does not publish it again.
 */
public interface StandbyStore {
    /** The standby, for messages: its database and, where known, its address. */
    String name();

    /** Creates the reserved uniqueness constraints if missing and waits until they are online. */
    void ensureReservedSchema();

    /**
     * What the standby holds of user data, by {@link StoreContent}'s rules (not the watermark, not operator skip
     * records, not the reserved schema). Read only, from Neo4j's counts and schema: cheap on any store size.
     */
    StoreContent userContent();

    /** The watermark of the configured database, or empty on a standby that was never applied to. */
    Optional<Watermark> readWatermark();

    /**
     * Only the watermark's bootstrap run and stage (empty when it has none, or there is no watermark): what an idle
     * applier checks to notice a {@code ha4neo.bootstrap.prepare} that ran under it.
     */
    Optional<BootstrapStage> readBootstrapStage();

    /**
     * In one transaction: checks that the watermark still names {@code expected}, epoch and commit id (empty = no
     * watermark yet; anything else means a second writer, and the transaction is rolled back with a
     * {@link FatalApplierException}), runs the statements in order, verifies each found all its targets, records
     * operator skips, and moves the watermark to {@code next}.
     */
    default void writeBatch(Optional<ChainPosition> expected, List<PlannedStatement> statements, Watermark next,
                            List<SkippedCommit> skips) {
        writeBatch(expected, Optional.empty(), statements, next, skips);
    }

    /**
     * {@link #writeBatch(Optional, List, Watermark, List)}, where the watermark must also name the bootstrap run and
     * stage {@code expectedBootstrap} (empty: none). A watermark found in stage awaiting_begin of another run than
     * expected was prepared under this applier ({@code ha4neo.bootstrap.prepare}): rolled back with a
     * {@link WatermarkPreparedException} instead of a divergence. Each statement must find all its targets, or at
     * most them when it says so ({@link PlannedStatement#accepts}).
     */
    void writeBatch(Optional<ChainPosition> expected, Optional<BootstrapStage> expectedBootstrap,
                    List<PlannedStatement> statements, Watermark next, List<SkippedCommit> skips);

    /**
     * Deletes at most {@code batchSize} user entities in one transaction: relationships first, then, once none is
     * left, nodes (never the bookkeeping nodes, {@code ReservedNames.BOOKKEEPING_LABELS}). Returns how many it
     * deleted; 0 means the standby holds no user data.
     */
    long deleteUserEntities(int batchSize);

    /**
     * Drops every user constraint, then every user index (not the token lookup indexes, not ha4neo's reserved
     * schema, whose names start with {@code ReservedNames.PREFIX}); returns the names dropped.
     */
    List<String> dropUserSchema();

    /** True when an index or constraint with this name exists. */
    boolean schemaObjectExists(String name);

    /** Runs one schema statement in its own transaction. */
    void runSchemaStatement(String statement);

    /** Waits until all indexes are online, at most {@code seconds}. */
    void awaitIndexes(int seconds);

    /** A cheap round trip, to tell whether the standby is reachable. */
    void ping();

    /**
     * The member's replication role ({@code CALL ha4neo.role()}). A plugin without that procedure (older than roles
     * that move) has only ever been a standby here, so the answer is then {@link Role#STANDBY}.
     */
    Role memberRole();
}
