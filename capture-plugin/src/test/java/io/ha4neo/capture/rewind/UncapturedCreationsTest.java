package io.ha4neo.capture.rewind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ha4neo.capture.txlog.TouchedEntities;
import io.ha4neo.capture.txlog.TouchedTransaction;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which never-captured commits can be undone from what Neo4j's log says they touched, without Neo4j. */
class UncapturedCreationsTest {
    @Test
    void creationsAreUndoneByDeletingWhatTheRangeCreatedAndDidNotDeleteAgain() throws Exception {
        TouchedEntities range = new TouchedEntities(28, 31, List.of(
                new TouchedTransaction.Builder(28, 1).token().build(),
                new TouchedTransaction.Builder(29, 2).nodeCreated(5).nodeCreated(6).relationshipCreated(9, 5, 6, 0)
                        .build(),
                new TouchedTransaction.Builder(30, 3).nodeProperties(5).relationshipProperties(9).nodeUpdated(7, false)
                        .build(),
                new TouchedTransaction.Builder(31, 4).nodeCreated(8).nodeDeleted(6).relationshipDeleted(9, 5, 6, 0)
                        .build()));
        UncapturedCreations u = UncapturedCreations.of(range);
        assertThat(u.nodeIds()).as("6 was created and deleted again; 7 was only relinked").containsExactly(5L, 8L);
        assertThat(u.relationshipIds()).isEmpty();
        assertThat(u.describe()).contains("commit ids 28..31").contains("created 2 node(s) and 0 relationship(s)");
    }

    @Test
    void aChangeOrDeleteOfAnEntityFromBeforeTheRangeOrASchemaChangeIsRefusedNamingTheCommitAndEntity() {
        assertThatThrownBy(() -> UncapturedCreations.of(new TouchedEntities(28, 28, List.of(
                new TouchedTransaction.Builder(28, 1).nodeProperties(3).build()))))
                .isInstanceOf(UncapturedCreations.NotUndoableException.class)
                .hasMessageContaining("commit 28 changed node 3");
        assertThatThrownBy(() -> UncapturedCreations.of(new TouchedEntities(28, 29, List.of(
                new TouchedTransaction.Builder(28, 1).nodeCreated(4).build(),
                new TouchedTransaction.Builder(29, 1).relationshipDeleted(2, 4, 1, 0).build()))))
                .hasMessageContaining("commit 29 deleted relationship 2");
        assertThatThrownBy(() -> UncapturedCreations.of(new TouchedEntities(28, 28, List.of(
                new TouchedTransaction.Builder(28, 1).schema().build()))))
                .hasMessageContaining("commit 28 changed the schema");
    }
}
