package io.ha4neo.capture.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ha4neo.schemas.contract.ProcedureNames;
import io.ha4neo.schemas.contract.WatermarkNode;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StandbyWatermarkTest {
    private static Map<String, Object> following() {
        Map<String, Object> w = new HashMap<>(StandbyWatermark.properties("t", "x", 2, 10, 5));
        w.remove(WatermarkNode.BOOTSTRAP_RUN);
        w.remove(WatermarkNode.BOOTSTRAP_STAGE);
        w.put(WatermarkNode.COMMIT_ID, 40L);
        return w;
    }

    private static Map<String, Object> ofRun(String run, String stage) {
        Map<String, Object> w = new HashMap<>(StandbyWatermark.properties("t", run, 2, 10, 5));
        w.put(WatermarkNode.BOOTSTRAP_STAGE, stage);
        return w;
    }

    @Test
    void aStandbyWithoutWatermarkIsPreparedAwaitingTheBegin() {
        assertThat(StandbyWatermark.decide(Optional.empty(), "neo4j", "r1", false))
                .isEqualTo(new StandbyWatermark.Decision(true, WatermarkNode.STAGE_AWAITING_BEGIN));
    }

    @Test
    void preparingTheSameRunAgainChangesNothingAndReturnsItsStage() {
        assertThat(StandbyWatermark.decide(Optional.of(ofRun("r1", WatermarkNode.STAGE_SEEDING)), "neo4j", "r1", false))
                .isEqualTo(new StandbyWatermark.Decision(false, WatermarkNode.STAGE_SEEDING));
        assertThat(StandbyWatermark.decide(Optional.of(ofRun("r1", WatermarkNode.STAGE_AWAITING_BEGIN)), "neo4j", "r1",
                true)).isEqualTo(new StandbyWatermark.Decision(false, WatermarkNode.STAGE_AWAITING_BEGIN));
    }

    @Test
    void aNewRunReplacesAnotherRunsPreparation() {
        assertThat(StandbyWatermark.decide(Optional.of(ofRun("old", WatermarkNode.STAGE_SEEDING)), "neo4j", "r2", false)
                .write()).isTrue();
    }

    @Test
    void aFollowingStandbyIsRefusedNamingReseedAndPreparedWithIt() {
        assertThatThrownBy(() -> StandbyWatermark.decide(Optional.of(following()), "neo4j", "r1", false))
                .hasMessageContaining("standby database 'neo4j' follows the log")
                .hasMessageContaining("commit 40").hasMessageContaining("--reseed").hasMessageContaining("reseed = true");
        assertThat(StandbyWatermark.decide(Optional.of(following()), "neo4j", "r1", true).write()).isTrue();
    }

    @Test
    void theWatermarkIsWrittenAsTheApplierWritesItPlusTheRunAwaitingItsBegin() {
        Map<String, Object> p = StandbyWatermark.properties("ha4neo.c.neo4j", "r1", 4, 99, 1234);
        assertThat(p).containsOnlyKeys(WatermarkNode.COMMIT_ID, WatermarkNode.EPOCH, WatermarkNode.TOPIC,
                WatermarkNode.PARTITION, WatermarkNode.OFFSET, WatermarkNode.SOURCE_COMMIT_TIME_MILLIS,
                WatermarkNode.APPLIED_AT_MILLIS, WatermarkNode.BOOTSTRAP_RUN, WatermarkNode.BOOTSTRAP_STAGE);
        assertThat(p).containsEntry(WatermarkNode.COMMIT_ID, 0L).containsEntry(WatermarkNode.EPOCH, 4L)
                .containsEntry(WatermarkNode.TOPIC, "ha4neo.c.neo4j").containsEntry(WatermarkNode.PARTITION, 0L)
                .containsEntry(WatermarkNode.OFFSET, 99L).containsEntry(WatermarkNode.SOURCE_COMMIT_TIME_MILLIS, 0L)
                .containsEntry(WatermarkNode.APPLIED_AT_MILLIS, 1234L).containsEntry(WatermarkNode.BOOTSTRAP_RUN, "r1")
                .containsEntry(WatermarkNode.BOOTSTRAP_STAGE, WatermarkNode.STAGE_AWAITING_BEGIN);
    }

    @Test
    void progressNamesTheStageOrFollowingOrNone() {
        assertThat(StandbyWatermark.progressOf(Optional.empty()))
                .isEqualTo(new StandbyWatermark.Progress("", ProcedureNames.STAGE_NONE, 0, 0, 0));
        assertThat(StandbyWatermark.progressOf(Optional.of(following())))
                .isEqualTo(new StandbyWatermark.Progress("", ProcedureNames.STAGE_FOLLOWING, 2, 40, 0));
        assertThat(StandbyWatermark.progressOf(Optional.of(ofRun("r1", WatermarkNode.STAGE_SEEDING))))
                .isEqualTo(new StandbyWatermark.Progress("r1", WatermarkNode.STAGE_SEEDING, 2, 0, 0));
        Map<String, Object> applying = new HashMap<>(ofRun("r1", WatermarkNode.STAGE_SEEDING));
        applying.put(WatermarkNode.BOOTSTRAP_APPLIED, 7000L);
        assertThat(StandbyWatermark.progressOf(Optional.of(applying)))
                .as("the images applied, written by the applier while seeding")
                .isEqualTo(new StandbyWatermark.Progress("r1", WatermarkNode.STAGE_SEEDING, 2, 0, 7000));
        applying.put(WatermarkNode.BOOTSTRAP_STAGE, WatermarkNode.STAGE_AWAITING_BEGIN);
        assertThat(StandbyWatermark.progressOf(Optional.of(applying)).applied())
                .as("a count left from an earlier run is no count of a run still awaiting its begin").isZero();
    }
}
