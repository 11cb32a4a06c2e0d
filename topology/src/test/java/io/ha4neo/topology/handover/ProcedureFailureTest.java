package io.ha4neo.topology.handover;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.neo4j.driver.exceptions.ClientException;
import org.neo4j.driver.exceptions.ServiceUnavailableException;
import org.neo4j.driver.exceptions.SessionExpiredException;
import org.neo4j.driver.exceptions.TransientException;

/** How driver exceptions of a procedure call are classified: did the procedure refuse, or is its outcome unknown? */
class ProcedureFailureTest {
    @Test
    void aProcedureThatThrewRefusedAndItsMessageLosesTheServersWrapping() {
        ProcedureFailure f = ProcedureFailure.of("ha4neo.promote", "b", new ClientException(
                "Neo.ClientError.Procedure.ProcedureCallFailed", "Failed to invoke procedure `ha4neo.promote`: "
                + "Caused by: java.lang.IllegalStateException: this standby is at (epoch 0, commit 40), not "
                + "(epoch 0, commit 42)\nmore detail"));

        assertThat(f.outcomeUnknown()).isFalse();
        assertThat(f.getMessage()).isEqualTo("this standby is at (epoch 0, commit 40), not (epoch 0, commit 42)");
        assertThat(f.procedure()).isEqualTo("ha4neo.promote");
        assertThat(f.member()).isEqualTo("b");
    }

    @Test
    void aNestedExceptionClassInTheWrappingIsStrippedToo() {
        assertThat(ProcedureFailure.reason(new ClientException("Neo.ClientError.Procedure.ProcedureCallFailed",
                "Failed to invoke procedure `ha4neo.freeze`: Caused by: io.ha4neo.capture.Freeze$Timeout"
                        + "Exception: 2 events not published"))).isEqualTo("2 events not published");
        assertThat(ProcedureFailure.reason(new ClientException("Neo.ClientError.Statement.SyntaxError", "Invalid "
                + "input"))).isEqualTo("Invalid input");
    }

    @Test
    void aLostConnectionATransientErrorOrAKilledTransactionLeaveTheOutcomeUnknown() {
        assertThat(ProcedureFailure.of("p", "b", new ServiceUnavailableException("Connection refused"))
                .outcomeUnknown()).isTrue();
        assertThat(ProcedureFailure.of("p", "b", new SessionExpiredException("gone")).outcomeUnknown()).isTrue();
        assertThat(ProcedureFailure.of("p", "b", new TransientException("Neo.TransientError.General.OutOfMemory",
                "oom")).outcomeUnknown()).isTrue();
        ProcedureFailure killed = ProcedureFailure.of("p", "b", new ClientException(
                "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration", "The transaction has been "
                + "terminated"));
        assertThat(killed.outcomeUnknown()).isTrue();
        assertThat(killed.getMessage()).isEqualTo("The transaction has been terminated "
                + "(Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration)");
    }

    @Test
    void aMissingProcedureSaysThePluginIsTooOld() {
        ProcedureFailure f = ProcedureFailure.of("ha4neo.freeze", "a", new ClientException(
                "Neo.ClientError.Procedure.ProcedureNotFound", "There is no procedure with the name `ha4neo.freeze` "
                + "registered for this database instance."));

        assertThat(f.outcomeUnknown()).isFalse();
        assertThat(f.getMessage()).endsWith("(the member's capture plugin is older than this CLI: install the plugin "
                + "with switchover support)");
    }
}
