package io.ha4neo.applier.error;

import static org.assertj.core.api.Assertions.assertThat;

import io.ha4neo.applier.error.ApplierErrors.Action;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.exceptions.ClientException;
import org.neo4j.driver.exceptions.ServiceUnavailableException;
import org.neo4j.driver.exceptions.TransientException;

class ApplierErrorsTest {
    @Test
    void retriesTransientNeo4jAndKafkaErrorsEvenWhenWrapped() {
        assertThat(ApplierErrors.classify(new TransientException("Neo.TransientError.Transaction.DeadlockDetected", "dl")))
                .isEqualTo(new ApplierErrors.Classification(Action.RETRIABLE, "neo4j_transient"));
        assertThat(ApplierErrors.classify(new KafkaException("listener failed", new ServiceUnavailableException("down"))).action())
                .isEqualTo(Action.RETRIABLE);
        assertThat(ApplierErrors.classify(new TimeoutException("end offsets")).kind()).isEqualTo("kafka_retriable");
    }

    @Test
    void stopsOnConstraintViolationsChainGapsAndUnknownErrors() {
        assertThat(ApplierErrors.classify(new ClientException("Neo.ClientError.Schema.ConstraintValidationFailed", "dup")))
                .isEqualTo(new ApplierErrors.Classification(Action.FATAL, "neo4j_client"));
        assertThat(ApplierErrors.classify(new FatalApplierException("chain_gap", "gap")).kind()).isEqualTo("chain_gap");
        assertThat(ApplierErrors.classify(new IllegalStateException("?")).action()).isEqualTo(Action.FATAL);
    }
}
