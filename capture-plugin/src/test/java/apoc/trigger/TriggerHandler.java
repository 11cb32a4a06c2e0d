package apoc.trigger;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Transaction;
import org.neo4j.graphdb.event.TransactionData;
import org.neo4j.graphdb.event.TransactionEventListener;

/**
 * Test fixture with the class name of APOC's trigger handler (the trigger gate finds APOC by that name): it records
 * which callbacks it received, and fails an afterCommit when told to. Not APOC's code.
 */
public class TriggerHandler implements TransactionEventListener<Void> {
    public final List<String> calls = new CopyOnWriteArrayList<>();
    public volatile boolean failAfterCommit;

    @Override
    public Void beforeCommit(TransactionData data, Transaction transaction, GraphDatabaseService db) {
        calls.add("before");
        return null;
    }

    @Override
    public void afterCommit(TransactionData data, Void state, GraphDatabaseService db) {
        calls.add("after");
        if (failAfterCommit) {
            throw new RuntimeException("Error executing triggers {audit=boom}");
        }
    }

    @Override
    public void afterRollback(TransactionData data, Void state, GraphDatabaseService db) {
        calls.add("rollback");
    }
}
