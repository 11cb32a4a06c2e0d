package io.ha4neo.capture.standby;

import static org.assertj.core.api.Assertions.assertThat;

import apoc.trigger.TriggerHandler;
import io.ha4neo.schemas.topology.ReservedNames;
import io.ha4neo.schemas.topology.Role;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.neo4j.graphdb.event.TransactionData;
import org.neo4j.graphdb.event.TransactionEventListener;

/** The gate against an in-memory listener list and a stand-in with APOC's handler's class name. */
class TriggerGateTest {
    private final List<TransactionEventListener<?>> list = new CopyOnWriteArrayList<>();
    private final TriggerGate.Registry registry = new TriggerGate.Registry() {
        @Override
        public List<TransactionEventListener<?>> registered() {
            return List.copyOf(list);
        }

        @Override
        public void swap(TransactionEventListener<?> old, TransactionEventListener<?> replacement) {
            list.removeIf(l -> l == old);
            if (list.stream().noneMatch(l -> l == replacement)) {
                list.add(replacement);
            }
        }
    };
    private volatile Role role = Role.PRIMARY;
    private final List<String> infos = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final TriggerGate gate = new TriggerGate("neo4j", registry, () -> role, infos::add, warnings::add);
    private final TransactionEventListener<?> guard = new org.neo4j.graphdb.event.TransactionEventListenerAdapter<>();
    private final TriggerHandler apoc = new TriggerHandler();

    @Test
    void aSweepPutsAStandInForApocsHandlerAtTheEndOfTheListAndSaysSoOnce() {
        list.add(apoc);
        list.add(guard);

        assertThat(gate.sweep()).isEqualTo(1);
        assertThat(gate.sweep()).isZero();

        assertThat(list).hasSize(2);
        assertThat(list.get(0)).isSameAs(guard);
        assertThat(list.get(1)).isInstanceOfSatisfying(GatedTriggerListener.class,
                g -> assertThat(g.original()).isSameAs(apoc));
        assertThat(infos).hasSize(1).first().asString().contains("gated APOC's trigger handler on database 'neo4j'");
    }

    @Test
    void withoutApocNothingChangesAndNothingIsLogged() {
        list.add(guard);
        assertThat(gate.sweep()).isZero();
        assertThat(gate.applierRefusal()).isNull();
        gate.restore();
        assertThat(list).containsExactly(guard);
        assertThat(infos).isEmpty();
    }

    @Test
    void onAPrimaryEveryCallbackIsForwardedAndOnAStandbyNone() throws Exception {
        list.add(apoc);
        gate.sweep();
        TransactionEventListener<Object> stand = standIn();

        commit(stand, data(Map.of()));
        role = Role.STANDBY;
        commit(stand, data(Map.of()));
        rollback(stand, data(Map.of()));

        assertThat(apoc.calls).containsExactly("before", "after");
    }

    @Test
    void theDecisionOfBeforeCommitHoldsForTheWholeTransactionWhenTheRoleChangesMidway() throws Exception {
        list.add(apoc);
        gate.sweep();
        TransactionEventListener<Object> stand = standIn();
        TransactionData d = data(Map.of());

        Object state = stand.beforeCommit(d, null, null);
        role = Role.STANDBY;
        stand.afterCommit(d, state, null);
        Object skipped = stand.beforeCommit(d, null, null);
        role = Role.PRIMARY;
        stand.afterCommit(d, skipped, null);

        assertThat(apoc.calls).containsExactly("before", "after");
    }

    @Test
    void applierTaggedTransactionsAndThePluginsOwnWritesAreNeverForwarded() throws Exception {
        list.add(apoc);
        gate.sweep();
        TransactionEventListener<Object> stand = standIn();

        commit(stand, data(Map.of(ReservedNames.APPLIER_METADATA_KEY, ReservedNames.APPLIER_TAG_VALUE)));
        WriteGuard.internally(() -> {
            try {
                commit(stand, data(Map.of()));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        assertThat(apoc.calls).isEmpty();
    }

    @Test
    void aFailingAfterCommitTriggerIsLoggedAndNeverThrown() throws Exception {
        list.add(apoc);
        gate.sweep();
        apoc.failAfterCommit = true;

        commit(standIn(), data(Map.of()));

        assertThat(warnings).hasSize(1).first().asString().contains("stays committed").contains("boom");
    }

    @Test
    void theApplierRetriesOnceAfterAHandlerWasGatedAndNotAgainUntilApocRegistersAnother() {
        role = Role.STANDBY;
        assertThat(gate.applierRefusal()).isNull();
        list.add(apoc); // APOC's refresh job registers its handler between two applier transactions

        assertThat(gate.applierRefusal()).contains("retry");
        assertThat(gate.applierRefusal()).isNull();
        assertThat(list).singleElement().isInstanceOf(GatedTriggerListener.class);

        list.add(apoc); // APOC registers again (its unregister found the stand-in, not the handler)
        assertThat(gate.applierRefusal()).contains("retry");
        assertThat(list).singleElement().isInstanceOf(GatedTriggerListener.class);
    }

    @Test
    void restorePutsApocsOwnHandlerBackSoThatApocCanUnregisterIt() {
        list.add(guard);
        list.add(apoc);
        gate.sweep();

        gate.restore();
        gate.restore();

        assertThat(list).containsExactly(guard, apoc);
    }

    @Test
    void moveToEndPutsTheStandInAfterAListenerRegisteredLater() {
        list.add(apoc);
        gate.sweep();
        list.add(guard); // capture's listener after a promotion

        gate.moveToEnd();

        assertThat(list.get(0)).isSameAs(guard);
        assertThat(list.get(1)).isInstanceOf(GatedTriggerListener.class);
    }

    @SuppressWarnings("unchecked")
    private TransactionEventListener<Object> standIn() {
        return (TransactionEventListener<Object>) list.stream().filter(l -> l instanceof GatedTriggerListener)
                .findFirst().orElseThrow();
    }

    private static void commit(TransactionEventListener<Object> l, TransactionData d) throws Exception {
        l.afterCommit(d, l.beforeCommit(d, null, null), null);
    }

    private static void rollback(TransactionEventListener<Object> l, TransactionData d) throws Exception {
        l.afterRollback(d, l.beforeCommit(d, null, null), null);
    }

    private static TransactionData data(Map<String, Object> metaData) {
        return (TransactionData) Proxy.newProxyInstance(TriggerGateTest.class.getClassLoader(),
                new Class<?>[] {TransactionData.class}, (proxy, method, args) -> {
                    if (method.getName().equals("metaData")) {
                        return metaData;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
