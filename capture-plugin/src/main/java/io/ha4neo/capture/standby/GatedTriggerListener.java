package io.ha4neo.capture.standby;

import java.util.function.Consumer;
import java.util.function.Predicate;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Transaction;
import org.neo4j.graphdb.event.TransactionData;
import org.neo4j.graphdb.event.TransactionEventListener;

/**
 * Stands in for APOC's trigger handler in the database's listener list ({@link TriggerGate}), in two parts, and
 * forwards a transaction's callbacks to APOC only when {@link TriggerForwarding} allows it:
 * <ul>
 *   <li>the {@link Part#BEFORE} part is first in the list. It decides, and forwards beforeCommit, so APOC's
 *       {@code before} triggers write into the transaction before the write guard checks it and before capture maps
 *       it (capture then reads the transaction's state again, see {@link #forwardedBeforeCommit});</li>
 *   <li>the {@link Part#AFTER} part is last. It takes the decision over and forwards afterCommit and afterRollback,
 *       so APOC's {@code after} triggers (a new transaction started inside afterCommit) run once capture has handed
 *       the committing transaction on: a semi-sync commit never waits for a commit that waits for it.</li>
 * </ul>
 * The decision is taken once, in the first part's beforeCommit, and handed to the second part on the committing
 * thread, keyed by the transaction's {@link TransactionData} (the one object Neo4j passes to every listener of a
 * transaction). So a transaction is never half-forwarded when the role changes while it commits: APOC either sees
 * all of its callbacks or none.
 *
 * <p>Never throws from afterCommit or afterRollback: a failing {@code after}/{@code rollback} trigger is reported to
 * {@code failures} (logged at WARN by the gate) and the commit stands. A failing {@code before} trigger still fails
 * the transaction, as it does without ha4neo.
 */
public final class GatedTriggerListener implements TransactionEventListener<Object> {
    /** Where a part sits in the listener list, and which callbacks it forwards. */
    public enum Part {
        BEFORE, AFTER
    }

    /** The state of a transaction APOC does not see. */
    private static final Object SKIPPED = new Object();

    /** The state of a transaction APOC sees, wrapping APOC's own state. */
    private record Forwarded(Object state) {
    }

    /** The first part's decision for the transaction committing on this thread. */
    private record Decision(TransactionData data, boolean forward, Object state) {
    }

    private static final ThreadLocal<Decision> DECISION = new ThreadLocal<>();

    private final TransactionEventListener<Object> original;
    private final Part part;
    private final Predicate<TransactionData> forward;
    private final Consumer<RuntimeException> failures;

    @SuppressWarnings("unchecked")
    GatedTriggerListener(TransactionEventListener<?> original, Part part, Predicate<TransactionData> forward,
                         Consumer<RuntimeException> failures) {
        this.original = (TransactionEventListener<Object>) original;
        this.part = part;
        this.forward = forward;
        this.failures = failures;
    }

    /** APOC's handler this listener stands in for. */
    public TransactionEventListener<?> original() {
        return original;
    }

    public Part part() {
        return part;
    }

    /**
     * True when APOC's beforeCommit ran for the transaction of {@code data} on this thread: its {@code before}
     * triggers may have written into it after Neo4j took {@code data}'s snapshot, so a listener called later must read
     * the transaction's state again to see everything it commits.
     */
    public static boolean forwardedBeforeCommit(TransactionData data) {
        Decision d = DECISION.get();
        return d != null && d.data() == data && d.forward();
    }

    /**
     * True when the first part ran for the transaction of {@code data} on this thread. A listener later in the list
     * that finds it false knows that this transaction's listener list holds no stand-in: either no APOC handler at all
     * or an ungated one ({@link TriggerGate#refusal}).
     */
    public static boolean decided(TransactionData data) {
        Decision d = DECISION.get();
        return d != null && d.data() == data;
    }

    @Override
    public Object beforeCommit(TransactionData data, Transaction transaction, GraphDatabaseService db)
            throws Exception {
        return part == Part.BEFORE ? decideAndForward(data, transaction, db) : takeDecision(data);
    }

    private Object decideAndForward(TransactionData data, Transaction transaction, GraphDatabaseService db)
            throws Exception {
        DECISION.remove();
        if (!forward.test(data)) {
            DECISION.set(new Decision(data, false, null));
            return null;
        }
        DECISION.set(new Decision(data, true, null)); // if APOC throws, the second part still forwards the rollback
        DECISION.set(new Decision(data, true, original.beforeCommit(data, transaction, db)));
        return null;
    }

    /** The second part: the first part's decision for this transaction (decided now if it had none). */
    private Object takeDecision(TransactionData data) {
        Decision d = DECISION.get();
        DECISION.remove();
        boolean forwarded = d != null && d.data() == data ? d.forward() : forward.test(data);
        return forwarded ? new Forwarded(d != null && d.data() == data ? d.state() : null) : SKIPPED;
    }

    @Override
    public void afterCommit(TransactionData data, Object state, GraphDatabaseService db) {
        if (part == Part.BEFORE) {
            DECISION.remove(); // normally taken by the second part already; never left behind on this thread
            return;
        }
        if (state instanceof Forwarded f) {
            try {
                original.afterCommit(data, f.state(), db);
            } catch (RuntimeException e) {
                failures.accept(e);
            }
        }
    }

    @Override
    public void afterRollback(TransactionData data, Object state, GraphDatabaseService db) {
        if (part == Part.BEFORE) {
            DECISION.remove(); // the second part was not reached (its beforeCommit never ran) or has taken it
            if (TriggerGate.isApocTriggerTransaction(data)) {
                // APOC discards the outcome of its afterAsync transactions: without this line nobody would know
                failures.accept(new IllegalStateException("a transaction APOC ran for an after, afterAsync or "
                        + "rollback trigger rolled back (thread " + Thread.currentThread().getName() + "): that "
                        + "trigger's effects are lost"));
            }
            return;
        }
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
        return "ha4neo role gate (" + part + " part) for " + original;
    }
}
