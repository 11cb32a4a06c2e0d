package io.ha4neo.capture;

import io.ha4neo.capture.rewind.TailRewinder;
import io.ha4neo.capture.rewind.UncapturedCreations;
import io.ha4neo.capture.txlog.TransactionLogException;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.kernel.internal.GraphDatabaseAPI;
import org.neo4j.values.ElementIdMapper;

/**
 * What a former primary's never-captured commits did, read from Neo4j's own transaction log with
 * {@link Neo4j526TransactionLogReader}, for the undo of its divergent tail ({@link UncapturedCreations}); and this
 * store's element ids for the store ids the log names. Used while the member takes no client writes (frozen or
 * fenced), so the log's end does not move under the reader.
 */
final class UncapturedTailLog {
    private UncapturedTailLog() {
    }

    /**
     * @throws UncapturedCreations.NotUndoableException when the log cannot be read for the range (pruned, an
     *         unsupported Neo4j, a record the reader does not know) or the range did more than create entities
     */
    static UncapturedCreations read(GraphDatabaseService db, long first, long last)
            throws UncapturedCreations.NotUndoableException {
        try {
            return UncapturedCreations.of(Neo4j526TransactionLogReader.open(db).read(first, last));
        } catch (TransactionLogException e) {
            throw new UncapturedCreations.NotUndoableException("Neo4j's transaction log cannot say what commit ids "
                    + first + ".." + last + " did: " + e.getMessage(), e);
        }
    }

    static TailRewinder.ElementIds elementIds(GraphDatabaseService db) {
        ElementIdMapper mapper = ((GraphDatabaseAPI) db).getDependencyResolver().resolveDependency(ElementIdMapper.class);
        return new TailRewinder.ElementIds() {
            @Override
            public String node(long id) {
                return mapper.nodeElementId(id);
            }

            @Override
            public String relationship(long id) {
                return mapper.relationshipElementId(id);
            }
        };
    }
}
