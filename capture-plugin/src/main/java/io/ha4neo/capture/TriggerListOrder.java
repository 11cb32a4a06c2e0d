package io.ha4neo.capture;

import java.util.ArrayList;
import java.util.List;
import org.neo4j.graphdb.event.TransactionEventListener;

/** The listener list after a rearrangement of the trigger gate (pure, {@code TriggerListOrderTest}). */
final class TriggerListOrder {
    private TriggerListOrder() {
    }

    /**
     * {@code list} without {@code remove} (by identity), with {@code first} (unless null) at the front and
     * {@code last} (unless null) at the end.
     */
    static List<TransactionEventListener<?>> rearranged(List<TransactionEventListener<?>> list,
                                                       List<TransactionEventListener<?>> remove,
                                                       TransactionEventListener<?> first,
                                                       TransactionEventListener<?> last) {
        List<TransactionEventListener<?>> next = new ArrayList<>();
        if (first != null) {
            next.add(first);
        }
        for (TransactionEventListener<?> l : list) {
            if (remove.stream().noneMatch(r -> r == l) && l != first && l != last) {
                next.add(l);
            }
        }
        if (last != null) {
            next.add(last);
        }
        return next;
    }
}
