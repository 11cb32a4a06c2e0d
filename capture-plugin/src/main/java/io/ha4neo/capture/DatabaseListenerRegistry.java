package io.ha4neo.capture;

import io.ha4neo.capture.standby.GatedTriggerListener;
import io.ha4neo.capture.standby.TriggerGate;
import java.lang.reflect.Field;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.neo4j.graphdb.event.TransactionEventListener;
import org.neo4j.kernel.availability.AvailabilityListener;
import org.neo4j.kernel.availability.DatabaseAvailabilityGuard;
import org.neo4j.kernel.internal.GraphDatabaseAPI;
import org.neo4j.kernel.internal.event.GlobalTransactionEventListeners;

/**
 * The kernel seam of the {@link TriggerGate}: one database's transaction event listeners as Neo4j keeps them
 * ({@link GlobalTransactionEventListeners}, internal API, the same in 5.26 and 2025.x), and the database's
 * availability, which tells the gate when APOC has registered its handler at start-up and when the database stops.
 *
 * <p>A rearrangement is atomic where it can be: Neo4j 5.26's {@code DefaultGlobalTransactionEventListeners} keeps
 * each database's listeners in a copy-on-write list inside a {@code ConcurrentHashMap}, and every commit copies that
 * list once in beforeCommit. Replacing the list in one {@code compute} means a commit sees either APOC's handler or
 * its stand-in, never both (its triggers would fire twice on a primary) and never neither (they would not fire), and
 * it can put the stand-in's first part at the front, which the public API cannot. Where that field does not exist
 * (another Neo4j version), it falls back to unregister and register calls: a commit between two of them would run
 * without APOC's triggers, and both parts end up last.
 */
final class DatabaseListenerRegistry implements TriggerGate.Registry {
    private final String database;
    private final GlobalTransactionEventListeners listeners;
    /** Neo4j's map of database name to listener list, or null when it cannot be reached (fallback swap). */
    private final Map<String, List<TransactionEventListener<?>>> byDatabase;

    DatabaseListenerRegistry(GraphDatabaseAPI db) {
        this.database = db.databaseName();
        this.listeners = db.getDependencyResolver().resolveDependency(GlobalTransactionEventListeners.class);
        this.byDatabase = listenerMap(listeners);
    }

    /** Calls {@code available} whenever the database becomes available and {@code unavailable} when it stops being so. */
    static void onAvailability(GraphDatabaseAPI db, Runnable available, Runnable unavailable) {
        db.getDependencyResolver().resolveDependency(DatabaseAvailabilityGuard.class).addListener(
                new AvailabilityListener() {
                    @Override
                    public void available() {
                        available.run();
                    }

                    @Override
                    public void unavailable() {
                        unavailable.run();
                    }
                });
    }

    @Override
    public List<TransactionEventListener<?>> registered() {
        return List.copyOf(listeners.getDatabaseTransactionEventListeners(database));
    }

    @Override
    public void rearrange(List<TransactionEventListener<?>> remove, TransactionEventListener<?> first,
                          TransactionEventListener<?> last) {
        if (byDatabase == null) {
            rearrangeThroughPublicMethods(remove, first, last);
            return;
        }
        byDatabase.computeIfPresent(database, (name, list) -> new GateAwareList(
                TriggerListOrder.rearranged(list, remove, first, last)));
    }

    @Override
    public boolean putsFirst() {
        return byDatabase != null;
    }

    /** Not atomic: a commit between two of these calls runs with the list half changed. */
    private void rearrangeThroughPublicMethods(List<TransactionEventListener<?>> remove,
                                               TransactionEventListener<?> first, TransactionEventListener<?> last) {
        for (TransactionEventListener<?> l : remove) {
            if (registered().stream().anyMatch(r -> r == l)) {
                listeners.unregisterTransactionEventListener(database, l);
            }
        }
        for (TransactionEventListener<?> l : java.util.Arrays.asList(first, last)) {
            if (l != null) {
                listeners.registerTransactionEventListener(database, l); // appended: the public API has no front
            }
        }
    }

    /**
     * The list the gate puts in Neo4j's map. APOC unregisters its handler when its last trigger is dropped and when the
     * database stops, and Neo4j throws when the handler is not in the list ({@code List.remove} by the handler's own
     * identity): this list then removes the handler's stand-in parts instead, in one step, and reports success. Neo4j
     * keeps using it for later registrations, so APOC registering its handler again simply appends it (gated by the
     * next sweep).
     */
    static final class GateAwareList extends CopyOnWriteArrayList<TransactionEventListener<?>> {
        GateAwareList(List<TransactionEventListener<?>> listeners) {
            super(listeners);
        }

        @Override
        public boolean remove(Object listener) {
            if (super.remove(listener)) {
                return true;
            }
            List<TransactionEventListener<?>> parts = stream().filter(l -> l instanceof GatedTriggerListener g
                    && g.original() == listener).toList();
            return !parts.isEmpty() && removeAll(parts);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, List<TransactionEventListener<?>>> listenerMap(GlobalTransactionEventListeners global) {
        try {
            Field f = global.getClass().getDeclaredField("globalTransactionEventListeners");
            f.setAccessible(true);
            Object map = f.get(global);
            return map instanceof java.util.concurrent.ConcurrentHashMap<?, ?> m
                    ? (Map<String, List<TransactionEventListener<?>>>) m : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
