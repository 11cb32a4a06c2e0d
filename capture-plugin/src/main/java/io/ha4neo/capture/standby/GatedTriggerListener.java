package io.ha4neo.capture.standby;

import java.util.function.Consumer;
import java.util.function.Predicate;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Transaction;
import org.neo4j.graphdb.event.TransactionData;
import org.neo4j.graphdb.event.TransactionEventListener;

/**
 * Stands in for APOC's trigger handler in the database's listener list ({@link TriggerGate}): it forwards a
 * transaction's beforeCommit, afterCommit and afterRollback to APOC only when {@link TriggerForwarding} allows it.
 *
 * <p>The decision is taken once, in beforeCommit, and carried to afterCommit/afterRollback in the state object, so a
 * transaction is never half-forwarded when the role changes while it commits: APOC either sees all of its callbacks
 * or none.
 *
 * <p>Never throws from afterCommit or afterRollback: a failing {@code after}/{@code rollback} trigger is reported to
 * {@code failures} (logged at WARN by the gate) and the commit stands. A failing {@code before} trigger still fails
 * the transaction, as it does without ha4neo.
 */
public final class GatedTriggerListener implements TransactionEventListener<Object> {
    /** The state of a transaction APOC does not see. */
    private static final Object SKIPPED = new Object();

    /** The state of a transaction APOC sees, wrapping APOC's own state. */
    private record Forwarded(Object state) {
    }

    private final TransactionEventListener<Object> original;
    private final Predicate<TransactionData> forward;
    private final Consumer<RuntimeException> failures;

    @SuppressWarnings("unchecked")
    GatedTriggerListener(TransactionEventListener<?> original, Predicate<TransactionData> forward,
                         Consumer<RuntimeException> failures) {
        this.original = (TransactionEventListener<Object>) original;
        this.forward = forward;
        this.failures = failures;
    }

    /** APOC's handler this listener stands in for. */
    public TransactionEventListener<?> original() {
        return original;
    }

    @Override
    public Object beforeCommit(TransactionData data, Transaction transaction, GraphDatabaseService db)
            throws Exception {
        if (!forward.test(data)) {
            return SKIPPED;
        }
        return new Forwarded(original.beforeCommit(data, transaction, db));
    }

    @Override
    public void afterCommit(TransactionData data, Object state, GraphDatabaseService db) {
        if (state instanceof Forwarded f) {
            try {
                original.afterCommit(data, f.state(), db);
            } catch (RuntimeException e) {
                failures.accept(e);
            }
        }
    }

    /** A null state means APOC's own beforeCommit threw, so the transaction was forwarded. */
    @Override
    public void afterRollback(TransactionData data, Object state, GraphDatabaseService db) {
        if (state == SKIPPED) {
            return;
        }
        try {
            original.afterRollback(data, state instanceof Forwarded f ? f.state() : null, db);
        } catch (RuntimeException e) {
            failures.accept(e);
        }
    }

    @Override
    public String toString() {
        return "ha4neo role gate for " + original;
    }
}
