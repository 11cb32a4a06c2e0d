package io.ha4neo.capture;

import io.ha4neo.capture.mapping.SchemaChangeMapper;
import io.ha4neo.schemas.event.SchemaChange;
import io.ha4neo.schemas.event.StoreContent;
import java.util.List;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Transaction;
import org.neo4j.internal.id.IdGeneratorFactory;
import org.neo4j.internal.id.IdType;
import org.neo4j.internal.recordstorage.RecordIdType;
import org.neo4j.kernel.impl.coreapi.InternalTransaction;
import org.neo4j.kernel.internal.GraphDatabaseAPI;

/**
 * What the bootstrap procedures need from Neo4j's kernel (internal API, on the plugin's kernel seam): the kernel
 * transaction behind a procedure's inner transaction (the key under which its bootstrap event waits for capture), the
 * highest entity ids handed out, the store's user content and its user schema.
 */
public final class BootstrapKernelAccess {
    private BootstrapKernelAccess() {
    }

    /** The key capture's beforeCommit sees for {@code tx}: its kernel transaction. */
    public static Object transactionKey(Transaction tx) {
        return ((InternalTransaction) tx).kernelTransaction();
    }

    /**
     * The highest node id Neo4j has handed out so far (-1 for none), in-flight transactions' included: every node whose
     * creation committed before this call has an id at most this.
     */
    public static long highestNodeId(GraphDatabaseService db) {
        return highestId(db, RecordIdType.NODE);
    }

    /** Like {@link #highestNodeId}, for relationships. */
    public static long highestRelationshipId(GraphDatabaseService db) {
        return highestId(db, RecordIdType.RELATIONSHIP);
    }

    private static long highestId(GraphDatabaseService db, IdType type) {
        IdGeneratorFactory ids = ((GraphDatabaseAPI) db).getDependencyResolver().resolveDependency(IdGeneratorFactory.class);
        return ids.get(type).getHighId() - 1;
    }

    /** What the store holds of user data now, by the rules of {@link StoreContent} (bookkeeping nodes excluded). */
    public static StoreContent storeContent(GraphDatabaseService db) {
        return StoreContentReader.read((GraphDatabaseAPI) db);
    }

    /** The store's user indexes and constraints as CREATE schema changes, as capture emits them when created. */
    public static List<SchemaChange> userSchema(Transaction tx) {
        return SchemaChangeMapper.existing(((InternalTransaction) tx).kernelTransaction());
    }
}
