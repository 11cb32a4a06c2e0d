package io.ha4neo.capture;

import io.ha4neo.capture.bootstrap.PendingBootstrapEvents;
import io.ha4neo.capture.mapping.CapturedChanges;
import io.ha4neo.capture.mapping.ChangeEventMapper;
import io.ha4neo.capture.mapping.SchemaChangeMapper;
import io.ha4neo.capture.mapping.UnreplicableValueException;
import io.ha4neo.capture.standby.GatedTriggerListener;
import io.ha4neo.capture.standby.WriteGuard;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.event.TransactionData;
import org.neo4j.kernel.api.KernelTransaction;
import org.neo4j.kernel.internal.event.InternalTransactionEventListener;

/**
 * The transaction listener. It uses Neo4j's internal listener interface because only that one is called for
 * every transaction id (token and schema transactions included, FACTS.md), which is what lets the
 * {@link CommitSequencer} restore a gap-free commit order; and because its beforeCommit receives the kernel
 * transaction, whose state holds index and constraint changes.
 *
 * <p>beforeCommit maps the changes while the after-state is readable; afterCommit hands them with the commit
 * id to the {@link CaptureService}. afterCommit never throws. beforeCommit throws only for a value the log cannot
 * carry ({@link UnreplicableValueException}): the transaction is rolled back with a message naming the entity and
 * property. Any other capture failure is recorded as a gap event for that commit id (ERROR log, status, metric)
 * and the user's transaction is unaffected.
 *
 * <p>A bootstrap procedure's transaction carries its event's mark and images ({@link PendingBootstrapEvents}, keyed by
 * the kernel transaction): beforeCommit takes them into the captured changes (so the event is never "nothing", though
 * its only write, the progress record, is no change), and afterCommit tells the procedure its commit id.
 */
final class TransactionCapture implements InternalTransactionEventListener<TransactionCapture.Captured> {
    /**
     * What beforeCommit hands to afterCommit: the changes, or why there are none; and the bootstrap attachment whose
     * commit id afterCommit reports, if any.
     */
    record Captured(CapturedChanges changes, String failure, PendingBootstrapEvents.Attachment bootstrap) {
        static final Captured NOTHING = new Captured(null, null, null);

        Captured(CapturedChanges changes, String failure) {
            this(changes, failure, null);
        }
    }

    private final CaptureService service;
    private final boolean captureApplierWrites;

    TransactionCapture(CaptureService service, boolean captureApplierWrites) {
        this.service = service;
        this.captureApplierWrites = captureApplierWrites;
    }

    @Override
    public Captured beforeCommit(TransactionData data, KernelTransaction transaction, GraphDatabaseService db) {
        PendingBootstrapEvents.Attachment bootstrap = PendingBootstrapEvents.take(transaction).orElse(null);
        try {
            if (!captureApplierWrites && WriteGuard.isApplierTagged(data)) {
                return Captured.NOTHING; // never reached on a primary: its WriteGuard refuses such transactions
            }
            // APOC's before triggers wrote into the transaction after Neo4j took `data`: read its state again.
            CapturedChanges changes = GatedTriggerListener.forwardedBeforeCommit(data)
                    ? FreshTransactionData.of(transaction, ChangeEventMapper::map) : ChangeEventMapper.map(data);
            changes.addSchemaChanges(SchemaChangeMapper.map(transaction));
            if (bootstrap != null) {
                changes.attachBootstrap(bootstrap.mark(), bootstrap.schema(), bootstrap.nodes(), bootstrap.relationships());
            }
            return changes.isEmpty() ? Captured.NOTHING : new Captured(changes, null, bootstrap);
        } catch (UnreplicableValueException e) {
            throw e; // rolls the transaction back: it must not commit if it cannot be replicated
        } catch (Throwable t) {
            return new Captured(null, "capture failed in beforeCommit: " + t, bootstrap);
        }
    }

    @Override
    public Captured beforeCommit(TransactionData data, org.neo4j.graphdb.Transaction transaction, GraphDatabaseService db) {
        // Never called for an internal listener (the kernel variant above is); present to satisfy the interface.
        return Captured.NOTHING;
    }

    @Override
    public void afterCommit(TransactionData data, Captured state, GraphDatabaseService db) {
        try {
            long commitId = data.getTransactionId();
            if (commitId <= 0) {
                return; // changes cancelled out: Neo4j assigned no id, so the chain has nothing to account for
            }
            if (state != null && state.bootstrap() != null) {
                state.bootstrap().committed(commitId); // read by the procedure once its commit() returns
            }
            service.committed(commitId, data.getCommitTime(), state == null ? Captured.NOTHING : state);
        } catch (Throwable t) {
            service.captureFailed(data, t);
        }
    }

    @Override
    public void afterRollback(TransactionData data, Captured state, GraphDatabaseService db) {
        // A rolled-back transaction used no commit id.
    }
}
