package io.ha4neo.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.neo4j.graphdb.event.TransactionEventListener;
import org.neo4j.graphdb.event.TransactionEventListenerAdapter;

class TriggerListOrderTest {
    private final TransactionEventListener<?> guard = new TransactionEventListenerAdapter<>();
    private final TransactionEventListener<?> capture = new TransactionEventListenerAdapter<>();
    private final TransactionEventListener<?> apoc = new TransactionEventListenerAdapter<>();
    private final TransactionEventListener<?> first = new TransactionEventListenerAdapter<>();
    private final TransactionEventListener<?> last = new TransactionEventListenerAdapter<>();

    @Test
    void apocsHandlerIsReplacedByTheFirstPartAtTheFrontAndTheLastPartAtTheEnd() {
        assertThat(TriggerListOrder.rearranged(List.of(apoc, guard, capture), List.of(apoc), first, last))
                .containsExactly(first, guard, capture, last);
    }

    @Test
    void partsAlreadyInTheListMoveInsteadOfAppearingTwice() {
        assertThat(TriggerListOrder.rearranged(List.of(first, guard, last, capture), List.of(first, last), first, last))
                .containsExactly(first, guard, capture, last);
    }

    @Test
    void restoringPutsApocsHandlerLastAndDropsBothParts() {
        assertThat(TriggerListOrder.rearranged(List.of(first, guard, capture, last), List.of(first, last), null, apoc))
                .containsExactly(guard, capture, apoc);
    }

    @Test
    void listenersAreComparedByIdentityNotByEquals() {
        TransactionEventListener<?> equalToEverything = new TransactionEventListenerAdapter<>() {
            @Override
            public boolean equals(Object o) {
                return true;
            }

            @Override
            public int hashCode() {
                return 0;
            }
        };
        assertThat(TriggerListOrder.rearranged(List.of(equalToEverything, apoc), List.of(apoc), first, last))
                .containsExactly(first, equalToEverything, last);
    }
}
