package io.ha4neo.topology.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import io.ha4neo.schemas.contract.ProcedureNames;
import io.ha4neo.schemas.contract.WatermarkNode;
import io.ha4neo.topology.cluster.Member;
import io.ha4neo.topology.cluster.Secret;
import io.ha4neo.topology.handover.ProcedureFailure;
import io.ha4neo.topology.verify.Throttle;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link Bootstrap}'s steps against a simulated pair of members: a primary whose run sends {@code total} entities in
 * chunks, and a standby whose applier moves one event further each time its stage is read. Time is simulated: each
 * sleep advances the clock.
 */
class BootstrapTest {
    private static final Member PRIMARY = member("a");
    private static final Member STANDBY = member("b");

    private final List<String> calls = new ArrayList<>();
    private final List<String> log = new ArrayList<>();
    private final List<String> lines = new ArrayList<>();
    private long now = 1_000_000_000L;

    @Test
    void aNewRunBeginsThenPreparesTheStandbyThenSendsEveryChunkAndWaitsUntilTheStandbyAppliedTheEnd() {
        Simulated members = new Simulated(2_500, 1_000, stage(ProcedureNames.STAGE_NONE, "", 0));

        BootstrapReport r = bootstrap(members, false).run();

        assertThat(r.outcome()).isEqualTo(BootstrapReport.Outcome.SEEDED);
        assertThat(calls).startsWith("progress b", "userEntities b", "begin a b 1000", "prepare b run-1 reseed=false",
                "next a run-1").contains("next a run-1");
        assertThat(calls.stream().filter(c -> c.startsWith("next")).count()).as("3 chunks and the end").isEqualTo(4);
        assertThat(r.run()).isEqualTo("run-1");
        assertThat(r.resumed()).isFalse();
        assertThat(r.nodes() + r.relationships()).isEqualTo(2_500);
        assertThat(r.endCommitId()).isEqualTo(members.endCommitId());
        assertThat(r.summary()).contains("standby member 'b' (bolt://b:7687) is seeded from member 'a' (bolt://a:7687) by run run-1").contains("follows the log");
        assertThat(lines.get(lines.size() - 1)).startsWith("sent 2,500 of 2,500 entities (100 %), applied 2,500 (100 %)");
    }

    @Test
    void aStandbyInARunResumesThatRunWithoutANewBeginOrPrepare() {
        Simulated members = new Simulated(1_500, 1_000, stage(WatermarkNode.STAGE_SEEDING, "run-0", 10));
        members.runs.add("run-0");

        BootstrapReport r = bootstrap(members, false).run();

        assertThat(r.outcome()).isEqualTo(BootstrapReport.Outcome.SEEDED);
        assertThat(r.resumed()).isTrue();
        assertThat(r.run()).isEqualTo("run-0");
        assertThat(calls).noneMatch(c -> c.startsWith("begin") || c.startsWith("prepare"));
        assertThat(log.get(0)).contains("stage seeding of run run-0: resuming it");
    }

    @Test
    void aResumedRunShowsWhatTheStandbyAppliedBeforeItFromTheFirstLine() {
        Simulated members = new Simulated(3_000, 1_000, new BootstrapCalls.StandbyStage("run-0",
                WatermarkNode.STAGE_SEEDING, 0, 10, 2_000));
        members.runs.add("run-0");
        members.sent = 2_000; // the primary sent two chunks before the first invocation was killed

        BootstrapReport r = bootstrap(members, false).run();

        assertThat(r.outcome()).isEqualTo(BootstrapReport.Outcome.SEEDED);
        assertThat(lines.get(0)).as("the standby's watermark says 2,000 were applied").startsWith(
                "sent 3,000 of 3,000 entities (100 %), applied 2,000 (66 %)");
        assertThat(lines.get(lines.size() - 1)).startsWith("sent 3,000 of 3,000 entities (100 %), applied 3,000");
    }

    @Test
    void aFollowingStandbyIsRefusedWithoutReseedAndNothingIsCalledThatChangesAMember() {
        Simulated members = new Simulated(10, 1_000, stage(ProcedureNames.STAGE_FOLLOWING, "", 42));

        BootstrapReport r = bootstrap(members, false).run();

        assertThat(r.outcome()).isEqualTo(BootstrapReport.Outcome.REFUSED);
        assertThat(r.error()).contains("standby member 'b' (bolt://b:7687) already follows the log (at commit 42, epoch 0)")
                .contains("Nothing was changed").contains("--reseed");
        assertThat(calls).containsExactly("progress b");
    }

    @Test
    void reseedStartsANewRunOnAFollowingStandbyAndAsksPrepareToReplaceItsWatermark() {
        Simulated members = new Simulated(10, 1_000, stage(ProcedureNames.STAGE_FOLLOWING, "", 42));

        BootstrapReport r = bootstrap(members, true).run();

        assertThat(r.outcome()).isEqualTo(BootstrapReport.Outcome.SEEDED);
        assertThat(calls).contains("prepare b run-1 reseed=true").doesNotContain("userEntities b");
    }

    @Test
    void aStandbyHoldingDataWithoutAWatermarkIsRefusedWithoutReseed() {
        Simulated members = new Simulated(10, 1_000, stage(ProcedureNames.STAGE_NONE, "", 0));
        members.standbyEntities = 7;

        BootstrapReport r = bootstrap(members, false).run();

        assertThat(r.outcome()).isEqualTo(BootstrapReport.Outcome.REFUSED);
        assertThat(r.error()).contains("has no watermark but holds 7 nodes and relationships").contains("--reseed");
        assertThat(calls).containsExactly("progress b", "userEntities b");
    }

    @Test
    void aStandbyThatAppliesNothingFailsAfterTheStallTimeoutNamingItsStageAndTheRunsEnd() {
        Simulated members = new Simulated(10, 1_000, stage(ProcedureNames.STAGE_NONE, "", 0));
        members.applierRuns = false;

        BootstrapReport r = bootstrap(members, false).run();

        assertThat(r.outcome()).isEqualTo(BootstrapReport.Outcome.FAILED);
        assertThat(r.error()).contains("standby member 'b' (bolt://b:7687) applied nothing for 120 s (stage awaiting_begin")
                .contains("the run's end is commit " + members.endCommitId()).contains("is its applier running?");
        assertThat(now).as("waited the stall timeout, not forever").isGreaterThan(120_000_000_000L);
    }

    @Test
    void aFailedPrepareAfterTheBeginFailsNamingTheStandbyAndHowToGoOn() {
        Simulated members = new Simulated(10, 1_000, stage(ProcedureNames.STAGE_NONE, "", 0));
        members.prepareFails = true;

        BootstrapReport r = bootstrap(members, false).run();

        assertThat(r.outcome()).isEqualTo(BootstrapReport.Outcome.FAILED);
        assertThat(r.run()).isEqualTo("run-1");
        assertThat(r.error()).isEqualTo("could not prepare member 'b' (bolt://b:7687): the member is a primary. Rerun to resume the "
                + "run (a run's progress is kept on both members), or rerun with --reseed to start a new one");
    }

    @Test
    void theRateSpacesTheChunks() {
        Simulated members = new Simulated(5_000, 1_000, stage(ProcedureNames.STAGE_NONE, "", 0));
        long start = now;

        new Bootstrap(members, PRIMARY, STANDBY, new BootstrapOptions(1_000, 500, false, Duration.ofMinutes(2),
                Duration.ofMillis(500), Duration.ofSeconds(5)), new Throttle(500, () -> now, d -> now += d.toNanos()),
                d -> now += d.toNanos(), () -> now, log::add, p -> lines.add(p.line())).run();

        assertThat(calls.stream().filter(c -> c.startsWith("next")).count()).isEqualTo(6);
        assertThat(now - start).as("5 chunks of 1000 at 500/s: the 5th and the end start 8 s after the first")
                .isGreaterThanOrEqualTo(8_000_000_000L);
    }

    // ------------------------------------------------------------------ simulation

    private Bootstrap bootstrap(Simulated members, boolean reseed) {
        BootstrapOptions defaults = BootstrapOptions.defaults(reseed);
        return new Bootstrap(members, PRIMARY, STANDBY, defaults, new Throttle(0, () -> now, d -> now += d.toNanos()),
                d -> now += d.toNanos(), () -> now, log::add, p -> lines.add(p.line()));
    }

    private static BootstrapCalls.StandbyStage stage(String stage, String run, long commitId) {
        return new BootstrapCalls.StandbyStage(run, stage, 0, commitId, 0);
    }

    private static Member member(String name) {
        return new Member(name, "", URI.create("bolt://" + name + ":7687"), "neo4j", Secret.NONE, java.util.List.of());
    }

    /** A primary whose runs send {@code total} entities, and a standby whose applier applies one commit per read. */
    private final class Simulated implements BootstrapCalls {
        final long total;
        final int chunk;
        final List<String> runs = new ArrayList<>();
        final List<RunStep> committed = new ArrayList<>();
        StandbyStage standby;
        long standbyEntities;
        boolean applierRuns = true;
        boolean prepareFails;
        long nextCommitId = 100;
        long sent;

        Simulated(long total, int chunk, StandbyStage standby) {
            this.total = total;
            this.chunk = chunk;
            this.standby = standby;
        }

        long endCommitId() {
            return committed.get(committed.size() - 1).commitId();
        }

        @Override
        public RunStart begin(Member primary, String standbyName, int chunkSize) {
            calls.add("begin " + primary.name() + " " + standbyName + " " + chunkSize);
            String run = "run-" + (runs.size() + 1);
            runs.add(run);
            return new RunStart(run, 0, nextCommitId++, 41, total, 0);
        }

        @Override
        public RunStep next(Member primary, String run) {
            calls.add("next " + primary.name() + " " + run);
            if (!runs.contains(run)) {
                throw ProcedureFailure.refused("next", primary.name(), "no bootstrap run " + run);
            }
            if (!committed.isEmpty() && committed.get(committed.size() - 1).isEnd()) {
                return committed.get(committed.size() - 1);
            }
            boolean end = sent >= total;
            sent = Math.min(total, sent + (end ? 0 : chunk));
            RunStep step = new RunStep(run, end ? RunStep.END : "NODES", nextCommitId++, sent, 0, total, 0);
            committed.add(step);
            return step;
        }

        @Override
        public String prepare(Member standbyMember, RunStart start, boolean reseed) {
            calls.add("prepare " + standbyMember.name() + " " + start.run() + " reseed=" + reseed);
            if (prepareFails) {
                throw ProcedureFailure.refused("prepare", standbyMember.name(), "the member is a primary");
            }
            standby = new StandbyStage(start.run(), WatermarkNode.STAGE_AWAITING_BEGIN, 0, 0, 0);
            return standby.stage();
        }

        @Override
        public StandbyStage progress(Member standbyMember) {
            calls.add("progress " + standbyMember.name());
            StandbyStage current = standby;
            if (applierRuns && !committed.isEmpty() && !ProcedureNames.STAGE_FOLLOWING.equals(standby.stage())) {
                RunStep next = committed.stream().filter(s -> s.commitId() > standby.commitId()).findFirst()
                        .orElse(null);
                if (next != null) {
                    standby = new StandbyStage(next.isEnd() ? "" : next.run(), next.isEnd()
                            ? ProcedureNames.STAGE_FOLLOWING : WatermarkNode.STAGE_SEEDING, 0, next.commitId(),
                            next.isEnd() ? 0 : next.entitiesSent());
                }
            }
            return current;
        }

        @Override
        public long userEntities(Member member) {
            calls.add("userEntities " + member.name());
            return standbyEntities;
        }
    }
}
