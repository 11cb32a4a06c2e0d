package io.ha4neo.capture.procedures;

import static org.assertj.core.api.Assertions.assertThat;

import io.ha4neo.capture.bootstrap.BootstrapProgress;
import io.ha4neo.capture.bootstrap.StandbyWatermark;
import io.ha4neo.schemas.contract.ProcedureNames;
import io.ha4neo.schemas.event.StoreContent;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bootstrap procedures' columns are the contract's (Neo4j derives them from the rows' public fields). */
class BootstrapRowContractTest {
    private static final StoreContent TOTALS = new StoreContent(10, 4, 1, 2);

    @Test
    void beginRowHasTheContractColumnsAndTheTotals() {
        assertThat(publicFields(BootstrapProcedures.BeginRow.class)).containsExactly(ProcedureNames.RUN_COLUMN,
                ProcedureNames.EPOCH_COLUMN, ProcedureNames.COMMIT_ID_COLUMN, ProcedureNames.OFFSET_COLUMN,
                ProcedureNames.TOTAL_NODES_COLUMN, ProcedureNames.TOTAL_RELATIONSHIPS_COLUMN);
        BootstrapProcedures.BeginRow row = new BootstrapProcedures.BeginRow("r", 2, 30, -1, TOTALS);
        assertThat(List.of(row.run, row.epoch, row.commitId, row.offset, row.totalNodes, row.totalRelationships))
                .containsExactly("r", 2L, 30L, -1L, 10L, 4L);
    }

    @Test
    void nextRowHasTheContractColumnsAndTheEventsPhaseAndCounts() {
        assertThat(publicFields(BootstrapProcedures.NextRow.class)).containsExactly(ProcedureNames.RUN_COLUMN,
                ProcedureNames.PHASE_COLUMN, ProcedureNames.COMMIT_ID_COLUMN, ProcedureNames.NODES_SENT_COLUMN,
                ProcedureNames.RELATIONSHIPS_SENT_COLUMN, ProcedureNames.TOTAL_NODES_COLUMN,
                ProcedureNames.TOTAL_RELATIONSHIPS_COLUMN);
        BootstrapProgress p = BootstrapProgress.begun("r", "s", "m", 0, 5, 9, TOTALS).withNodeRangeFixed(9)
                .afterNodes(10, 3);
        BootstrapProcedures.NextRow row = new BootstrapProcedures.NextRow(p, 44);
        assertThat(List.of(row.run, row.phase, row.commitId, row.nodesSent, row.relationshipsSent, row.totalNodes,
                row.totalRelationships)).containsExactly("r", "NODES", 44L, 3L, 0L, 10L, 4L);
    }

    @Test
    void standbyRowsHaveTheContractColumns() {
        assertThat(publicFields(BootstrapProcedures.StageRow.class)).containsExactly(ProcedureNames.RUN_COLUMN,
                ProcedureNames.STAGE_COLUMN);
        assertThat(publicFields(BootstrapProcedures.ProgressRow.class)).containsExactly(ProcedureNames.RUN_COLUMN,
                ProcedureNames.STAGE_COLUMN, ProcedureNames.EPOCH_COLUMN, ProcedureNames.COMMIT_ID_COLUMN,
                ProcedureNames.APPLIED_COLUMN);
        BootstrapProcedures.ProgressRow row = new BootstrapProcedures.ProgressRow(
                new StandbyWatermark.Progress("r", "seeding", 3, 70, 5000));
        assertThat(List.of(row.run, row.stage, row.epoch, row.commitId, row.applied))
                .containsExactly("r", "seeding", 3L, 70L, 5000L);
    }

    private static List<String> publicFields(Class<?> row) {
        return Arrays.stream(row.getDeclaredFields()).filter(f -> Modifier.isPublic(f.getModifiers())
                && !Modifier.isStatic(f.getModifiers())).map(Field::getName).toList();
    }
}
