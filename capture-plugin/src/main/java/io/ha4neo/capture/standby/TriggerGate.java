package io.ha4neo.capture.standby;

import io.ha4neo.schemas.topology.Role;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.neo4j.graphdb.event.TransactionData;
import org.neo4j.graphdb.event.TransactionEventListener;

/**
 * Keeps APOC's triggers ({@code apoc.trigger.*}) from firing for the transactions a standby applies, while they fire
 * as usual on the primary (docs/apoc-triggers.md).
 *
 * <p>APOC registers one {@code apoc.trigger.TriggerHandler} per database as an ordinary transaction event listener,
 * whenever that database has triggers. The gate swaps each such handler it finds in the database's listener list for a
 * {@link GatedTriggerListener}, which forwards to it only while {@link TriggerForwarding} says so (this member is the
 * primary). The swap appends the stand-in at the end of the list, after the write guard and capture, so APOC's
 * {@code after} triggers (a new transaction started inside afterCommit) run once ha4neo is done with the committing
 * transaction. APOC is found by class name: the plugin has no compile-time dependency on it, and without APOC the gate
 * never finds anything and logs nothing.
 *
 * <p>When it sweeps: when the database becomes available (APOC has registered at its start by then), on every role
 * change, and in the write guard before each transaction the applier writes to a standby ({@link #applierRefusal}),
 * which is what makes the standby safe against a handler APOC registers at any later time (its refresh job runs
 * every {@code apoc.trigger.refresh} ms). On the database's stop, {@link #restore} puts APOC's handlers back, so that
 * APOC's own unregister finds them.
 *
 * <p>Thread safety: every method is synchronized on the gate; the registry calls it makes are short and take no
 * other lock of the plugin.
 */
public final class TriggerGate {
    /** The class of APOC's trigger handler (APOC core 5.x), matched by name. */
    public static final String APOC_TRIGGER_HANDLER = "apoc.trigger.TriggerHandler";

    /** The database's transaction event listeners, as Neo4j keeps them (a kernel seam in the root package). */
    public interface Registry {
        /** The listeners registered for the database now, in the order Neo4j calls them. */
        List<TransactionEventListener<?>> registered();

        /**
         * Removes {@code old} (if registered) and appends {@code replacement} (unless registered already), in one step
         * when the registry allows it, so that no transaction sees neither or both.
         */
        void swap(TransactionEventListener<?> old, TransactionEventListener<?> replacement);
    }

    private final String database;
    private final Registry registry;
    private final Supplier<Role> role;
    private final Consumer<String> info;
    private final Consumer<String> warn;
    /** APOC's handlers and their stand-ins, by identity (APOC keeps one handler per database lifecycle). */
    private final Map<TransactionEventListener<?>, GatedTriggerListener> gated = new IdentityHashMap<>();
    /** How many times a handler of APOC's was found registered ungated. */
    private long swaps;
    /** {@link #swaps} when the applier last wrote. */
    private long swapsSeenByApplier;

    public TriggerGate(String database, Registry registry, Supplier<Role> role, Consumer<String> info,
                       Consumer<String> warn) {
        this.database = database;
        this.registry = registry;
        this.role = role;
        this.info = info;
        this.warn = warn;
    }

    /** Gates every ungated APOC trigger handler of the database; returns how many it found. */
    public synchronized int sweep() {
        int found = 0;
        for (TransactionEventListener<?> l : registry.registered()) {
            if (l.getClass().getName().equals(APOC_TRIGGER_HANDLER)) {
                GatedTriggerListener stand = gated.computeIfAbsent(l, this::standIn);
                registry.swap(l, stand);
                found++;
            }
        }
        if (found > 0) {
            swaps += found;
            info.accept("ha4neo: gated APOC's trigger handler on database '" + database + "': its triggers fire only "
                    + "while this member is the primary (now " + role.get() + "), never for the transactions a "
                    + "standby applies");
        }
        return found;
    }

    /**
     * Moves the stand-ins to the end of the listener list again: after a promotion, capture's listener was
     * registered after them. Call it while client writes are still refused.
     */
    public synchronized void moveToEnd() {
        List<TransactionEventListener<?>> now = registry.registered();
        for (GatedTriggerListener stand : gated.values()) {
            if (now.stream().anyMatch(l -> l == stand)) {
                registry.swap(stand, stand);
            }
        }
    }

    /**
     * For the write guard, before a transaction of the applier's commits on a standby: gates any handler APOC has
     * registered since, and returns why the transaction must be retried when one was found since the applier's last
     * write (that transaction may have been handed APOC's handler itself), or null.
     */
    public synchronized String applierRefusal() {
        sweep();
        if (swaps == swapsSeenByApplier) {
            return null;
        }
        swapsSeenByApplier = swaps;
        return "APOC's trigger handler was registered on database '" + database + "' and has just been gated (its "
                + "triggers must not fire for applied transactions); retry the transaction";
    }

    /** Puts APOC's own handlers back in place of the stand-ins (the database stops). Idempotent. */
    public synchronized void restore() {
        List<TransactionEventListener<?>> now = registry.registered();
        gated.forEach((handler, stand) -> {
            if (now.stream().anyMatch(l -> l == stand)) {
                registry.swap(stand, handler);
            }
        });
        gated.clear();
    }

    private GatedTriggerListener standIn(TransactionEventListener<?> handler) {
        return new GatedTriggerListener(handler, this::forward, e -> warn.accept("ha4neo: an APOC trigger failed "
                + "after a commit on database '" + database + "'; the transaction stays committed: " + e));
    }

    private boolean forward(TransactionData data) {
        return TriggerForwarding.forward(role.get(), WriteGuard.isInternalWrite(), WriteGuard.isApplierTagged(data));
    }
}
