package io.ha4neo.capture;

import io.ha4neo.schemas.event.StoreContent;
import io.ha4neo.schemas.topology.ReservedNames;
import java.util.Iterator;
import java.util.function.Predicate;
import org.neo4j.internal.schema.ConstraintDescriptor;
import org.neo4j.internal.schema.IndexDescriptor;
import org.neo4j.internal.schema.IndexType;
import org.neo4j.io.pagecache.context.CursorContext;
import org.neo4j.kernel.internal.GraphDatabaseAPI;
import org.neo4j.storageengine.api.StorageEngine;
import org.neo4j.storageengine.api.StorageReader;
import org.neo4j.token.TokenHolders;
import org.neo4j.token.api.TokenConstants;

/**
 * Counts what a store holds of user data ({@link StoreContent}, by its rules), for the log's baseline when capture
 * first starts on a database, and for the totals of a bootstrap run's begin.
 *
 * <p>It reads the storage engine, not a transaction: capture first starts inside the database's own start-up (a
 * database extension's {@code start()}), where the database accepts no transaction yet, and the baseline must be
 * counted before the first commit after it. By then Neo4j has recovered the store and loaded its tokens and schema
 * rules (the storage engine's schema-and-tokens lifecycle runs at init, before any component starts). Nodes and
 * relationships come from the counts store, indexes and constraints from the schema cache, so the cost does not
 * grow with the store.
 */
final class StoreContentReader {
    private StoreContentReader() {
    }

    /** What {@code database}'s store holds of user data now. */
    static StoreContent read(GraphDatabaseAPI database) {
        StorageEngine engine = database.getDependencyResolver().resolveDependency(StorageEngine.class);
        TokenHolders tokens = database.getDependencyResolver().resolveDependency(TokenHolders.class);
        try (StorageReader reader = engine.newReader()) {
            long nodes = reader.countsForNode(TokenConstants.ANY_LABEL, CursorContext.NULL_CONTEXT);
            for (String bookkeeping : ReservedNames.BOOKKEEPING_LABELS) { // watermark, skip records, bootstrap runs
                nodes -= nodesLabelled(reader, tokens, bookkeeping);
            }
            // the counts store, exact (StorageReader.relationshipsGetCount is an estimate from the store's high id)
            long relationships = reader.countsForRelationship(TokenConstants.ANY_LABEL,
                    TokenConstants.ANY_RELATIONSHIP_TYPE, TokenConstants.ANY_LABEL, CursorContext.NULL_CONTEXT);
            long indexes = count(reader.indexesGetAll(), StoreContentReader::isUserIndex);
            long constraints = count(reader.constraintsGetAll(), c -> !ReservedNames.isReserved(c.getName()));
            return new StoreContent(Math.max(0, nodes), relationships, indexes, constraints);
        }
    }

    /** Token lookup indexes exist in every store, and a constraint's own index is counted as the constraint. */
    private static boolean isUserIndex(IndexDescriptor index) {
        return index.getIndexType() != IndexType.LOOKUP && index.getOwningConstraintId().isEmpty()
                && !ReservedNames.isReserved(index.getName());
    }

    private static long nodesLabelled(StorageReader reader, TokenHolders tokens, String label) {
        int id = tokens.labelTokens().getIdByName(label);
        return id == TokenConstants.NO_TOKEN ? 0 : reader.countsForNode(id, CursorContext.NULL_CONTEXT);
    }

    private static <T> long count(Iterator<T> items, Predicate<T> counted) {
        long n = 0;
        while (items.hasNext()) {
            if (counted.test(items.next())) {
                n++;
            }
        }
        return n;
    }
}
