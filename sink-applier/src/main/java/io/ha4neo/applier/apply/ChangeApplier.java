package io.ha4neo.applier.apply;

import io.ha4neo.applier.apply.BootstrapRules.Step;
import io.ha4neo.applier.apply.CommitChain.Decision;
import io.ha4neo.applier.standby.BootstrapStage;
import io.ha4neo.applier.error.FatalApplierException;
import io.ha4neo.applier.plan.ApplyPlanner;
import io.ha4neo.applier.plan.PlannedStatement;
import io.ha4neo.applier.standby.SkippedCommit;
import io.ha4neo.applier.standby.StandbyStore;
import io.ha4neo.applier.standby.Watermark;
import io.ha4neo.applier.standby.WatermarkPreparedException;
import io.ha4neo.schemas.event.BootstrapPhase;
import io.ha4neo.schemas.event.ChainPosition;
import io.ha4neo.schemas.event.SchemaChange;
import io.ha4neo.schemas.event.TransactionEvent;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies log items to the standby exactly once: checks the commit chain, plans data with
 * {@link ApplyPlanner}, and commits each run of data transactions together with the new {@link Watermark}
 * in one standby transaction.
 *
 * <p>Usage (one thread; the consume loop owns the instance):
 * <pre>{@code
 * ChangeApplier applier = new ChangeApplier(store, new ApplyPlanner(), new CommitChain(skipId), "neo4j", 300, clock);
 * Optional<Watermark> from = applier.position();        // seek the consumer to from.offset() + 1
 * ApplyResult result = applier.apply(items);           // items in log order, whole transactions
 * }</pre>
 *
 * <p><b>Exactly-once effect.</b> The watermark moves in the same transaction as the data it covers, so
 * after any crash the standby either has both or neither; re-positioning from the watermark then replays
 * exactly the transactions that did not commit, and the chain check drops any redelivered transaction
 * the watermark already covers.
 *
 * <p><b>Epochs.</b> Where the standby is, is an (epoch, commit id) position plus the offset that took it there
 * ({@link AppliedPosition}), carried item by item through a batch and checked against the standby's watermark node,
 * epoch and commit id, before every write. An epoch start changes nothing in the graph: it moves the watermark into
 * the new epoch, in the same standby transaction as the data around it ({@link CommitChain} decides when it may).
 *
 * <p><b>A standby without a watermark</b> is checked before anything is written to it ({@link BaselineCheck}): it
 * must hold no user data, and the log must begin with the baseline of an empty store. The reserved constraints are
 * created just before the first write, so a refused standby gets nothing at all.
 *
 * <p><b>Schema transactions</b> cannot share a transaction with data writes. They run alone: the statement
 * (skipped when a CREATE finds the name already present or a DROP finds it absent), then
 * {@code db.awaitIndexes}, then a transaction that only moves the watermark. A crash between those steps
 * leaves the watermark before the schema event, so it is replayed, and the existence check makes the
 * replay a no-op.
 *
 * <p><b>Bootstrap.</b> A watermark prepared for a bootstrap run ({@link BootstrapStage}) changes what the items mean
 * ({@link BootstrapRules}): awaiting the run's begin everything is passed over; its begin empties the standby
 * ({@link Seeding}); while seeding, images are upserts and changes to entities not held yet are passed over; its end
 * returns the standby to normal strictness. Other runs' events are passed over.
 */
public final class ChangeApplier {
    private static final Logger log = LoggerFactory.getLogger(ChangeApplier.class);

    private final StandbyStore store;
    private final ApplyPlanner planner;
    private CommitChain chain; // its operator skip limited to the epoch of the first watermark read
    private boolean skipBound;
    private final String database;
    private final int schemaAwaitSeconds;
    private final Clock clock;
    private final Seeding seeding;
    private Watermark watermark; // null until the first transaction is applied to a fresh standby
    private boolean watermarkUncertain; // a write failed: it may have committed all the same
    private boolean reservedSchemaReady; // the reserved constraints exist, as of the first write since start or resume

    public ChangeApplier(StandbyStore store, ApplyPlanner planner, CommitChain chain, String database,
                         int schemaAwaitSeconds, Clock clock) {
        this.store = store;
        this.planner = planner;
        this.chain = chain;
        this.database = database;
        this.schemaAwaitSeconds = schemaAwaitSeconds;
        this.clock = clock;
        this.seeding = new Seeding(this, store, schemaAwaitSeconds, clock);
    }

    /**
     * Re-reads the watermark from the standby; the caller seeks to its offset + 1 (or the beginning). The first time,
     * the operator's {@code skip.commit.id} is limited to the watermark's epoch
     * ({@link CommitChain#skippingOnlyInEpoch}).
     */
    public Optional<Watermark> position() {
        watermark = store.readWatermark().orElse(null);
        watermarkUncertain = false;
        if (!skipBound && watermark != null) {
            chain = chain.skippingOnlyInEpoch(watermark.epoch());
        }
        skipBound = true;
        seeding.positioned(watermark);
        return Optional.ofNullable(watermark);
    }

    /**
     * The member was not a standby for a while (a primary may have dropped the reserved constraints): they are made
     * sure of again before the next write.
     */
    public void standbyMayHaveChanged() {
        reservedSchemaReady = false;
    }

    /**
     * The bootstrap run the standby's watermark was prepared for under this applier ({@code ha4neo.bootstrap.prepare}
     * while it runs), if it names one in stage awaiting_begin that this applier does not know: the caller
     * re-positions. Reads only the watermark's bootstrap properties; for an idle applier, which writes nothing that a
     * compare-and-set could find changed ({@link WatermarkPreparedException} is that case's answer).
     */
    public Optional<BootstrapStage> preparedUnderIt() {
        return store.readBootstrapStage().filter(BootstrapStage::isAwaitingBegin)
                .filter(found -> !Optional.of(found).equals(bootstrapStage()));
    }

    /** The watermark as of the last successful write or {@link #position()}. */
    public Optional<Watermark> watermark() {
        return Optional.ofNullable(watermark);
    }

    /**
     * Applies the items in log order. Runs of data transactions are written in one standby transaction, with the
     * audit record of an operator skip of any kind of item among them; schema transactions are boundaries. Items
     * before a fatal item are applied first, so the error names the first item that could not be applied. After a
     * failed write, the watermark is read again first.
     */
    public ApplyResult apply(List<LogItem> items) {
        if (watermarkUncertain) {
            reReadWatermark();
        }
        if (watermark == null && !items.isEmpty()) {
            requireSeeded(items.get(0));
        }
        ApplyResult result = new ApplyResult();
        Segment segment = new Segment();
        for (LogItem item : items) {
            Step step = decideOrFlush(item, segment, result);
            switch (step) {
                case ALREADY_APPLIED -> log.debug("skipping {}: already covered by the watermark {}", item.position(),
                        watermark);
                case APPLY_SCHEMA -> {
                    flush(segment, result);
                    applySchema((LogItem.Transaction) item, result);
                }
                case BEGIN_RUN -> {
                    flush(segment, result);
                    seeding.begin((LogItem.Transaction) item, result);
                }
                case END_RUN -> {
                    flush(segment, result);
                    seeding.end((LogItem.Transaction) item, result);
                }
                case PASS_OVER_UNCHAINED -> segment.passOverUnchained(item);
                case PASS_OVER -> segment.passOver(item);
                // data, images, an epoch start, or an operator skip of any kind of item: written with the data around it
                default -> {
                    logEpochStart(item);
                    segment.add(item, step);
                }
            }
        }
        flush(segment, result);
        return result;
    }

    /**
     * A standby without a watermark follows the log only when it holds nothing the log does not ({@link BaselineCheck}):
     * checked before anything is written to it, its reserved constraints included.
     */
    private void requireSeeded(LogItem first) {
        if (!BaselineCheck.requireSeeded(store.name(), store.userContent(), first)) {
            log.warn("standby {} has no watermark and the log begins at {} without a baseline (a log written by a "
                    + "capture plugin older than event schema v5): whether the primary's store held data before "
                    + "capture began is unknown; applying it onto this empty standby", store.name(), first.position());
        }
    }

    /**
     * After a failed write, whether it committed is unknown (the connection can drop after the commit was sent).
     * Writing again from the cached watermark would then find the standby's watermark further on and stop with a
     * false divergence; reading it first makes the chain check pass over whatever did commit. The loop also
     * re-positions the consumer after every retriable error; this keeps the applier safe on its own.
     */
    private void reReadWatermark() {
        Optional<Watermark> before = watermark();
        position();
        log.info("the last standby write failed and may have committed: re-read the watermark, {} (was {})",
                watermark().map(Object::toString).orElse("none"), before.map(Object::toString).orElse("none"));
    }

    /**
     * Any write, checked against the watermark this applier last read or wrote (epoch and commit id); a failure leaves
     * the watermark uncertain until it is read again.
     */
    void write(List<PlannedStatement> statements, Watermark next, List<SkippedCommit> skips) {
        prepareStandby();
        watermarkUncertain = true;
        store.writeBatch(watermark().map(Watermark::chainPosition), bootstrapStage(), statements, next, skips);
        watermarkUncertain = false;
    }

    /** After a write of this applier: the watermark it wrote. */
    void wrote(Watermark next) {
        watermark = next;
    }

    /** Decides for the item; on a fatal item, first commits what came before it, then rethrows. */
    private Step decideOrFlush(LogItem item, Segment segment, ApplyResult result) {
        try {
            return decide(item, segment);
        } catch (FatalApplierException e) {
            flush(segment, result);
            throw e;
        }
    }

    /**
     * The bootstrap stage first (awaiting a run's begin, nothing is chained), then the chain, then what applying means
     * in the stage ({@link BootstrapRules}). The stage is the written watermark's: a run's begin and end are written
     * alone, so it is the same for every item of a segment.
     */
    private Step decide(LogItem item, Segment segment) {
        Optional<BootstrapStage> stage = bootstrapStage();
        Optional<Step> awaiting = BootstrapRules.beforeChain(stage, item);
        if (awaiting.isPresent()) {
            return awaiting.get();
        }
        Decision d = chain.admit(segment.positionAfter(AppliedPosition.of(watermark())), item);
        return BootstrapRules.admitted(stage, item, d);
    }

    /** The bootstrap run and stage of the watermark this applier last read or wrote. */
    Optional<BootstrapStage> bootstrapStage() {
        return watermark().flatMap(Watermark::bootstrapStage);
    }

    private static void logEpochStart(LogItem item) {
        if (item instanceof LogItem.Transaction t && t.event().isEpochStart()) {
            TransactionEvent e = t.event();
            log.info("start of epoch {} at {} (member {}, {}): it follows {}; the watermark moves to {} with the data "
                    + "around it", e.epoch(), t.position(), e.epochStart().member(), e.epochStart().reason(),
                    ChainPosition.before(e), ChainPosition.of(e));
        }
    }

    /** Writes one run of data transactions (and operator skips) with the watermark of its last item. */
    private void flush(Segment segment, ApplyResult result) {
        if (segment.isEmpty()) {
            return;
        }
        Watermark next = imagesApplied(segment.events, nextWatermark(segment.last, segment.position));
        write(plan(segment.events), next, segment.skips);
        segment.skips.forEach(s -> log.warn("operator skip: commit {} was NOT applied, recorded as skipped; remove "
                + "skip.commit.id from the configuration now", s.commitId()));
        result.record(segment.events, segment.skips.size(), next);
        watermark = next;
        seeding.applied(segment.events);
        segment.clear();
    }

    /**
     * {@code next} with the run's images applied once {@code events} are: the images sent up to the last chunk among
     * them (every earlier chunk of the run is applied before it), for {@code ha4neo bootstrap}'s progress.
     */
    private static Watermark imagesApplied(List<TransactionEvent> events, Watermark next) {
        for (int i = events.size() - 1; i >= 0; i--) {
            TransactionEvent e = events.get(i);
            if (e.isBootstrap() && (e.bootstrap().phase() == BootstrapPhase.NODES
                    || e.bootstrap().phase() == BootstrapPhase.RELATIONSHIPS)) { // only the run's own chunks get here
                return next.withBootstrapApplied(e.bootstrap().entitiesSent());
            }
        }
        return next;
    }

    /**
     * The statements of a run of data transactions; while seeding, a row whose entity the standby does not hold yet
     * may find nothing (its image comes later in the run), so the count is "at most" (images stay exact).
     */
    private List<PlannedStatement> plan(List<TransactionEvent> events) {
        List<PlannedStatement> statements = planner.plan(events);
        boolean seedingNow = bootstrapStage().filter(BootstrapStage::isSeeding).isPresent();
        return seedingNow ? statements.stream().map(PlannedStatement::whileSeeding).toList() : statements;
    }

    /**
     * The reserved constraints, created if missing, before the first write since start or resume: not earlier, so
     * that a standby the log must not be applied to ({@link BaselineCheck}) gets nothing at all.
     */
    void prepareStandby() {
        if (!reservedSchemaReady) {
            store.ensureReservedSchema();
            reservedSchemaReady = true;
        }
    }

    private void applySchema(LogItem.Transaction t, ApplyResult result) {
        prepareStandby();
        for (SchemaChange change : t.event().schemaChanges()) {
            applySchemaChange(change, t);
        }
        store.awaitIndexes(schemaAwaitSeconds);
        Watermark next = nextWatermark(t, CommitChain.after(AppliedPosition.of(watermark()), t));
        write(List.of(), next, List.of());
        result.record(List.of(t.event()), 0, next);
        watermark = next;
    }

    void applySchemaChange(SchemaChange change, LogItem.Transaction t) {
        boolean exists = store.schemaObjectExists(change.name());
        boolean create = change.operation() == SchemaChange.Operation.CREATE;
        if (exists == create) {
            log.info("commit {} at {}: {} {} {} is already in that state (replay after a crash), not running it again",
                    t.event().commitId(), t.position(), change.operation(), change.kind(), change.name());
            return;
        }
        log.info("commit {} at {}: running schema statement {}", t.event().commitId(), t.position(), change.statement());
        store.runSchemaStatement(change.statement());
    }

    /**
     * The watermark at {@code at}, the position after {@code last}, with {@code last}'s origin commit time, in the
     * bootstrap stage of the watermark before it (a run's begin and end change it, {@link Seeding}).
     */
    Watermark nextWatermark(LogItem last, AppliedPosition at) {
        long sourceTime = last instanceof LogItem.Transaction t ? t.event().commitTimeMillis() : 0;
        LogPosition p = at.log();
        return new Watermark(database, at.commitId(), at.epoch(), p.topic(), p.partition(), p.offset(), sourceTime,
                clock.millis(), watermark == null ? null : watermark.bootstrap(), at.epochEnds(),
                watermark == null ? 0 : watermark.bootstrapApplied());
    }

    /** What the audit record says was passed over. */
    private static String describeSkipped(LogItem item) {
        if (item instanceof LogItem.Undecodable u) {
            return "an undecodable record at " + u.position() + ": " + u.error().getMessage();
        }
        if (item instanceof LogItem.Fragment f) {
            return "an incomplete chunked transaction at " + f.position() + ": " + f.problem();
        }
        TransactionEvent e = ((LogItem.Transaction) item).event();
        if (e.isGap()) {
            return "a gap event at " + item.position() + ": " + e.gap();
        }
        if (!e.schemaChanges().isEmpty()) {
            return "a schema transaction at " + item.position() + ", not run: " + e.schemaChanges().stream()
                    .map(SchemaChange::statement).collect(Collectors.joining("; "));
        }
        return "a transaction of " + e.changeCount() + " changes at " + item.position();
    }

    /**
     * The items of one pending standby transaction, and the position the standby will be at once it commits. An epoch
     * start is one of its items like a data transaction: it plans no statement, but moves the watermark to its epoch.
     */
    private final class Segment {
        final List<TransactionEvent> events = new ArrayList<>();
        final List<SkippedCommit> skips = new ArrayList<>();
        LogItem last;
        AppliedPosition position;

        void add(LogItem item, Step step) {
            position = CommitChain.after(positionAfter(AppliedPosition.of(watermark())), item);
            last = item;
            if (step != Step.OPERATOR_SKIP) {
                events.add(((LogItem.Transaction) item).event());
            } else {
                long id = position.commitId();
                skips.add(new SkippedCommit(id, clock.millis(), "operator: skip.commit.id=" + id + " on "
                        + describeSkipped(item)));
            }
        }

        /** An item next in the chain with nothing to apply (a bootstrap event of no run of this standby's). */
        void passOver(LogItem item) {
            position = CommitChain.after(positionAfter(AppliedPosition.of(watermark())), item);
            last = item;
        }

        /**
         * Awaiting a run's begin: the item is passed over unchained; the standby stays at its place in the history
         * (commit 0 of the prepared epoch) and only the log offset moves past the item.
         */
        void passOverUnchained(LogItem item) {
            AppliedPosition at = positionAfter(AppliedPosition.of(watermark())).orElseThrow();
            position = new AppliedPosition(at.chain(), item.position(), at.epochEnds());
            last = item;
        }

        /** Where the standby is once the items so far commit: the segment's last position, else {@code written}. */
        Optional<AppliedPosition> positionAfter(Optional<AppliedPosition> written) {
            return isEmpty() ? written : Optional.of(position);
        }

        boolean isEmpty() {
            return last == null;
        }

        void clear() {
            events.clear();
            skips.clear();
            last = null;
            position = null;
        }
    }
}
