package io.ha4neo.capture.standby;

import io.ha4neo.schemas.contract.WatermarkNode;
import io.ha4neo.schemas.topology.ReservedNames;
import io.ha4neo.schemas.topology.Role;
import java.util.function.Supplier;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.event.PropertyEntry;
import org.neo4j.graphdb.event.TransactionData;
import org.neo4j.internal.schema.IndexType;
import org.neo4j.kernel.api.KernelTransaction;
import org.neo4j.kernel.api.txstate.TxStateHolder;
import org.neo4j.kernel.internal.event.InternalTransactionEventListener;

/**
 * Rejects client writes while the member is a standby: data changes and schema changes (an internal listener
 * sees schema transactions, a public one does not). Token-only transactions pass, because the kernel commits
 * new labels, types and keys in their own untagged transactions, for the applier too.
 *
 * <p>Trust: a transaction is the applier's when it carries the metadata {@code ha4neo.applier=true} and, with
 * authentication on, is committed by the configured {@code ha4neo.applier.user}. With authentication off anyone
 * can set that metadata, so the guard then protects against mistakes, not against an adversary (README).
 *
 * <p>On a primary the guard refuses the opposite: a transaction tagged as the applier's, unless
 * {@code ha4neo.capture.applier.writes=true}. Capture would have to drop it (it is the loop guard's case) or publish
 * it as the primary's own; either way a client that sets the tag must not commit writes the standbys never see.
 * The usual sender is a stale applier still pointed at a member that was just promoted: it is refused with a
 * message that says so (docs/standby.md).
 *
 * <p>Creating token lookup indexes passes: a fresh store creates them itself while it starts
 * ({@code Database.postStartupInit}), before any client can connect, in an untagged transaction.
 *
 * <p>Every write enters the {@link CommitGate} in beforeCommit and leaves it after commit or rollback, which is
 * what makes role changes atomic with respect to commits.
 */
public final class WriteGuard implements InternalTransactionEventListener<WriteGuard.Entered> {
    /** Carried from beforeCommit to afterCommit: the gate was entered; a watermark the applier moved, if any. */
    public record Entered(boolean applier, long watermarkEpoch, long watermarkCommitId, long sourceCommitTimeMillis) {
    }

    /** Set while the plugin itself writes (the watermark of a member that rejoins): such a transaction passes. */
    private static final ThreadLocal<Boolean> INTERNAL = ThreadLocal.withInitial(() -> false);

    private final Supplier<Role> role;
    private final CommitGate gate;
    private final ReplicaProgress progress;
    private final String clusterId;
    private final boolean authEnabled;
    private final String applierUser;
    private final boolean captureApplierWrites;
    private final Supplier<String> primaryRefusal;
    private final java.util.function.Function<TransactionData, String> triggerRefusal;

    public WriteGuard(Supplier<Role> role, CommitGate gate, ReplicaProgress progress, String clusterId,
                      boolean authEnabled, String applierUser, boolean captureApplierWrites) {
        this(role, () -> null, data -> null, gate, progress, clusterId, authEnabled, applierUser, captureApplierWrites);
    }

    /**
     * @param primaryRefusal null while a primary accepts client writes; otherwise why it refuses them (a switchover
     *                       froze it, a newer epoch was found, or semi-sync fails closed), for the client's error
     * @param triggerRefusal asked before each write it lets through: null, or why it must be retried
     *                       ({@link TriggerGate#refusal}); refused with a transient status, which drivers' managed
     *                       transactions and the applier retry
     */
    public WriteGuard(Supplier<Role> role, Supplier<String> primaryRefusal,
                      java.util.function.Function<TransactionData, String> triggerRefusal,
                      CommitGate gate, ReplicaProgress progress, String clusterId, boolean authEnabled,
                      String applierUser, boolean captureApplierWrites) {
        this.primaryRefusal = primaryRefusal;
        this.triggerRefusal = triggerRefusal;
        this.captureApplierWrites = captureApplierWrites;
        this.role = role;
        this.gate = gate;
        this.progress = progress;
        this.clusterId = clusterId;
        this.authEnabled = authEnabled;
        this.applierUser = applierUser;
    }

    @Override
    public Entered beforeCommit(TransactionData data, KernelTransaction ktx, GraphDatabaseService db) throws Exception {
        if (!changesSomething(data, ktx)) {
            return null;
        }
        gate.enter();
        if (INTERNAL.get()) {
            return watermarkMove(data, false);
        }
        boolean applier = isAuthorizedApplier(data);
        Role current = role.get();
        if (current == Role.FENCED) {
            gate.leave();
            throw new StandbyWriteRejectedException("database '" + db.databaseName() + "' is FENCED in replication "
                    + "cluster '" + clusterId + "': this former primary holds commits the log does not have (a "
                    + "divergent tail, see ha4neo.status()), so neither clients nor the sink applier may write until "
                    + "it is re-seeded or an operator runs `ha4neo rejoin <member> --discard-tail`");
        }
        String refusal = current == Role.PRIMARY && !isApplierTagged(data) ? primaryRefusal.get() : null;
        if (refusal != null) {
            gate.leave();
            throw new StandbyWriteRejectedException("database '" + db.databaseName() + "' of replication cluster '"
                    + clusterId + "' is not accepting writes: " + refusal);
        }
        if (current == Role.STANDBY && !applier) {
            gate.leave();
            throw new StandbyWriteRejectedException("database '" + db.databaseName() + "' is a read-only standby of "
                    + "replication cluster '" + clusterId + "' (ha4neo role STANDBY); send writes to the primary");
        }
        if (current == Role.PRIMARY && isApplierTagged(data) && !captureApplierWrites) {
            gate.leave();
            throw new StandbyWriteRejectedException("database '" + db.databaseName() + "' is the primary of "
                    + "replication cluster '" + clusterId + "': it refuses transactions tagged "
                    + ReservedNames.APPLIER_METADATA_KEY + "=" + ReservedNames.APPLIER_TAG_VALUE + ", which capture would "
                    + "not publish. A sink applier must only write to a standby: stop the applier of this member (it "
                    + "was promoted), or remove the tag");
        }
        // Neo4j calls ordinary listeners (APOC's, the gate's stand-in) only for transactions with data changes.
        String retry = hasDataChanges(ktx) ? triggerRefusal.apply(data) : null;
        if (retry != null) {
            gate.leave();
            throw new RetryWriteException("database '" + db.databaseName() + "' of replication cluster '" + clusterId
                    + "' refused this transaction once: " + retry);
        }
        return applier ? watermarkMove(data, true) : new Entered(false, -1, -1, 0);
    }

    /**
     * Runs {@code write} on this thread as the plugin's own transaction, which the guard lets through whatever the
     * role (the watermark a rejoining member starts from). Capture is not running when it is used.
     */
    public static void internally(Runnable write) {
        INTERNAL.set(true);
        try {
            write.run();
        } finally {
            INTERNAL.set(false);
        }
    }

    /** True on a thread that is inside {@link #internally}: the plugin's own write. */
    public static boolean isInternalWrite() {
        return INTERNAL.get();
    }

    @Override
    public Entered beforeCommit(TransactionData data, org.neo4j.graphdb.Transaction transaction, GraphDatabaseService db) {
        return null; // internal listeners get the kernel-transaction variant above
    }

    @Override
    public void afterCommit(TransactionData data, Entered state, GraphDatabaseService db) {
        if (state == null) {
            return;
        }
        gate.leave();
        if (state.watermarkCommitId() >= 0) {
            if (state.applier()) {
                progress.applied(state.watermarkEpoch(), state.watermarkCommitId(), state.sourceCommitTimeMillis(),
                        System.currentTimeMillis());
            } else {
                progress.reset(state.watermarkEpoch(), state.watermarkCommitId(), state.sourceCommitTimeMillis(),
                        System.currentTimeMillis());
            }
        }
    }

    @Override
    public void afterRollback(TransactionData data, Entered state, GraphDatabaseService db) {
        if (state != null) {
            gate.leave();
        }
    }

    private static boolean changesSomething(TransactionData data, KernelTransaction ktx) {
        boolean dataChanged = data.createdNodes().iterator().hasNext() || data.deletedNodes().iterator().hasNext()
                || data.createdRelationships().iterator().hasNext() || data.deletedRelationships().iterator().hasNext()
                || data.assignedLabels().iterator().hasNext() || data.removedLabels().iterator().hasNext()
                || data.assignedNodeProperties().iterator().hasNext() || data.removedNodeProperties().iterator().hasNext()
                || data.assignedRelationshipProperties().iterator().hasNext()
                || data.removedRelationshipProperties().iterator().hasNext();
        return dataChanged || schemaChanged(ktx);
    }

    private static boolean hasDataChanges(KernelTransaction ktx) {
        return ktx instanceof TxStateHolder holder && holder.hasTxStateWithChanges()
                && holder.txState().hasDataChanges();
    }

    private static boolean schemaChanged(KernelTransaction ktx) {
        if (!(ktx instanceof TxStateHolder holder) || !holder.hasTxStateWithChanges()) {
            return false;
        }
        var state = holder.txState();
        // The kernel builds a uniqueness constraint's index in an internal transaction of its own, without the
        // caller's metadata, and drops it the same way when the constraint's transaction rolls back (as it does
        // when this guard rejects it); the constraint itself is committed, and guarded, in the caller's
        // transaction. Clients cannot create or drop such indexes directly.
        boolean indexChange = state.indexChanges().getAdded().stream()
                .anyMatch(i -> !i.isUnique() && i.getIndexType() != IndexType.LOOKUP)
                || state.indexChanges().getRemoved().stream().anyMatch(i -> !i.isUnique());
        return indexChange || !state.constraintsChanges().isEmpty();
    }

    private boolean isAuthorizedApplier(TransactionData data) {
        return isApplierTagged(data) && (!authEnabled || applierUser.equals(data.username()));
    }

    /** The one "is this the applier's transaction?" check: its metadata tag (identity is checked on top). */
    public static boolean isApplierTagged(TransactionData data) {
        Object tag = data.metaData().get(ReservedNames.APPLIER_METADATA_KEY);
        return tag != null && ReservedNames.APPLIER_TAG_VALUE.equals(String.valueOf(tag));
    }

    private static Entered watermarkMove(TransactionData data, boolean applier) {
        long commitId = -1;
        long epoch = 0;
        long sourceTime = 0;
        Label wm = Label.label(WatermarkNode.LABEL);
        for (PropertyEntry<Node> e : data.assignedNodeProperties()) {
            if (e.key().equals(WatermarkNode.COMMIT_ID) && e.entity().hasLabel(wm) && e.value() instanceof Number n) {
                commitId = n.longValue();
                Object t = e.entity().getProperty(WatermarkNode.SOURCE_COMMIT_TIME_MILLIS, 0L);
                sourceTime = t instanceof Number tn ? tn.longValue() : 0;
                Object ep = e.entity().getProperty(WatermarkNode.EPOCH, 0L);
                epoch = ep instanceof Number en ? en.longValue() : 0;
            }
        }
        return new Entered(applier, epoch, commitId, sourceTime);
    }

    /**
     * Thrown from beforeCommit to have a transaction retried: Neo4j rolls it back and hands the client this status, a
     * transient error ({@code Neo.TransientError.Transaction.Outdated}), which drivers' managed transactions and the
     * applier retry.
     */
    public static final class RetryWriteException extends RuntimeException
            implements org.neo4j.kernel.api.exceptions.Status.HasStatus {
        public RetryWriteException(String message) {
            super(message);
        }

        @Override
        public org.neo4j.kernel.api.exceptions.Status status() {
            return org.neo4j.kernel.api.exceptions.Status.Transaction.Outdated;
        }
    }

    /** Thrown from beforeCommit: Neo4j rolls the transaction back and hands the message to the client. */
    public static final class StandbyWriteRejectedException extends RuntimeException {
        public StandbyWriteRejectedException(String message) {
            super(message);
        }
    }
}
