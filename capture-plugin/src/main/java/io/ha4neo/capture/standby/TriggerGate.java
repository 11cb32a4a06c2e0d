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
 * as usual on the primary, and there are replicated exactly once (docs/apoc-triggers.md).
 *
 * <p>APOC registers one {@code apoc.trigger.TriggerHandler} per database as an ordinary transaction event listener,
 * whenever that database has triggers. The gate replaces each such handler it finds in the database's listener list
 * by the two parts of a {@link GatedTriggerListener}: the first at the front of the list (APOC's {@code before}
 * triggers write before the write guard and capture see the transaction), the second at the end (APOC's {@code after}
 * triggers run once capture has handed the commit on). They forward to APOC only while {@link TriggerForwarding} says
 * so. APOC is found by class name: the plugin has no compile-time dependency on it, and without APOC the gate never
 * finds anything and logs nothing.
 *
 * <p>When it sweeps: when the database becomes available (APOC has registered at its start by then), on every role
 * change, and in the write guard before every write ({@link #refusal}), which is what makes both roles safe against a
 * handler APOC registers at any later time (when the first trigger is installed; on other members when its refresh
 * job, every {@code apoc.trigger.refresh} ms, finds it). On the database's stop, {@link #restore} puts APOC's handlers back, so that
 * APOC's own unregister finds them.
 *
 * <p>Thread safety: every method is synchronized on the gate; the registry calls it makes are short and take no
 * other lock of the plugin.
 */
public final class TriggerGate {
    /** The class of APOC's trigger handler (APOC core 5.x), matched by name. */
    public static final String APOC_TRIGGER_HANDLER = "apoc.trigger.TriggerHandler";
    /** The metadata APOC (5.x) sets on the transactions it runs its own triggers in ({@code TriggerHandler}). */
    public static final Map<String, Object> APOC_TRIGGER_METADATA = Map.of("apoc.trigger", true);

    /** The database's transaction event listeners, as Neo4j keeps them (a kernel seam in the root package). */
    public interface Registry {
        /** The listeners registered for the database now, in the order Neo4j calls them. */
        List<TransactionEventListener<?>> registered();

        /**
         * Removes {@code remove} (those registered), then puts {@code first} at the front of the list and
         * {@code last} at its end, in one step where the registry allows it, so that no transaction sees a list in
         * between (it would see APOC's handler twice, or not at all).
         */
        void rearrange(List<TransactionEventListener<?>> remove, TransactionEventListener<?> first,
                       TransactionEventListener<?> last);

        /** False when {@link #rearrange} can only append (its {@code first} then ends up after capture). */
        boolean putsFirst();
    }

    /** The two parts standing in for one handler of APOC's. */
    private record StandIn(GatedTriggerListener before, GatedTriggerListener after) {
    }

    private final String database;
    private final Registry registry;
    private final Supplier<Role> role;
    private final Consumer<String> info;
    private final Consumer<String> warn;
    /** APOC's handlers and their stand-ins, by identity (APOC keeps one handler per database lifecycle). */
    private final Map<TransactionEventListener<?>, StandIn> gated = new IdentityHashMap<>();

    public TriggerGate(String database, Registry registry, Supplier<Role> role, Consumer<String> info,
                       Consumer<String> warn) {
        this.database = database;
        this.registry = registry;
        this.role = role;
        this.info = info;
        this.warn = warn;
    }

    /**
     * Gates every ungated APOC trigger handler of the database; returns how many it found. Takes the gate's lock only
     * when it finds one, so the write guard's call per commit does not serialise commits.
     */
    public int sweep() {
        return registry.registered().stream().anyMatch(TriggerGate::isApocHandler) ? gateFound() : 0;
    }

    private static boolean isApocHandler(TransactionEventListener<?> l) {
        return l.getClass().getName().equals(APOC_TRIGGER_HANDLER);
    }

    private synchronized int gateFound() {
        int found = 0;
        for (TransactionEventListener<?> l : registry.registered()) {
            if (isApocHandler(l)) {
                StandIn s = gated.computeIfAbsent(l, this::standIn);
                registry.rearrange(List.of(l, s.before(), s.after()), s.before(), s.after());
                found++;
            }
        }
        if (found > 0) {
            if (!registry.putsFirst()) {
                warn.accept("ha4neo: APOC's trigger handler on database '" + database + "' could only be appended to "
                        + "the listener list (this Neo4j version's list cannot be rearranged in one step): writes of "
                        + "APOC's before triggers on the primary are not captured");
            }
            info.accept("ha4neo: gated APOC's trigger handler on database '" + database + "': its triggers fire only "
                    + "while this member is the primary (now " + role.get() + "), never for the transactions a "
                    + "standby applies");
        }
        return found;
    }

    /**
     * Puts the stand-ins at the front and the end of the listener list again: after a promotion, capture's listener
     * was registered after them. Call it while client writes are still refused.
     */
    public synchronized void reorder() {
        List<TransactionEventListener<?>> now = registry.registered();
        for (StandIn s : gated.values()) {
            if (now.stream().anyMatch(l -> l == s.after())) {
                registry.rearrange(List.of(s.before(), s.after()), s.before(), s.after());
            }
        }
    }

    /**
     * For the write guard, before a write commits (on a standby: the applier's): null when APOC's triggers are
     * handled for this transaction; otherwise, after gating the handler it found, why the transaction must be retried.
     *
     * <p>Neo4j hands each commit the listener list as it was when the commit began. The stand-in's first part, first in
     * that list, has run before the guard when the list held it. When it has not run and APOC is present, the list
     * holds APOC's handler ungated: on a primary its {@code before} triggers would write after capture mapped the
     * transaction (they would never reach a standby), on a standby every trigger would fire for an applied
     * transaction. Refusing it once, with a transient status, is safe: the retry gets the gated list. APOC is present
     * when its handler or the stand-in is in the list now; once APOC unregistered its handler (its last trigger was
     * dropped), neither is, and nothing is refused. Without APOC this costs two scans of the (short) list per write.
     */
    public String refusal(TransactionData data) {
        if (GatedTriggerListener.decided(data)) {
            return null;
        }
        boolean apoc = sweep() > 0 || registry.registered().stream().anyMatch(l -> l instanceof GatedTriggerListener);
        if (!apoc || !registry.putsFirst() || isApocTriggerTransaction(data)) {
            // without the front position capture cannot see before triggers' writes anyway (WARN at gating); APOC's own
            // trigger transactions: see isApocTriggerTransaction
            return null;
        }
        String why = "APOC's trigger handler on database '" + database + "' was not gated when this transaction began "
                + "(it was registered just now, e.g. by the first trigger installed); it is gated now: retry the "
                + "transaction";
        info.accept("ha4neo: refused a transaction once (metadata " + data.metaData() + ", thread "
                + Thread.currentThread().getName() + "): " + why);
        return why;
    }

    /**
     * True for a transaction APOC itself runs for an {@code after}, {@code afterAsync} or {@code rollback} trigger
     * (APOC tags it with {@link #APOC_TRIGGER_METADATA}). Such a transaction is never refused: APOC discards the
     * future of an {@code afterAsync} one, so a refusal would lose the trigger's effects without a trace, and APOC does
     * not retry an {@code after} one. The cost: should the transaction's own listener list hold APOC's handler
     * ungated (the moment the first trigger is installed), APOC's {@code before} triggers on a trigger's own writes
     * would write after capture mapped it (docs/apoc-triggers.md).
     */
    static boolean isApocTriggerTransaction(TransactionData data) {
        return APOC_TRIGGER_METADATA.equals(data.metaData());
    }

    /** Puts APOC's own handlers back in place of the stand-ins (the database stops). Idempotent. */
    public synchronized void restore() {
        List<TransactionEventListener<?>> now = registry.registered();
        gated.forEach((handler, s) -> {
            if (now.stream().anyMatch(l -> l == s.after())) {
                registry.rearrange(List.of(s.before(), s.after()), null, handler);
            }
        });
        gated.clear();
    }

    private StandIn standIn(TransactionEventListener<?> handler) {
        Consumer<RuntimeException> failures = e -> warn.accept("ha4neo: an APOC trigger on database '" + database
                + "' failed after its transaction ended (that transaction's commit or rollback stands): " + e);
        return new StandIn(new GatedTriggerListener(handler, GatedTriggerListener.Part.BEFORE, this::forward, failures),
                new GatedTriggerListener(handler, GatedTriggerListener.Part.AFTER, this::forward, failures));
    }

    private boolean forward(TransactionData data) {
        return TriggerForwarding.forward(role.get(), WriteGuard.isInternalWrite(), WriteGuard.isApplierTagged(data));
    }
}
