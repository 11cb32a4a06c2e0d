package io.ha4neo.applier.apply;

import io.ha4neo.applier.apply.CommitChain.Decision;
import io.ha4neo.applier.standby.BootstrapStage;
import io.ha4neo.schemas.event.BootstrapMark;
import io.ha4neo.schemas.event.BootstrapPhase;
import io.ha4neo.schemas.event.TransactionEvent;
import java.util.Optional;

/**
 * What the applier does with one log item, given the standby's bootstrap stage (docs/bootstrap.md), pure. It wraps
 * the {@link CommitChain}: the chain decides whether an item is next, these rules what applying it means.
 * <ul>
 *   <li><b>awaiting_begin</b> (run R): no chain at all. Every item (of any epoch, a gap, an epoch start, a fragment,
 *       an undecodable record, another run's event) is passed over, the watermark's offset moving past it, until
 *       the begin of R, which is {@link Step#BEGIN_RUN}.</li>
 *   <li><b>seeding</b> (run R): the normal chain rule from the begin on. R's chunks are {@link Step#APPLY_IMAGES},
 *       R's end is {@link Step#END_RUN}, ordinary events are {@link Step#APPLY_WHILE_SEEDING} (a change to an entity
 *       not held yet is passed over), schema events {@link Step#APPLY_SCHEMA} (which tolerates what exists).</li>
 *   <li><b>following</b> (no run), or seeding: an event of another run, or any bootstrap event not of the standby's
 *       run, is {@link Step#PASS_OVER} once the chain admitted it: it is an ordinary commit that changes nothing.</li>
 * </ul>
 */
public final class BootstrapRules {
    /** What to do with one item. */
    public enum Step {
        /** The watermark covers it: nothing. */
        ALREADY_APPLIED,
        /** The operator's skip: recorded, not applied. */
        OPERATOR_SKIP,
        /** Awaiting the run's begin: passed over without a chain check; only the watermark's offset moves. */
        PASS_OVER_UNCHAINED,
        /** Next in the chain, but nothing to apply (a bootstrap event not of this standby's run): the watermark moves. */
        PASS_OVER,
        /** The begin of the standby's run: empty the standby, create the run's schema, move to stage seeding. */
        BEGIN_RUN,
        /** A chunk of the standby's run: its images are upserts. */
        APPLY_IMAGES,
        /** The end of the standby's run: the watermark moves and drops the bootstrap properties. */
        END_RUN,
        /** A schema transaction, applied alone. */
        APPLY_SCHEMA,
        /** A data transaction (or an epoch start) with all normal strictness. */
        APPLY,
        /** A data transaction while seeding: changes to entities the standby does not hold yet are passed over. */
        APPLY_WHILE_SEEDING
    }

    private BootstrapRules() {
    }

    /** While awaiting the run's begin, decides alone; empty otherwise (the chain decides first, then {@link #admitted}). */
    public static Optional<Step> beforeChain(Optional<BootstrapStage> stage, LogItem item) {
        if (stage.isEmpty() || !stage.get().isAwaitingBegin()) {
            return Optional.empty();
        }
        return Optional.of(isOfRun(item, stage.get().run(), BootstrapPhase.BEGIN) ? Step.BEGIN_RUN
                : Step.PASS_OVER_UNCHAINED);
    }

    /** For an item the chain decided on (see the class comment). */
    public static Step admitted(Optional<BootstrapStage> stage, LogItem item, Decision decision) {
        if (decision == Decision.ALREADY_APPLIED) {
            return Step.ALREADY_APPLIED;
        }
        if (decision == Decision.OPERATOR_SKIP) {
            return Step.OPERATOR_SKIP;
        }
        TransactionEvent e = ((LogItem.Transaction) item).event(); // only whole transactions are applied
        boolean seeding = stage.isPresent() && stage.get().isSeeding();
        if (e.isBootstrap()) {
            return seeding && e.bootstrap().run().equals(stage.get().run()) ? ownRun(e.bootstrap()) : Step.PASS_OVER;
        }
        if (!e.schemaChanges().isEmpty()) {
            return Step.APPLY_SCHEMA;
        }
        return seeding ? Step.APPLY_WHILE_SEEDING : Step.APPLY;
    }

    /** An event of the run being seeded, after its begin. */
    private static Step ownRun(BootstrapMark mark) {
        return switch (mark.phase()) {
            case NODES, RELATIONSHIPS -> Step.APPLY_IMAGES;
            case END -> Step.END_RUN;
            case BEGIN -> Step.PASS_OVER; // a second begin of the same run after its first: nothing to redo
        };
    }

    /** True when {@code item} is the event of {@code run} in {@code phase}. */
    static boolean isOfRun(LogItem item, String run, BootstrapPhase phase) {
        return item instanceof LogItem.Transaction t && t.event().isBootstrap()
                && t.event().bootstrap().run().equals(run) && t.event().bootstrap().phase() == phase;
    }
}
