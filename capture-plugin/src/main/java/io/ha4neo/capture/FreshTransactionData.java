package io.ha4neo.capture;

import java.lang.reflect.Constructor;
import java.util.function.Function;
import org.neo4j.graphdb.event.TransactionData;
import org.neo4j.kernel.api.KernelTransaction;
import org.neo4j.kernel.api.txstate.TxStateHolder;
import org.neo4j.kernel.impl.api.KernelTransactionImplementation;
import org.neo4j.kernel.internal.event.TxStateTransactionDataSnapshot;
import org.neo4j.storageengine.api.StorageReader;
import org.neo4j.storageengine.api.txstate.ReadableTransactionState;

/**
 * A {@link TransactionData} of a transaction's state as it is now, for capture after a listener earlier in the list
 * wrote into the transaction (APOC's {@code before} triggers, docs/apoc-triggers.md).
 *
 * <p>Why: Neo4j takes one snapshot of the transaction for all its listeners before it calls the first one. Property
 * and label changes are copied into it then, so what an earlier listener writes is missing from the snapshot every
 * later listener gets, and capture would publish the transaction without it. This seam builds a second snapshot the
 * way the kernel builds the first (Neo4j 5.26's package-private {@code TxStateTransactionDataSnapshot} constructor,
 * internal API, reached by reflection), over a storage reader of its own, closed with it.
 */
final class FreshTransactionData {
    private static final Constructor<TxStateTransactionDataSnapshot> SNAPSHOT = constructor();

    private FreshTransactionData() {
    }

    /**
     * Applies {@code use} to a snapshot of {@code ktx}'s state now; {@code use} must not keep it.
     *
     * @throws IllegalStateException when this Neo4j has no such constructor (capture reports the commit as a gap)
     */
    static <T> T of(KernelTransaction ktx, Function<TransactionData, T> use) {
        if (SNAPSHOT == null || !(ktx instanceof KernelTransactionImplementation kti)
                || !(ktx instanceof TxStateHolder holder)) {
            throw new IllegalStateException("cannot read the transaction's state again after APOC's before triggers "
                    + "wrote into it: this Neo4j version has no TxStateTransactionDataSnapshot(ReadableTransactionState, "
                    + "StorageReader, KernelTransaction, boolean)");
        }
        try (StorageReader reader = kti.newStorageReader()) {
            TxStateTransactionDataSnapshot snapshot = SNAPSHOT.newInstance(holder.txState(), reader, ktx, true);
            try {
                return use.apply(snapshot);
            } finally {
                snapshot.close();
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot snapshot the transaction's state: " + e, e);
        }
    }

    private static Constructor<TxStateTransactionDataSnapshot> constructor() {
        try {
            Constructor<TxStateTransactionDataSnapshot> c = TxStateTransactionDataSnapshot.class.getDeclaredConstructor(
                    ReadableTransactionState.class, StorageReader.class, KernelTransaction.class, boolean.class);
            c.setAccessible(true);
            return c;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
