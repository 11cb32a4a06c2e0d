package io.ha4neo.capture.mapping;

import io.ha4neo.schemas.event.BootstrapMark;
import io.ha4neo.schemas.event.LabelChange;
import io.ha4neo.schemas.event.NodeCreated;
import io.ha4neo.schemas.event.NodeDeleted;
import io.ha4neo.schemas.event.NodePropertyChange;
import io.ha4neo.schemas.event.RelationshipCreated;
import io.ha4neo.schemas.event.RelationshipDeleted;
import io.ha4neo.schemas.event.RelationshipPropertyChange;
import io.ha4neo.schemas.event.SchemaChange;
import io.ha4neo.schemas.event.TransactionEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What one transaction changed, captured in beforeCommit while the after-state is still readable. The commit
 * id and commit time are only known in afterCommit, and the chain link (previous commit id) only when the
 * sequencer puts the transaction in order; {@link #toEvent} adds them.
 *
 * <p>A bootstrap event (docs/bootstrap.md) is a commit whose only write is ha4neo's progress record, which the mapper
 * leaves out; what makes it an event is its {@link BootstrapMark} and images, attached by the procedure that commits it
 * ({@link #attachBootstrap}). It is never empty.
 */
public final class CapturedChanges {
    final List<NodeCreated> createdNodes = new ArrayList<>();
    final List<NodeDeleted> deletedNodes = new ArrayList<>();
    final List<LabelChange> labelChanges = new ArrayList<>();
    final List<NodePropertyChange> nodePropertyChanges = new ArrayList<>();
    final List<RelationshipCreated> createdRelationships = new ArrayList<>();
    final List<RelationshipDeleted> deletedRelationships = new ArrayList<>();
    final List<RelationshipPropertyChange> relationshipPropertyChanges = new ArrayList<>();
    final List<SchemaChange> schemaChanges = new ArrayList<>();
    private BootstrapMark bootstrap;
    private final List<NodeCreated> bootstrapNodes = new ArrayList<>();
    private final List<RelationshipCreated> bootstrapRelationships = new ArrayList<>();
    private String username = "";
    private Map<String, String> metadata = Map.of();

    /**
     * True when nothing replicable changed (token-only transactions, changes that cancel out, writes of bookkeeping
     * nodes only) and no bootstrap mark is attached.
     */
    public boolean isEmpty() {
        return bootstrap == null && createdNodes.isEmpty() && deletedNodes.isEmpty() && labelChanges.isEmpty()
                && nodePropertyChanges.isEmpty() && createdRelationships.isEmpty() && deletedRelationships.isEmpty()
                && relationshipPropertyChanges.isEmpty() && schemaChanges.isEmpty();
    }

    void identity(String username, Map<String, String> metadata) {
        this.username = username == null ? "" : username;
        this.metadata = metadata;
    }

    /** Adds schema changes found in the kernel transaction state. */
    public void addSchemaChanges(List<SchemaChange> changes) {
        schemaChanges.addAll(changes);
    }

    /**
     * Makes this transaction an event of a bootstrap run: its mark, the begin's schema (CREATE entries) and a chunk's
     * images. The event model refuses ordinary changes beside them ({@link TransactionEvent}).
     */
    public void attachBootstrap(BootstrapMark mark, List<SchemaChange> schema, List<NodeCreated> nodes,
                                List<RelationshipCreated> relationships) {
        this.bootstrap = java.util.Objects.requireNonNull(mark, "mark");
        schemaChanges.addAll(schema);
        bootstrapNodes.addAll(nodes);
        bootstrapRelationships.addAll(relationships);
    }

    /** True when a bootstrap mark is attached. */
    public boolean isBootstrap() {
        return bootstrap != null;
    }

    /** The complete event once the commit is placed in the chain. */
    public TransactionEvent toEvent(long commitId, long previousCommitId, long commitTimeMillis, String clusterId,
                                    long epoch, String database) {
        return new TransactionEvent(commitId, previousCommitId, commitTimeMillis, clusterId, epoch, database,
                username, metadata, createdNodes, deletedNodes, labelChanges, nodePropertyChanges,
                createdRelationships, deletedRelationships, relationshipPropertyChanges, schemaChanges, 0, 1, null,
                null, null, null, bootstrap, bootstrapNodes, bootstrapRelationships, null);
    }
}
