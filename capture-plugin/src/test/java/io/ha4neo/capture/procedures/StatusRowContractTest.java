package io.ha4neo.capture.procedures;

import static org.assertj.core.api.Assertions.assertThat;

import io.ha4neo.schemas.contract.ProcedureNames;
import io.ha4neo.schemas.contract.StatusColumns;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Neo4j derives a procedure's columns from the public fields of its row class: they must match the contract. */
class StatusRowContractTest {
    @Test
    void statusRowHasExactlyTheContractColumnsInOrder() {
        assertThat(publicFields(StatusProcedures.StatusRow.class)).containsExactlyElementsOf(StatusColumns.ALL);
    }

    @Test
    void roleAndCommitRowsUseTheContractColumnNames() {
        assertThat(publicFields(StatusProcedures.RoleRow.class))
                .containsExactly(ProcedureNames.ROLE_COLUMN, ProcedureNames.PREVIOUS_ROLE_COLUMN);
        assertThat(publicFields(StatusProcedures.CommitRow.class)).containsExactly(ProcedureNames.COMMIT_ID_COLUMN);
    }

    private static List<String> publicFields(Class<?> row) {
        return Arrays.stream(row.getDeclaredFields()).filter(f -> Modifier.isPublic(f.getModifiers())
                && !Modifier.isStatic(f.getModifiers())).map(Field::getName).toList();
    }
}
