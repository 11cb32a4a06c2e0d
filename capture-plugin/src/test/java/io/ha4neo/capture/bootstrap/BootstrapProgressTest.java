package io.ha4neo.capture.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ha4neo.capture.bootstrap.BootstrapProgress.Step;
import io.ha4neo.schemas.event.BootstrapMark;
import io.ha4neo.schemas.event.BootstrapPhase;
import io.ha4neo.schemas.event.StoreContent;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BootstrapProgressTest {
    private static final StoreContent TOTALS = new StoreContent(10, 4, 1, 2);

    private static BootstrapProgress begun(long maxNodeId) {
        return BootstrapProgress.begun("r1", "standby-1", "primary-1", 3, 5, maxNodeId, TOTALS);
    }

    @Test
    void aBegunRunFixesItsNodeRangeBeforeItsFirstNodeChunkAndItsRelationshipRangeOnlyAfterTheLast() {
        BootstrapProgress p = begun(9);
        assertThat(p.phase()).isEqualTo(BootstrapPhase.BEGIN);
        assertThat(p.maxRelationshipId()).isEqualTo(-1);
        assertThat(p.nextStep()).isEqualTo(Step.FIX_NODE_RANGE);
        p = p.withNodeRangeFixed(12);
        assertThat(p.maxNodeId()).as("raised to the highest id at the first chunk").isEqualTo(12);
        assertThat(p.nextStep()).isEqualTo(Step.NODES);
        p = p.afterNodes(13, 5);
        assertThat(p.phase()).isEqualTo(BootstrapPhase.NODES);
        assertThat(p.nodesSent()).isEqualTo(5);
        assertThat(p.nextStep()).isEqualTo(Step.FIX_RELATIONSHIP_RANGE);
        p = p.withRelationshipRangeFixed(3);
        assertThat(p.nextStep()).isEqualTo(Step.RELATIONSHIPS);
        p = p.afterRelationships(4, 4);
        assertThat(p.phase()).isEqualTo(BootstrapPhase.RELATIONSHIPS);
        assertThat(p.relationshipsSent()).isEqualTo(4);
        assertThat(p.nextStep()).isEqualTo(Step.END);
        p = p.ended();
        assertThat(p.nextStep()).isEqualTo(Step.DONE);
        assertThat(p.mark()).isEqualTo(new BootstrapMark("r1", "standby-1", BootstrapPhase.END, "primary-1", TOTALS,
                5, 4));
    }

    @Test
    void theNodeRangeIsNeverLoweredBelowWhatTheBeginRecorded() {
        assertThat(begun(9).withNodeRangeFixed(4).maxNodeId()).isEqualTo(9);
    }

    @Test
    void aStoreWithoutEntitiesGoesFromItsBeginStraightToItsEnd() {
        BootstrapProgress p = begun(-1).withNodeRangeFixed(-1);
        assertThat(p.nextStep()).isEqualTo(Step.FIX_RELATIONSHIP_RANGE);
        assertThat(p.withRelationshipRangeFixed(-1).nextStep()).isEqualTo(Step.END);
    }

    @Test
    void aChunkWithoutImagesKeepsThePhaseOfTheLastEvent() {
        BootstrapProgress p = begun(9).withNodeRangeFixed(9).afterNodes(10, 0);
        assertThat(p.phase()).isEqualTo(BootstrapPhase.BEGIN);
        assertThat(p.nextNodeId()).isEqualTo(10);
    }

    @Test
    void theProgressRecordReadsBackAsWritten() {
        BootstrapProgress p = begun(9).withNodeRangeFixed(11).afterNodes(6, 5).withRelationshipRangeFixed(2);
        assertThat(BootstrapProgress.fromProperties(p.toProperties())).isEqualTo(p);
        Map<String, Object> withEnd = new HashMap<>(p.toProperties());
        withEnd.put(BootstrapProgress.END_COMMIT_ID, 77L);
        assertThat(BootstrapProgress.fromProperties(withEnd).endCommitId()).isEqualTo(77);
    }

    @Test
    void anIncompleteProgressRecordIsRefusedNamingTheRunAndTheProperty() {
        Map<String, Object> broken = new HashMap<>(begun(9).toProperties());
        broken.remove("nextNodeId");
        assertThatThrownBy(() -> BootstrapProgress.fromProperties(broken))
                .hasMessageContaining("bootstrap run r1").hasMessageContaining("'nextNodeId'");
    }

    @Test
    void aChunkSizeBelowOneIsRefused() {
        assertThatThrownBy(() -> BootstrapProgress.begun("r1", "s", "p", 0, 0, 1, TOTALS))
                .hasMessageContaining("chunk size must be at least 1");
    }
}
