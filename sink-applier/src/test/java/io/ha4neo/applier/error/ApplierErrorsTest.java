package io.ha4neo.applier.error;

import static org.assertj.core.api.Assertions.assertThat;

import io.ha4neo.applier.error.ApplierErrors.Action;
import io.ha4neo.applier.error.ApplierErrors.Classification;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.neo4j.driver.exceptions.ClientException;
import org.neo4j.driver.exceptions.DatabaseException;
import org.neo4j.driver.exceptions.Neo4jException;
import org.neo4j.driver.exceptions.ServiceUnavailableException;
import org.neo4j.driver.exceptions.TransactionTerminatedException;
import org.neo4j.driver.exceptions.TransientException;

class ApplierErrorsTest {
    @Test
    void retriesTransientNeo4jAndKafkaErrorsEvenWhenWrapped() {
        assertThat(ApplierErrors.classify(new TransientException("Neo.TransientError.Transaction.DeadlockDetected", "dl")))
                .isEqualTo(new Classification(Action.RETRIABLE, ApplierErrors.NEO4J_TRANSIENT));
        assertThat(ApplierErrors.classify(new KafkaException("listener failed", new ServiceUnavailableException("down"))).action())
                .isEqualTo(Action.RETRIABLE);
        assertThat(ApplierErrors.classify(new TimeoutException("end offsets")).kind()).isEqualTo("kafka_retriable");
    }

    @Test
    void recognisesAWriteTheMembersGuardRefusedBecauseTheMemberIsThePrimaryAsARoleCheckNotAStop() {
        ClientException refused = new ClientException("Neo.ClientError.Transaction.TransactionHookFailed", "database "
                + "'neo4j' is the primary of replication cluster 'dc1': it refuses transactions tagged "
                + "ha4neo.applier=true, which capture would not publish. A sink applier must only write to a standby");

        Classification c = ApplierErrors.classify(new RuntimeException("commit failed", refused));

        assertThat(c).isEqualTo(new Classification(Action.RETRIABLE, ApplierErrors.MEMBER_NOT_STANDBY));
        assertThat(c.checksRole()).isTrue();
        assertThat(ApplierErrors.classify(new ClientException("Neo.ClientError.Transaction.TransactionHookFailed",
                "database 'neo4j' is a read-only standby of replication cluster 'dc1' (ha4neo role STANDBY); send "
                        + "writes to the primary"))).as("refused on a standby: not the applier's user")
                .isEqualTo(new Classification(Action.FATAL, "neo4j_client"));
        assertThat(ApplierErrors.classify(new ClientException("Neo.ClientError.Transaction.TransactionHookFailed",
                "database 'neo4j' is FENCED in replication cluster 'dc1': this former primary holds commits the log "
                        + "does not have (a divergent tail, see ha4neo.status()), so neither clients nor the sink "
                        + "applier may write until it is re-seeded")).checksRole()).isTrue();
        assertThat(ApplierErrors.classify(new ServiceUnavailableException("down")).checksRole()).isFalse();
    }

    @Test
    void retriesARegistryThatCannotBeAskedAndStopsOnAnIdItDoesNotKnow() {
        assertThat(ApplierErrors.classify(new RuntimeException("decoding offset 7", new io.ha4neo.schemas.codec
                .DecodeException(io.ha4neo.schemas.codec.DecodeException.Reason.REGISTRY_UNAVAILABLE, "HTTP 503"))))
                .isEqualTo(new Classification(Action.RETRIABLE, ApplierErrors.REGISTRY_UNAVAILABLE));
        assertThat(ApplierErrors.classify(new io.ha4neo.schemas.codec.DecodeException(
                io.ha4neo.schemas.codec.DecodeException.Reason.UNKNOWN_SCHEMA_ID, "HTTP 404")))
                .isEqualTo(new Classification(Action.FATAL, "decode"));
    }

    @Test
    void stopsOnConstraintViolationsChainGapsAndUnknownErrors() {
        assertThat(ApplierErrors.classify(new ClientException("Neo.ClientError.Schema.ConstraintValidationFailed", "dup")))
                .isEqualTo(new Classification(Action.FATAL, "neo4j_client"));
        assertThat(ApplierErrors.classify(new ClientException("Neo.ClientError.Statement.SyntaxError", "?")).action())
                .isEqualTo(Action.FATAL);
        assertThat(ApplierErrors.classify(new FatalApplierException("chain_gap", "gap")).kind()).isEqualTo("chain_gap");
        assertThat(ApplierErrors.classify(new IllegalStateException("?")).action()).isEqualTo(Action.FATAL);
    }

    /** Standby shutting down, TERMINATE TRANSACTION, lock client stopped: the batch is retried as it is. */
    @ParameterizedTest
    @ValueSource(strings = {"Neo.ClientError.Transaction.Terminated", "Neo.TransientError.Transaction.Terminated",
            "Neo.ClientError.Transaction.LockClientStopped", "Neo.TransientError.Transaction.LockClientStopped"})
    void retriesATerminatedTransactionWhateverExceptionTypeTheDriverChose(String code) {
        for (Neo4jException e : new Neo4jException[] {new ClientException(code, "terminated"),
                new TransientException(code, "terminated"), new TransactionTerminatedException(code, "terminated")}) {
            Classification c = ApplierErrors.classify(new RuntimeException("wrapped", e));
            assertThat(c).as(e.getClass().getSimpleName() + " " + code)
                    .isEqualTo(new Classification(Action.RETRIABLE, ApplierErrors.NEO4J_TERMINATED));
            assertThat(c.shrinksBatch()).isFalse();
        }
    }

    @Test
    void retriesATerminatedTransactionTheDriverReportsWithoutACode() {
        assertThat(ApplierErrors.classify(new TransactionTerminatedException("Cannot run more queries in this transaction")))
                .isEqualTo(new Classification(Action.RETRIABLE, ApplierErrors.NEO4J_TERMINATED));
    }

    @Test
    void retriesAnUnavailableDatabase() {
        assertThat(ApplierErrors.classify(new TransientException("Neo.TransientError.General.DatabaseUnavailable", "x"))
                .action()).isEqualTo(Action.RETRIABLE);
    }

    /** A batch that ran out of time would time out again at the same size. */
    @ParameterizedTest
    @ValueSource(strings = {"Neo.ClientError.Transaction.TransactionTimedOut",
            "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration"})
    void retriesATimedOutTransactionWithASmallerBatch(String code) {
        Classification c = ApplierErrors.classify(new ClientException(code, "timed out"));
        assertThat(c).isEqualTo(new Classification(Action.RETRIABLE, ApplierErrors.NEO4J_TIMEOUT));
        assertThat(c.shrinksBatch()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Neo.TransientError.General.MemoryPoolOutOfMemoryError",
            "Neo.TransientError.General.TransactionMemoryLimit", "Neo.TransientError.General.OutOfMemoryError",
            "Neo.ClientError.General.TransactionOutOfMemoryError"})
    void retriesAMemoryLimitWithASmallerBatch(String code) {
        Neo4jException e = code.contains("ClientError") ? new ClientException(code, "memory") : new TransientException(code, "memory");
        Classification c = ApplierErrors.classify(e);
        assertThat(c).isEqualTo(new Classification(Action.RETRIABLE, ApplierErrors.NEO4J_MEMORY));
        assertThat(c.shrinksBatch()).isTrue();
    }

    @Test
    void aDatabaseErrorStaysFatal() {
        assertThat(ApplierErrors.classify(new DatabaseException("Neo.DatabaseError.General.UnknownError", "?")).action())
                .isEqualTo(Action.FATAL);
    }
}
