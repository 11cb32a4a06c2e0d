package io.ha4neo.capture.txlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How log record facts become touches, without Neo4j: the rules the reader relies on. */
class TouchedTransactionTest {
    @Test
    void createdOrDeletedWinsOverChangedAndARewriteAloneIsOnlyARelink() {
        TouchedTransaction t = new TouchedTransaction.Builder(7, 1000)
                .nodeCreated(1).nodeProperties(1)
                .nodeDeleted(2).nodeProperties(2)
                .nodeUpdated(3, false).nodeProperties(3)
                .nodeUpdated(4, true)
                .nodeUpdated(5, false)
                .nodeGroupRewritten(6)
                .build();
        assertThat(t.nodes()).isEqualTo(Map.of(1L, Touch.CREATED, 2L, Touch.DELETED, 3L, Touch.CHANGED,
                4L, Touch.CHANGED));
        assertThat(t.relinkedNodes()).containsExactly(5L, 6L);
    }

    @Test
    void aRelationshipKeepsTheEndpointsOfItsRecordAndHasNoneForAPropertyOnlyChange() {
        TouchedTransaction t = new TouchedTransaction.Builder(7, 1000)
                .relationshipCreated(10, 1, 2, 0).relationshipProperties(10)
                .relationshipProperties(11)
                .relationshipUpdated(12, 3, 4, 1).relationshipProperties(12)
                .relationshipUpdated(13, 5, 6, 1)
                .relationshipDeleted(14, 7, 8, 2)
                .build();
        assertThat(t.relationships()).isEqualTo(Map.of(
                10L, new RelationshipTouch(Touch.CREATED, 1, 2, 0),
                11L, RelationshipTouch.withoutRecord(Touch.CHANGED),
                12L, new RelationshipTouch(Touch.CHANGED, 3, 4, 1),
                14L, new RelationshipTouch(Touch.DELETED, 7, 8, 2)));
        assertThat(t.relationships().get(11L).endpointsKnown()).isFalse();
        assertThat(t.relinkedRelationships()).containsExactly(13L);
    }

    @Test
    void tokensAndSchemaAreFlagsOfTheTransaction() {
        TouchedTransaction t = new TouchedTransaction.Builder(7, 1000).token().schema().build();
        assertThat(t.tokens()).isTrue();
        assertThat(t.schema()).isTrue();
        assertThat(t.touchesNoEntity()).isTrue();
    }

    @Test
    void aRangeHoldsOneTransactionPerCommitIdInOrder() {
        TouchedTransaction five = new TouchedTransaction.Builder(5, 1).nodeCreated(1).build();
        TouchedTransaction six = new TouchedTransaction.Builder(6, 2).nodeCreated(2).nodeDeleted(1).build();
        TouchedEntities range = new TouchedEntities(5, 6, List.of(five, six));
        assertThat(range.transaction(6)).isEqualTo(six);
        assertThat(range.nodeIds()).containsExactly(1L, 2L);
        assertThatThrownBy(() -> new TouchedEntities(5, 7, List.of(five, six)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TouchedEntities(5, 6, List.of(six, five)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
