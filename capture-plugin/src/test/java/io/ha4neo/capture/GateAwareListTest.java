package io.ha4neo.capture;

import static org.assertj.core.api.Assertions.assertThat;

import apoc.trigger.TriggerHandler;
import io.ha4neo.capture.standby.GatedTriggerListener;
import io.ha4neo.capture.standby.TriggerGate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.neo4j.graphdb.event.TransactionEventListener;
import org.neo4j.graphdb.event.TransactionEventListenerAdapter;

/** APOC's own unregister of a handler the gate replaced, against the list the gate puts in Neo4j's map. */
class GateAwareListTest {
    private final TransactionEventListener<?> guard = new TransactionEventListenerAdapter<>();
    private final TriggerHandler apoc = new TriggerHandler();
    private final List<TransactionEventListener<?>> parts = new ArrayList<>();
    private final DatabaseListenerRegistry.GateAwareList list = gated();

    private DatabaseListenerRegistry.GateAwareList gated() {
        DatabaseListenerRegistry.GateAwareList l = new DatabaseListenerRegistry.GateAwareList(new ArrayList<>(
                List.of(apoc, guard)));
        TriggerGate gate = new TriggerGate("neo4j", new TriggerGate.Registry() {
            @Override
            public List<TransactionEventListener<?>> registered() {
                return List.copyOf(l);
            }

            @Override
            public void rearrange(List<TransactionEventListener<?>> remove, TransactionEventListener<?> first,
                                  TransactionEventListener<?> last) {
                List<TransactionEventListener<?>> next = TriggerListOrder.rearranged(l, remove, first, last);
                l.clear();
                l.addAll(next);
            }

            @Override
            public boolean putsFirst() {
                return true;
            }
        }, () -> io.ha4neo.schemas.topology.Role.STANDBY, m -> { }, m -> { });
        gate.sweep();
        l.stream().filter(x -> x instanceof GatedTriggerListener).forEach(parts::add);
        return l;
    }

    @Test
    void apocUnregisteringItsGatedHandlerRemovesBothPartsAndSucceeds() {
        assertThat(parts).hasSize(2);

        assertThat(list.remove(apoc)).isTrue();

        assertThat(list).containsExactly(guard);
    }

    @Test
    void aListenerThatIsNeitherRegisteredNorGatedIsStillNotRemoved() {
        assertThat(list.remove(new TriggerHandler())).isFalse();
        assertThat(list).hasSize(3);
    }

    @Test
    void otherListenersAreRemovedAsUsual() {
        assertThat(list.remove(guard)).isTrue();
        assertThat(list).containsExactlyElementsOf(parts);
    }
}
