package io.ha4neo.applier.error;

import io.ha4neo.schemas.codec.ChunkSequenceException;
import io.ha4neo.schemas.codec.DecodeException;
import io.ha4neo.schemas.config.ConfigException;
import org.apache.kafka.common.errors.RetriableException;
import org.neo4j.driver.exceptions.ClientException;
import org.neo4j.driver.exceptions.ServiceUnavailableException;
import org.neo4j.driver.exceptions.SessionExpiredException;
import org.neo4j.driver.exceptions.TransientException;

/**
 * The one place where errors are classified. Retriable errors are waited out with back-off and followed
 * by re-positioning from the watermark (so a commit whose outcome was unknown is neither lost nor applied
 * twice); fatal errors stop the applier with a non-zero exit code. There is no silent skip and no
 * dead-letter queue: the only way past a fatal record is the operator's {@code skip.commit.id}.
 */
public final class ApplierErrors {
    /** What to do about an error. */
    public enum Action { RETRIABLE, FATAL }

    /**
     * A classification.
     *
     * @param action retry or stop
     * @param kind short label for metrics and logs
     */
    public record Classification(Action action, String kind) {
    }

    private ApplierErrors() {
    }

    /** Classifies by the first recognised exception in the cause chain; unknown errors are fatal. */
    public static Classification classify(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            Classification c = classifyOne(t);
            if (c != null) {
                return c;
            }
        }
        return new Classification(Action.FATAL, "unexpected");
    }

    private static Classification classifyOne(Throwable t) {
        if (t instanceof FatalApplierException f) return fatal(f.kind());
        if (t instanceof DecodeException) return fatal("decode");
        if (t instanceof ChunkSequenceException) return fatal("chunk_sequence");
        if (t instanceof ConfigException) return fatal("config");
        // Neo4j: deadlocks and other Neo.TransientError.* are TransientException
        if (t instanceof TransientException) return retriable("neo4j_transient");
        if (t instanceof ServiceUnavailableException) return retriable("neo4j_unavailable");
        if (t instanceof SessionExpiredException) return retriable("neo4j_session_expired");
        // constraint violations, syntax errors, security errors: the standby diverged or is misconfigured
        if (t instanceof ClientException) return fatal("neo4j_client");
        // Kafka: broker unavailable, leader change, timeouts, rebalance in progress
        if (t instanceof RetriableException) return retriable("kafka_retriable");
        if (t instanceof org.apache.kafka.common.errors.RebalanceInProgressException) return retriable("kafka_rebalance");
        return null;
    }

    private static Classification fatal(String kind) {
        return new Classification(Action.FATAL, kind);
    }

    private static Classification retriable(String kind) {
        return new Classification(Action.RETRIABLE, kind);
    }
}
