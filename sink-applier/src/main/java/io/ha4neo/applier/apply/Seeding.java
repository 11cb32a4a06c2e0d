package io.ha4neo.applier.apply;

import io.ha4neo.applier.standby.BootstrapStage;
import io.ha4neo.applier.standby.StandbyStore;
import io.ha4neo.applier.standby.Watermark;
import io.ha4neo.schemas.event.BootstrapMark;
import io.ha4neo.schemas.event.BootstrapPhase;
import io.ha4neo.schemas.event.SchemaChange;
import io.ha4neo.schemas.event.TransactionEvent;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of a bootstrap run that are not ordinary applies (docs/bootstrap.md), for {@link ChangeApplier}: the
 * run's begin (empty the standby, create the run's schema, move to stage seeding) and its end (drop the bootstrap
 * properties with the watermark's move), plus the run's log lines: one per phase change, and progress at most every
 * {@link #PROGRESS_EVERY_MILLIS}.
 *
 * <p><b>Restartable.</b> The begin's steps are idempotent and the watermark moves only at the last of them: a kill -9
 * before leaves stage awaiting_begin at an offset before the begin, so the begin is read and done again (emptying
 * an emptied standby deletes nothing, the schema's existence check skips what exists); after, stage seeding.
 */
final class Seeding {
    private static final Logger log = LoggerFactory.getLogger(ChangeApplier.class);
    /** Entities deleted per standby transaction when emptying the standby at a run's begin. */
    static final int DELETE_BATCH = 10_000;
    static final long PROGRESS_EVERY_MILLIS = 5_000;

    private final ChangeApplier applier;
    private final StandbyStore store;
    private final int schemaAwaitSeconds;
    private final Clock clock;
    private BootstrapStage logged; // the stage the last phase line was about
    private BootstrapPhase loggedPhase;
    private long lastProgressMillis;

    Seeding(ChangeApplier applier, StandbyStore store, int schemaAwaitSeconds, Clock clock) {
        this.applier = applier;
        this.store = store;
        this.schemaAwaitSeconds = schemaAwaitSeconds;
        this.clock = clock;
    }

    /** After reading the watermark: one line when it names a bootstrap stage this applier did not log yet. */
    void positioned(Watermark w) {
        BootstrapStage stage = w == null ? null : w.bootstrap();
        if (stage == null || stage.equals(logged)) {
            return;
        }
        logged = stage;
        if (stage.isAwaitingBegin()) {
            log.info("standby {} is prepared for bootstrap run {}: passing over everything in the log from offset {} "
                    + "on until the run's begin, which empties the standby and starts the seed", store.name(),
                    stage.run(), w.offset() + 1);
        } else {
            log.info("standby {} is being seeded by bootstrap run {} (at {}): images replace or create their "
                    + "entities, changes to entities not held yet are passed over, until the run's end", store.name(),
                    stage.run(), w);
        }
    }

    /** The begin of the standby's run (see the class comment for why every step may be redone). */
    void begin(LogItem.Transaction t, ApplyResult result) {
        BootstrapMark mark = t.event().bootstrap();
        log.info("{} begins at {} (epoch {}, commit {}); the primary held {} nodes, {} relationships, {} indexes and "
                + "{} constraints. Emptying standby {} of user data, in transactions of {} entities", mark, t.position(),
                t.event().epoch(), t.event().commitId(), mark.totals().nodes(), mark.totals().relationships(),
                mark.totals().indexes(), mark.totals().constraints(), store.name(), DELETE_BATCH);
        applier.prepareStandby();
        long deleted = emptyStandby(mark);
        List<String> dropped = store.dropUserSchema();
        log.info("bootstrap run {}: deleted {} entities and dropped {} indexes and constraints {}; creating the run's "
                + "{} schema objects", mark.run(), deleted, dropped.size(), dropped, t.event().schemaChanges().size());
        for (SchemaChange change : t.event().schemaChanges()) {
            applier.applySchemaChange(change, t);
        }
        store.awaitIndexes(schemaAwaitSeconds);
        Watermark next = applier.nextWatermark(t, CommitChain.after(AppliedPosition.of(applier.watermark()), t))
                .withBootstrap(BootstrapStage.seeding(mark.run()));
        move(t, next, result);
        logged = next.bootstrap();
        loggedPhase = BootstrapPhase.BEGIN;
        log.info("bootstrap run {}: stage seeding from {}; node images follow", mark.run(), next);
    }

    /** The end of the standby's run: from its watermark on, the standby follows the log with all normal strictness. */
    void end(LogItem.Transaction t, ApplyResult result) {
        BootstrapMark mark = t.event().bootstrap();
        Watermark next = applier.nextWatermark(t, CommitChain.after(AppliedPosition.of(applier.watermark()), t))
                .withBootstrap(null);
        move(t, next, result);
        logged = null;
        loggedPhase = null;
        log.info("{} ended at {}: standby {} is seeded ({} entity images applied) and follows the log with all "
                + "normal strictness from {}", mark, t.position(), store.name(), mark.entitiesSent(), next);
    }

    /** After a run of transactions was written: phase and progress lines for the run's chunks among them. */
    void applied(List<TransactionEvent> events) {
        Optional<BootstrapMark> last = events.stream().filter(TransactionEvent::isBootstrap)
                .map(TransactionEvent::bootstrap).reduce((a, b) -> b);
        if (last.isEmpty()) {
            return;
        }
        BootstrapMark mark = last.get();
        long now = clock.millis();
        if (mark.phase() != loggedPhase) {
            loggedPhase = mark.phase();
            lastProgressMillis = now;
            log.info("{}: {} images are being applied", mark, mark.phase() == BootstrapPhase.NODES ? "node"
                    : "relationship");
        } else if (now - lastProgressMillis >= PROGRESS_EVERY_MILLIS) {
            lastProgressMillis = now;
            log.info("{}: applied up to commit {}", mark, events.get(events.size() - 1).commitId());
        }
    }

    /** Deletes the standby's user entities in bounded transactions, until none is left. */
    private long emptyStandby(BootstrapMark mark) {
        long total = 0;
        long lastLog = clock.millis();
        for (long n = store.deleteUserEntities(DELETE_BATCH); n > 0; n = store.deleteUserEntities(DELETE_BATCH)) {
            total += n;
            if (clock.millis() - lastLog >= PROGRESS_EVERY_MILLIS) {
                lastLog = clock.millis();
                log.info("bootstrap run {}: emptying standby {}, {} entities deleted so far", mark.run(), store.name(),
                        total);
            }
        }
        return total;
    }

    /** Moves the watermark alone (no data), from the one this applier last wrote or read. */
    private void move(LogItem.Transaction t, Watermark next, ApplyResult result) {
        applier.write(List.of(), next, List.of());
        result.record(List.of(t.event()), 0, next);
        applier.wrote(next);
    }
}
