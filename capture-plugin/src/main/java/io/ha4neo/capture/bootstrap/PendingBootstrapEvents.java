package io.ha4neo.capture.bootstrap;

import io.ha4neo.schemas.event.BootstrapMark;
import io.ha4neo.schemas.event.NodeCreated;
import io.ha4neo.schemas.event.RelationshipCreated;
import io.ha4neo.schemas.event.SchemaChange;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The handover from a bootstrap procedure to capture: what the procedure's inner transaction is about to commit as a
 * bootstrap event (its mark, the begin's schema, a chunk's images), keyed by that transaction's kernel transaction.
 * The procedure {@link #attach}es it just before {@code tx.commit()}; capture's beforeCommit, on the same thread,
 * {@link #take}s it and adds it to the transaction's captured changes; afterCommit reports the commit id back
 * ({@link Attachment#committed}). The procedure takes the entry out again after the commit in any case (a rollback, or
 * a listener that refused the commit, would otherwise leave it behind).
 *
 * <p>Process-wide and static because Neo4j instantiates procedures on its own; keyed by identity, because kernel
 * transactions are pooled objects that are equal only to themselves.
 */
public final class PendingBootstrapEvents {
    private static final Map<Object, Attachment> PENDING = Collections.synchronizedMap(new IdentityHashMap<>());

    private PendingBootstrapEvents() {
    }

    /** What one bootstrap commit carries, and (once committed) its commit id. */
    public static final class Attachment {
        private final BootstrapMark mark;
        private final List<SchemaChange> schema;
        private final List<NodeCreated> nodes;
        private final List<RelationshipCreated> relationships;
        private volatile long commitId = -1;

        public Attachment(BootstrapMark mark, List<SchemaChange> schema, List<NodeCreated> nodes,
                          List<RelationshipCreated> relationships) {
            this.mark = Objects.requireNonNull(mark, "mark");
            this.schema = List.copyOf(schema);
            this.nodes = List.copyOf(nodes);
            this.relationships = List.copyOf(relationships);
        }

        public BootstrapMark mark() {
            return mark;
        }

        public List<SchemaChange> schema() {
            return schema;
        }

        public List<NodeCreated> nodes() {
            return nodes;
        }

        public List<RelationshipCreated> relationships() {
            return relationships;
        }

        /** Called by capture's afterCommit with the transaction's commit id. */
        public void committed(long id) {
            commitId = id;
        }

        /** The commit id of the event, or -1 when capture did not report one (not committed, or capture not running). */
        public long commitId() {
            return commitId;
        }
    }

    /**
     * Attaches {@code attachment} to the transaction identified by {@code transaction} (its kernel transaction).
     *
     * @throws IllegalStateException when that transaction carries an attachment already
     */
    public static void attach(Object transaction, Attachment attachment) {
        Objects.requireNonNull(transaction, "transaction");
        if (PENDING.putIfAbsent(transaction, attachment) != null) {
            throw new IllegalStateException("a transaction carries one bootstrap event at most; it already carries one "
                    + "when " + attachment.mark() + " was attached");
        }
    }

    /** Removes and returns the attachment of {@code transaction}, if any. */
    public static Optional<Attachment> take(Object transaction) {
        return Optional.ofNullable(PENDING.remove(transaction));
    }

    /**
     * Removes {@code attachment} if {@code transaction} still carries it (its commit failed before capture took it).
     * Only that attachment: the kernel transaction may already serve a new transaction with an attachment of its own.
     */
    public static void release(Object transaction, Attachment attachment) {
        PENDING.remove(transaction, attachment);
    }

    /** How many attachments wait for their commit now (0 between bootstrap calls: nothing leaks). */
    public static int pending() {
        return PENDING.size();
    }
}
