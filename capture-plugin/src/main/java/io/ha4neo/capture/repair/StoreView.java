package io.ha4neo.capture.repair;

import io.ha4neo.schemas.event.NodeCreated;
import io.ha4neo.schemas.event.RelationshipCreated;
import java.util.Optional;

/**
 * What a repair reads from the primary's store as it is now (at start-up, before client writes: the state after the
 * last committed transaction). Ids are the store's internal ids, as the transaction log names them. The kernel-side
 * implementation is {@code io.ha4neo.capture.StoreRepairView}.
 */
public interface StoreView {
    /**
     * The complete image of the node with {@code id} (key, user labels, user properties) if it exists and is no
     * bookkeeping node; empty otherwise.
     */
    Optional<NodeCreated> node(long id);

    /** The complete image of the relationship with {@code id} (key, type, endpoint keys, user properties), if any. */
    Optional<RelationshipCreated> relationship(long id);

    /** The replication key of the live node with {@code id}, if it exists (bookkeeping nodes included). */
    Optional<String> nodeKey(long id);

    /** The elementId a node with {@code id} has (or had) in this database: the key of a native node. */
    String nodeElementId(long id);

    /** The elementId a relationship with {@code id} has (or had) in this database. */
    String relationshipElementId(long id);

    /** The name of relationship type {@code typeId}. */
    String relationshipTypeName(int typeId);
}
