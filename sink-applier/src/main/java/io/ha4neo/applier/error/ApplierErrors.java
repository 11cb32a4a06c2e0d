package io.ha4neo.applier.error;

import io.ha4neo.schemas.codec.ChunkSequenceException;
import io.ha4neo.schemas.codec.DecodeException;
import io.ha4neo.schemas.config.ConfigException;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.errors.RetriableException;
import org.neo4j.driver.exceptions.ClientException;
import org.neo4j.driver.exceptions.Neo4jException;
import org.neo4j.driver.exceptions.ServiceUnavailableException;
import org.neo4j.driver.exceptions.SessionExpiredException;
import org.neo4j.driver.exceptions.TransactionTerminatedException;
import org.neo4j.driver.exceptions.TransientException;

/**
 * The one place where errors are classified. Retriable errors are waited out with back-off and followed
 * by re-positioning from the watermark (so a commit whose outcome was unknown is neither lost nor applied
 * twice); fatal errors stop the applier with a non-zero exit code. There is no silent skip and no
 * dead-letter queue: the only way past a fatal record is the operator's {@code skip.commit.id}.
 *
 * <p>Neo4j errors are classified by their status code first, because the driver's exception type alone is
 * ambiguous: it reports a terminated transaction (standby shutting down, {@code TERMINATE TRANSACTION}) and a
 * transaction timeout as a {@link ClientException}, like a constraint violation, and a transaction's own memory
 * limit too. Those are properties of the moment or of the batch's size, not of the data, so they are retried,
 * memory limits and timeouts with a smaller batch ({@link Classification#shrinksBatch()}).
 */
public final class ApplierErrors {
    /** What to do about an error. */
    public enum Action { RETRIABLE, FATAL }

    /** Deadlocks, lock timeouts, leader switches and every other {@code Neo.TransientError.*}. */
    public static final String NEO4J_TRANSIENT = "neo4j_transient";
    /** The transaction was terminated: standby shutting down, an administrator, a lock client stopped. */
    public static final String NEO4J_TERMINATED = "neo4j_terminated";
    /** The transaction exceeded its time limit ({@code db.transaction.timeout}). */
    public static final String NEO4J_TIMEOUT = "neo4j_timeout";
    /** The transaction, or the server's transaction memory pool, ran out of memory. */
    public static final String NEO4J_MEMORY = "neo4j_memory";
    /**
     * Another applier process joined the consumer group with this one's {@code group.instance.id}: fatal, since the two
     * would fence each other forever.
     */
    public static final String DUPLICATE_INSTANCE = "duplicate_applier_instance";
    /**
     * The Schema Registry could not be asked for a writer schema (no answer, 5xx, 429): the record is read again after
     * the back-off. An id the registry does not know is a fatal {@code decode} error instead.
     */
    public static final String REGISTRY_UNAVAILABLE = "registry_unavailable";
    /** The standby could not be reached over Bolt: it is down, restarting, or the network is. */
    public static final String NEO4J_UNAVAILABLE = "neo4j_unavailable";
    /** The standby dropped the session (it is stopping, or its database restarts). */
    public static final String NEO4J_SESSION_EXPIRED = "neo4j_session_expired";
    /** The member's write guard refused the applier's write: the member is the primary (it was promoted), or fenced. */
    public static final String MEMBER_NOT_STANDBY = "member_not_standby";

    /**
     * Phrases of the messages with which the plugin's write guard refuses the applier's transaction because of the
     * member's role ({@code WriteGuard} in capture-plugin; Neo4j hands the message over verbatim, as
     * {@code Neo.ClientError.Transaction.TransactionHookFailed}): on a primary, and on a fenced former primary. All
     * phrases of one message must appear.
     */
    private static final List<List<String>> ROLE_REFUSALS = List.of(
            List.of("is the primary of replication cluster", "refuses transactions tagged"),
            List.of("is FENCED in replication cluster", "nor the sink applier may write"));

    private static final Set<String> TERMINATED_CODES = Set.of("Neo.ClientError.Transaction.Terminated",
            "Neo.TransientError.Transaction.Terminated", "Neo.ClientError.Transaction.LockClientStopped",
            "Neo.TransientError.Transaction.LockClientStopped");
    private static final Set<String> TIMEOUT_CODES = Set.of("Neo.ClientError.Transaction.TransactionTimedOut",
            "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration");
    private static final Set<String> MEMORY_CODES = Set.of("Neo.ClientError.General.TransactionOutOfMemoryError",
            "Neo.TransientError.General.TransactionMemoryLimit", "Neo.TransientError.General.MemoryPoolOutOfMemoryError",
            "Neo.TransientError.General.OutOfMemoryError");

    /**
     * A classification.
     *
     * @param action retry or stop
     * @param kind short label for metrics and logs
     */
    public record Classification(Action action, String kind) {
        /** True when the same batch would fail again at its size: retry with a smaller one. */
        public boolean shrinksBatch() {
            return kind.equals(NEO4J_MEMORY) || kind.equals(NEO4J_TIMEOUT);
        }

        /**
         * True when the member refused the write for its role: check the role before anything else (the applier
         * pauses while the member is no standby); retried with back-off only if the member still says standby.
         */
        public boolean checksRole() {
            return kind.equals(MEMBER_NOT_STANDBY);
        }

        /**
         * True when the standby could not be reached: the wait before the retry ends as soon as it answers again (a
         * member that restarted or was fenced and rejoined), instead of after the whole back-off.
         */
        public boolean endsWhenStandbyAnswers() {
            return kind.equals(NEO4J_UNAVAILABLE) || kind.equals(NEO4J_SESSION_EXPIRED);
        }
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
        if (t instanceof DecodeException d) {
            return d.reason() == DecodeException.Reason.REGISTRY_UNAVAILABLE ? retriable(REGISTRY_UNAVAILABLE)
                    : fatal("decode");
        }
        if (t instanceof ChunkSequenceException) return fatal("chunk_sequence");
        if (t instanceof ConfigException) return fatal("config");
        if (t instanceof ClientException && refusedForRole(t.getMessage())) return retriable(MEMBER_NOT_STANDBY);
        Classification byCode = t instanceof Neo4jException n ? byCode(n.code()) : null;
        if (byCode != null) return byCode;
        if (t instanceof TransactionTerminatedException) return retriable(NEO4J_TERMINATED); // client side, no code
        // Neo4j: deadlocks and other Neo.TransientError.* are TransientException
        if (t instanceof TransientException) return retriable(NEO4J_TRANSIENT);
        if (t instanceof ServiceUnavailableException) return retriable(NEO4J_UNAVAILABLE);
        if (t instanceof SessionExpiredException) return retriable(NEO4J_SESSION_EXPIRED);
        // constraint violations, syntax errors, security errors: the standby diverged or is misconfigured
        if (t instanceof ClientException) return fatal("neo4j_client");
        // Kafka: broker unavailable, leader change, timeouts, rebalance in progress
        if (t instanceof RetriableException) return retriable("kafka_retriable");
        if (t instanceof org.apache.kafka.common.errors.RebalanceInProgressException) return retriable("kafka_rebalance");
        return null;
    }

    private static boolean refusedForRole(String message) {
        return message != null
                && ROLE_REFUSALS.stream().anyMatch(phrases -> phrases.stream().allMatch(message::contains));
    }

    /** By Neo4j status code; null when the code says nothing beyond the exception's type. */
    private static Classification byCode(String code) {
        if (code == null) return null;
        if (MEMORY_CODES.contains(code)) return retriable(NEO4J_MEMORY);
        if (TIMEOUT_CODES.contains(code)) return retriable(NEO4J_TIMEOUT);
        if (TERMINATED_CODES.contains(code)) return retriable(NEO4J_TERMINATED);
        if (code.startsWith("Neo.TransientError.")) return retriable(NEO4J_TRANSIENT);
        return null;
    }

    private static Classification fatal(String kind) {
        return new Classification(Action.FATAL, kind);
    }

    private static Classification retriable(String kind) {
        return new Classification(Action.RETRIABLE, kind);
    }
}
