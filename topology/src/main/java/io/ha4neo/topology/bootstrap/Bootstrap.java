package io.ha4neo.topology.bootstrap;

import io.ha4neo.schemas.contract.ProcedureNames;
import io.ha4neo.schemas.contract.WatermarkNode;
import io.ha4neo.topology.bootstrap.BootstrapCalls.RunStart;
import io.ha4neo.topology.bootstrap.BootstrapCalls.RunStep;
import io.ha4neo.topology.bootstrap.BootstrapCalls.StandbyStage;
import io.ha4neo.topology.cluster.Member;
import io.ha4neo.topology.verify.Throttle;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * {@code ha4neo bootstrap}: seeds a standby from the live primary through the log (docs/bootstrap.md). The steps:
 * <ol>
 *   <li>read the standby's stage; a run it is in is resumed, a standby that follows the log or holds data is refused
 *       without {@code reseed};</li>
 *   <li>a new run: {@code begin} on the primary (the begin event: totals, indexes, constraints), then {@code prepare}
 *       on the standby (its applier passes over the log until that begin);</li>
 *   <li>{@code next} on the primary until the run's end, at most {@link BootstrapOptions#rate()} entities a second;
 *       each call commits one chunk of images;</li>
 *   <li>wait until the standby's applier has applied the end: it then follows the log like any standby.</li>
 * </ol>
 * Every step can be repeated: the run's progress is a record on the primary and the standby's stage is its watermark,
 * so a rerun after a kill -9 of anything goes on where the run is.
 *
 * <pre>{@code
 * BootstrapReport r = new Bootstrap(new BoltBootstrapCalls(clients), primary, standby, options,
 *         Throttle.of(options.rate()), d -> Thread.sleep(d.toMillis()), System::nanoTime, log::info,
 *         view::show).run();
 * }</pre>
 */
public final class Bootstrap {
    private final BootstrapCalls calls;
    private final Member primary;
    private final Member standby;
    private final BootstrapOptions options;
    private final Throttle throttle;
    private final Throttle.Sleeper sleeper;
    private final LongSupplier nanoTime;
    private final Consumer<String> log;
    private final Consumer<BootstrapProgress> view;
    private final long startNanos;
    private final BootstrapProgress progress;
    /** The standby's applied count as of its last stage read (its watermark's, so also of a resumed run). */
    private long standbyApplied;
    private long lastStandbyRead;

    public Bootstrap(BootstrapCalls calls, Member primary, Member standby, BootstrapOptions options, Throttle throttle,
                     Throttle.Sleeper sleeper, LongSupplier nanoTime, Consumer<String> log, Consumer<BootstrapProgress> view) {
        this.calls = calls;
        this.primary = primary;
        this.standby = standby;
        this.options = options;
        this.throttle = throttle;
        this.sleeper = sleeper;
        this.nanoTime = nanoTime;
        this.log = log;
        this.view = view;
        this.startNanos = nanoTime.getAsLong();
        this.progress = new BootstrapProgress(startNanos);
        this.lastStandbyRead = startNanos;
    }

    /** Runs the bootstrap to its end; never throws for a failed step (the report says which). */
    public BootstrapReport run() {
        String run = null;
        boolean resumed = false;
        try {
            StandbyStage stage = callStep("read the stage of", standby, () -> calls.progress(standby), true);
            resumed = isInRun(stage) && !options.reseed();
            if (resumed) {
                standbyApplied = appliedOf(stage, null);
                run = stage.run();
                log.accept("standby " + standby.label() + " is in stage " + stage.stage() + " of run " + run
                        + ": resuming it (--reseed starts a new run instead)");
            } else {
                refuseUnlessSeedable(stage);
                RunStart start = begin();
                run = start.run();
                prepare(start);
            }
            RunStep end = send(run, resumed);
            StandbyStage done = awaitApplied(run, end);
            return report(BootstrapReport.Outcome.SEEDED, run, resumed, done.epoch(), end,
                    "standby " + standby.label() + " is seeded from " + primary.label() + " by run " + run + " ("
                            + end.nodesSent() + " nodes, " + end.relationshipsSent() + " relationships) and follows "
                            + "the log from commit " + done.commitId() + " (epoch " + done.epoch() + ")", null);
        } catch (BootstrapException e) {
            BootstrapReport.Outcome outcome = e.refused() ? BootstrapReport.Outcome.REFUSED
                    : BootstrapReport.Outcome.FAILED;
            return report(outcome, run, resumed, null, null, e.getMessage(), e.getMessage());
        }
    }

    private static boolean isInRun(StandbyStage stage) {
        return WatermarkNode.STAGE_AWAITING_BEGIN.equals(stage.stage())
                || WatermarkNode.STAGE_SEEDING.equals(stage.stage());
    }

    /** Without --reseed, only an empty standby without a watermark is seeded: anything else would be replaced. */
    private void refuseUnlessSeedable(StandbyStage stage) {
        if (options.reseed()) {
            return;
        }
        if (ProcedureNames.STAGE_FOLLOWING.equals(stage.stage())) {
            throw BootstrapException.refused("standby " + standby.label() + " already follows the log (at commit "
                    + stage.commitId() + ", epoch " + stage.epoch() + "): a bootstrap replaces its whole graph. "
                    + "Nothing was changed. To seed it again, rerun with --reseed");
        }
        long held = callStep("count the data of", standby, () -> calls.userEntities(standby), true);
        if (held > 0) {
            throw BootstrapException.refused("standby " + standby.label() + " has no watermark but holds " + held
                    + " nodes and relationships: a bootstrap replaces them all with the primary's graph. Nothing was "
                    + "changed. If they may go, rerun with --reseed");
        }
    }

    private RunStart begin() {
        RunStart start = callStep("begin a run on", primary, () -> calls.begin(primary, standby.name(),
                options.chunkSize()), true);
        log.accept("run " + start.run() + " began on " + primary.label() + " at commit " + start.commitId()
                + " (epoch " + start.epoch() + "): " + start.totalNodes() + " nodes and " + start.totalRelationships()
                + " relationships to send, in chunks of " + options.chunkSize());
        return start;
    }

    private void prepare(RunStart start) {
        String stage = callStep("prepare", standby, () -> calls.prepare(standby, start, options.reseed()), false);
        log.accept("standby " + standby.label() + " is prepared (stage " + stage + "): its applier passes over the "
                + "log up to the run's begin, then empties the standby and applies the run");
    }

    /** Calls next until the run's end; returns the end's row. */
    private RunStep send(String run, boolean resumed) {
        while (true) {
            RunStep step = callStep("commit the next chunk of run " + run + " on", primary,
                    () -> calls.next(primary, run), false);
            show(step.totalEntities(), step.entitiesSent(), appliedWhileSending());
            if (step.isEnd()) {
                log.accept("run " + run + " sent everything: " + step.nodesSent() + " nodes and "
                        + step.relationshipsSent() + " relationships, end at commit " + step.commitId()
                        + (resumed ? " (resumed)" : ""));
                return step;
            }
            throttle.acquire(options.chunkSize());
        }
    }

    /** Waits until the standby follows the log past the run's end; fails when it applies nothing for too long. */
    private StandbyStage awaitApplied(String run, RunStep end) {
        long lastChange = nanoTime.getAsLong();
        StandbyStage last = null;
        while (true) {
            StandbyStage now = callStep("read the stage of", standby, () -> calls.progress(standby), false);
            show(end.totalEntities(), end.entitiesSent(), appliedOf(now, end));
            if (ProcedureNames.STAGE_FOLLOWING.equals(now.stage()) && now.commitId() >= end.commitId()) {
                return now;
            }
            if (isInRun(now) && !run.equals(now.run())) {
                throw BootstrapException.failed("standby " + standby.label() + " was prepared for another run ("
                        + now.run() + ") while run " + run + " was being applied: that run now seeds it", null);
            }
            if (!now.equals(last)) {
                last = now;
                lastChange = nanoTime.getAsLong();
            } else if (nanoTime.getAsLong() - lastChange > options.stallTimeout().toNanos()) {
                throw BootstrapException.failed("standby " + standby.label() + " applied nothing for "
                        + options.stallTimeout().toSeconds() + " s (stage " + now.stage() + ", at commit "
                        + now.commitId() + "; the run's end is commit " + end.commitId() + "): is its applier "
                        + "running? The whole run is in the log, so the applier goes on when it runs; rerun this "
                        + "command to watch it", null);
            }
            pause(options.pollInterval());
        }
    }

    /** The standby's applied count, read at most once per poll interval while chunks are sent; a failed read is no
     *  reason to stop sending (the count shown stays as it was). */
    private long appliedWhileSending() {
        long now = nanoTime.getAsLong();
        if (now - lastStandbyRead < options.pollInterval().toNanos()) {
            return standbyApplied;
        }
        lastStandbyRead = now;
        try {
            return appliedOf(calls.progress(standby), null);
        } catch (RuntimeException e) {
            return standbyApplied;
        }
    }

    /**
     * Entities applied by the standby: the count its watermark carries while seeding (written by its applier with
     * each chunk), everything once it follows the log past the run's end. Never less than shown before.
     */
    private long appliedOf(StandbyStage stage, RunStep end) {
        if (end != null && ProcedureNames.STAGE_FOLLOWING.equals(stage.stage()) && stage.commitId() >= end.commitId()) {
            standbyApplied = end.entitiesSent();
        } else if (WatermarkNode.STAGE_SEEDING.equals(stage.stage())) {
            standbyApplied = Math.max(standbyApplied, stage.applied());
        }
        return standbyApplied;
    }

    private void show(long total, long sent, long applied) {
        progress.update(total, sent, applied, nanoTime.getAsLong());
        view.accept(progress);
    }

    private void pause(Duration d) {
        try {
            sleeper.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw BootstrapException.failed("bootstrap was interrupted; the run goes on in the log, rerun to watch it",
                    e);
        }
    }

    private interface Step<T> {
        T call();
    }

    private <T> T callStep(String what, Member member, Step<T> step, boolean beforeAnyChange) {
        try {
            return step.call();
        } catch (BootstrapException e) {
            throw e;
        } catch (RuntimeException e) {
            String message = "could not " + what + " " + member.label() + ": " + e.getMessage();
            throw beforeAnyChange ? BootstrapException.refused(message + ". Nothing was changed")
                    : BootstrapException.failed(message + ". Rerun to resume the run (a run's progress is kept on "
                    + "both members), or rerun with --reseed to start a new one", e);
        }
    }

    private BootstrapReport report(BootstrapReport.Outcome outcome, String run, boolean resumed, Long epoch,
                                   RunStep end, String summary, String error) {
        long millis = (nanoTime.getAsLong() - startNanos) / 1_000_000;
        long nodes = end == null ? 0 : end.nodesSent();
        long relationships = end == null ? 0 : end.relationshipsSent();
        long rate = millis == 0 ? 0 : (nodes + relationships) * 1000 / millis;
        return new BootstrapReport(outcome, run, resumed, primary.name(), standby.name(), epoch,
                end == null ? null : end.commitId(), nodes, relationships, millis, rate, summary, error);
    }
}
