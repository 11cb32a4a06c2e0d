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
        public void rearrange(List<TransactionEventListener<?>> remove, TransactionEventListener<?> first,
                              TransactionEventListener<?> last) {
            List<TransactionEventListener<?>> next = new ArrayList<>();
            if (first != null) {
                next.add(first);
            }
            list.stream().filter(l -> remove.stream().noneMatch(r -> r == l) && l != first && l != last)
                    .forEach(next::add);
            if (last != null) {
                next.add(last);
            }
            list.clear();
            list.addAll(next);
        }

        @Override
        public boolean putsFirst() {
            return true;
        }
    };
    private volatile Role role = Role.PRIMARY;
    private final List<String> infos = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final TriggerGate gate = new TriggerGate("neo4j", registry, () -> role, infos::add, warnings::add);
    private final TransactionEventListener<?> guard = new org.neo4j.graphdb.event.TransactionEventListenerAdapter<>();
    private final TriggerHandler apoc = new TriggerHandler();

    @Test
    void aSweepPutsTheStandInsPartsFirstAndLastInTheListAndSaysSoOnce() {
        list.add(apoc);
        list.add(guard);

        assertThat(gate.sweep()).isEqualTo(1);
        assertThat(gate.sweep()).isZero();

        assertThat(list).hasSize(3);
        assertThat(list.get(0)).isInstanceOfSatisfying(GatedTriggerListener.class, g -> {
            assertThat(g.original()).isSameAs(apoc);
            assertThat(g.part()).isEqualTo(GatedTriggerListener.Part.BEFORE);
        });
        assertThat(list.get(1)).isSameAs(guard);
        assertThat(list.get(2)).isInstanceOfSatisfying(GatedTriggerListener.class, g -> {
            assertThat(g.original()).isSameAs(apoc);
            assertThat(g.part()).isEqualTo(GatedTriggerListener.Part.AFTER);
        });
        assertThat(infos).hasSize(1).first().asString().contains("gated APOC's trigger handler on database 'neo4j'");
    }

    @Test
    void withoutApocNothingChangesAndNothingIsLogged() {
        list.add(guard);
        assertThat(gate.sweep()).isZero();
        assertThat(gate.refusal(data(Map.of()))).isNull();
        gate.restore();
        assertThat(list).containsExactly(guard);
        assertThat(infos).isEmpty();
    }

    @Test
    void onAPrimaryEveryCallbackIsForwardedAndOnAStandbyNone() throws Exception {
        list.add(apoc);
        gate.sweep();
        commit(data(Map.of()));
        role = Role.STANDBY;
        commit(data(Map.of()));
        rollback(data(Map.of()));

        assertThat(apoc.calls).containsExactly("before", "after");
    }

    @Test
    void theDecisionOfBeforeCommitHoldsForTheWholeTransactionWhenTheRoleChangesMidway() throws Exception {
        list.add(apoc);
        gate.sweep();
        GatedTriggerListener first = parts().get(0);
        TransactionData d = data(Map.of());

        first.beforeCommit(d, null, null);
        role = Role.STANDBY; // between the two parts' beforeCommit, and before afterCommit
        commitRest(d);
        TransactionData e = data(Map.of());
        first.beforeCommit(e, null, null);
        role = Role.PRIMARY;
        commitRest(e);

        assertThat(apoc.calls).containsExactly("before", "after");
    }

    @Test
    void applierTaggedTransactionsAndThePluginsOwnWritesAreNeverForwarded() throws Exception {
        list.add(apoc);
        gate.sweep();
        commit(data(Map.of(ReservedNames.APPLIER_METADATA_KEY, ReservedNames.APPLIER_TAG_VALUE)));
        WriteGuard.internally(() -> {
            try {
                commit(data(Map.of()));
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

        commit(data(Map.of()));

        assertThat(warnings).hasSize(1).first().asString().contains("failed after its transaction ended", "commit or rollback stands").contains("boom");
    }

    @Test
    void aWriteWhoseListenerListHeldApocsHandlerUngatedIsRefusedOnceAndItsRetryPasses() throws Exception {
        TransactionData before = data(Map.of());
        assertThat(gate.refusal(before)).as("no APOC").isNull();
        list.add(apoc); // APOC registers its handler (first trigger installed, or its refresh job on another member)

        TransactionData handedTheHandler = data(Map.of()); // its list holds APOC's handler: the stand-in never ran
        assertThat(gate.refusal(handedTheHandler)).contains("retry");
        assertThat(list).hasSize(2).allMatch(l -> l instanceof GatedTriggerListener);

        TransactionData retry = data(Map.of());
        parts().get(0).beforeCommit(retry, null, null); // the retry's list holds the stand-in, first
        assertThat(gate.refusal(retry)).isNull();
        commitRest(retry);

        TransactionData listTakenDuringASwap = data(Map.of()); // its list held the handler, swapped since
        assertThat(gate.refusal(listTakenDuringASwap)).as("APOC known, stand-in did not run").contains("retry");
    }

    @Test
    void apocsOwnTriggerTransactionsAreNeverRefusedBecauseApocWouldDropThemSilently() {
        list.add(apoc);
        TransactionData afterAsync = data(Map.of("apoc.trigger", true)); // APOC's afterAsync transaction, list ungated
        assertThat(gate.refusal(afterAsync)).isNull();
        assertThat(list).as("the handler is still gated for the next transaction").hasSize(2)
                .allMatch(l -> l instanceof GatedTriggerListener);

        TransactionData client = data(Map.of("apoc.trigger", true, "app", "x")); // not APOC's exact tag
        list.add(apoc);
        assertThat(gate.refusal(client)).contains("retry");
    }

    @Test
    void aRolledBackTriggerTransactionOfApocsIsReportedBecauseApocDiscardsItsAfterAsyncOutcome() throws Exception {
        list.add(apoc);
        gate.sweep();

        rollback(data(Map.of())); // a client's: its rollback is the client's to see
        assertThat(warnings).isEmpty();

        rollback(data(Map.of("apoc.trigger", true)));
        assertThat(warnings).singleElement().asString().contains("rolled back", "effects are lost");
    }

    @Test
    void apocRegisteringItsHandlerAgainIsGatedWithoutASecondStandIn() {
        list.add(apoc);
        gate.sweep();
        list.add(apoc); // APOC registers again (its unregister found the stand-in, not the handler)

        assertThat(gate.sweep()).isEqualTo(1);
        assertThat(list).hasSize(2).allMatch(l -> l instanceof GatedTriggerListener);
    }

    @Test
    void restorePutsApocsOwnHandlerBackSoThatApocCanUnregisterIt() {
        list.add(guard);
        list.add(apoc);
        gate.sweep();

        gate.restore();
        gate.restore();

        assertThat(list).containsExactly(guard, apoc);
        assertThat(gate.refusal(data(Map.of()))).as("after restore, refusals would find the handler again")
                .contains("retry");
    }

    @Test
    void onceApocUnregisteredItsHandlerNothingIsRefused() {
        list.add(apoc);
        gate.sweep();

        list.clear(); // APOC's unregister removed both parts (the last trigger was dropped)

        assertThat(gate.refusal(data(Map.of()))).isNull();
    }

    @Test
    void reorderPutsTheStandInsPartsAroundAListenerRegisteredLater() {
        list.add(apoc);
        gate.sweep();
        list.add(guard); // capture's listener after a promotion

        gate.reorder();

        assertThat(list).hasSize(3);
        assertThat(list.get(1)).isSameAs(guard);
        assertThat(((GatedTriggerListener) list.get(2)).part()).isEqualTo(GatedTriggerListener.Part.AFTER);
    }

    @Test
    void theFirstPartTellsLaterListenersThatApocMayHaveWrittenIntoTheTransaction() throws Exception {
        list.add(apoc);
        gate.sweep();
        TransactionData d = data(Map.of());
        GatedTriggerListener first = (GatedTriggerListener) list.get(0);

        first.beforeCommit(d, null, null);
        assertThat(GatedTriggerListener.forwardedBeforeCommit(d)).isTrue();
        assertThat(GatedTriggerListener.forwardedBeforeCommit(data(Map.of()))).as("another transaction").isFalse();
        commitRest(d);
        assertThat(GatedTriggerListener.forwardedBeforeCommit(d)).as("after the commit").isFalse();

        role = Role.STANDBY;
        TransactionData s = data(Map.of());
        first.beforeCommit(s, null, null);
        assertThat(GatedTriggerListener.forwardedBeforeCommit(s)).as("on a standby").isFalse();
    }

    /** Both parts, called in list order as Neo4j calls them. */
    private List<GatedTriggerListener> parts() {
        return list.stream().filter(l -> l instanceof GatedTriggerListener).map(l -> (GatedTriggerListener) l).toList();
    }

    private void commit(TransactionData d) throws Exception {
        List<Object> states = new ArrayList<>();
        for (GatedTriggerListener p : parts()) {
            states.add(p.beforeCommit(d, null, null));
        }
        for (int i = 0; i < parts().size(); i++) {
            parts().get(i).afterCommit(d, states.get(i), null);
        }
    }

    /** The rest of a commit whose first part's beforeCommit ran already. */
    private void commitRest(TransactionData d) throws Exception {
        GatedTriggerListener last = parts().get(1);
        Object state = last.beforeCommit(d, null, null);
        parts().get(0).afterCommit(d, null, null);
        last.afterCommit(d, state, null);
    }

    private void rollback(TransactionData d) throws Exception {
        List<Object> states = new ArrayList<>();
        for (GatedTriggerListener p : parts()) {
            states.add(p.beforeCommit(d, null, null));
        }
        for (int i = 0; i < parts().size(); i++) {
            parts().get(i).afterRollback(d, states.get(i), null);
        }
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
