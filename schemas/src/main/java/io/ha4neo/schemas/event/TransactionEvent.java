package io.ha4neo.schemas.event;

import java.util.List;
import java.util.Map;

/**
 * One committed transaction of the primary, the unit of the replication log.
 *
 * <p>The log is a chain: {@link #previousCommitId()} is the {@link #commitId()} of the event before this one
 * in the topic (0 for the first event of the log: the {@link CaptureBaseline}, or in a log written before event
 * schema v5 the first transaction). A consumer that has applied commit id
 * {@code w} accepts the next event only if its {@code previousCommitId == w}; anything else is a gap or a
 * duplicate, never something to paper over. Commit ids are Neo4j's own transaction ids, so they increase
 * strictly and are never reused across restarts. Transactions that change no data (token creation,
 * changes that cancel out) have no event, so ids in the chain are increasing but not contiguous.
 *
 * <p>The changes are split by kind. Applying them in this order reproduces the transaction:
 * created nodes, label changes, node property changes, created relationships, relationship property
 * changes, deleted relationships, deleted nodes; schema changes are alone in their own transactions
 * (Neo4j never mixes schema and data writes in one transaction).
 *
 * <p>A large transaction is split by the codec into several chunks with the same header fields and
 * consecutive {@link #chunkIndex()} 0..{@link #chunkCount()}-1; each chunk holds a slice of the change
 * lists. A whole (or reassembled) transaction has chunkIndex 0 and chunkCount 1.
 *
 * @param commitId Neo4j transaction id of this commit on the origin store
 * @param previousCommitId commit id of the previous event in the log, 0 if none
 * @param commitTimeMillis commit time on the origin, epoch milliseconds
 * @param originClusterId the replication cluster (topology) that produced the event
 * @param epoch the epoch of the primary that wrote the event: it starts at {@code ha4neo.epoch} and every promotion
 *              (switchover, failover) starts the next one with an {@link EpochStart} event. An event's place in the
 *              history is ({@code epoch}, {@code commitId}) ({@link ChainPosition}); commit ids of different epochs are
 *              never compared
 * @param database origin database name
 * @param username the user who committed, empty when authentication is off
 * @param metadata the transaction's metadata ({@code TransactionConfig.withMetadata}), values as strings
 * @param createdNodes nodes created, with their full state
 * @param deletedNodes nodes deleted, with their state before deletion (on a repair event possibly only the key)
 * @param labelChanges labels added to or removed from surviving pre-existing nodes
 * @param nodePropertyChanges properties set or removed on surviving pre-existing nodes
 * @param createdRelationships relationships created, with properties
 * @param deletedRelationships relationships deleted, with their properties before deletion (on a repair event
 *                             possibly none)
 * @param relationshipPropertyChanges properties set or removed on surviving pre-existing relationships
 * @param schemaChanges index and constraint creations and drops
 * @param chunkIndex 0-based index of this chunk
 * @param chunkCount number of chunks of this transaction, at least 1
 * @param gap null, except on a gap event: an event with no changes whose commit id is the last of a range of
 *            commit ids that the primary committed but did not capture ({@link CaptureGap}). Consumers stop at it.
 * @param fragment null, except on the chunks of a transaction with a single change too large for one record:
 *                 a slice of the whole event's encoded record value, and no changes ({@link Fragment})
 * @param epochStart null, except on the first event of an epoch ({@link EpochStart}): no changes, not chunked; its
 *                   {@code previousCommitId} is a commit id of {@code epochStart.previousEpoch()}, so it may be larger
 *                   than its own commit id
 * @param baseline null, except on the first event of the log ({@link CaptureBaseline}), written when capture first
 *                 started on the database: no changes, not chunked, {@code previousCommitId} 0; its commit id is the
 *                 store's last commit id then, and it says what the store already held (which the log does not have)
 * @param bootstrap null, except on the events of a bootstrap run ({@link BootstrapMark}): real commits of the primary
 *                  whose only write is ha4neo's progress record. They carry no ordinary changes, except the begin event,
 *                  whose {@code schemaChanges} are the primary's indexes and constraints (creations)
 * @param bootstrapNodes only on a bootstrap chunk or a repair event: complete images of existing nodes, to be upserted
 * @param bootstrapRelationships only on a bootstrap chunk or a repair event: complete images of existing
 *                               relationships, to be upserted
 * @param repair null, except on a repair event ({@link RepairMark}): commit ids {@code repair.firstCommitId()..}
 *               {@code repair.lastCommitId()} (its own commit id) that were committed but not captured, rebuilt from
 *               Neo4j's transaction log and the store. It carries only images ({@code bootstrapNodes},
 *               {@code bootstrapRelationships}) and deletions by key ({@code deletedNodes},
 *               {@code deletedRelationships}), applied idempotently; it may be chunked, every chunk keeping the mark
 */
public record TransactionEvent(
        long commitId,
        long previousCommitId,
        long commitTimeMillis,
        String originClusterId,
        long epoch,
        String database,
        String username,
        Map<String, String> metadata,
        List<NodeCreated> createdNodes,
        List<NodeDeleted> deletedNodes,
        List<LabelChange> labelChanges,
        List<NodePropertyChange> nodePropertyChanges,
        List<RelationshipCreated> createdRelationships,
        List<RelationshipDeleted> deletedRelationships,
        List<RelationshipPropertyChange> relationshipPropertyChanges,
        List<SchemaChange> schemaChanges,
        int chunkIndex,
        int chunkCount,
        CaptureGap gap,
        Fragment fragment,
        EpochStart epochStart,
        CaptureBaseline baseline,
        BootstrapMark bootstrap,
        List<NodeCreated> bootstrapNodes,
        List<RelationshipCreated> bootstrapRelationships,
        RepairMark repair) {

    public TransactionEvent {
        if (commitId <= 0) {
            throw new IllegalArgumentException("commitId must be positive, was " + commitId);
        }
        if (epochStart != null) {
            if (previousCommitId < 0 || epochStart.previousEpoch() >= epoch || gap != null || fragment != null
                    || chunkCount != 1 || !createdNodes.isEmpty() || !deletedNodes.isEmpty() || !labelChanges.isEmpty()
                    || !nodePropertyChanges.isEmpty() || !createdRelationships.isEmpty()
                    || !deletedRelationships.isEmpty() || !relationshipPropertyChanges.isEmpty()
                    || !schemaChanges.isEmpty()) {
                throw new IllegalArgumentException("commit " + commitId + " of epoch " + epoch + ": an epoch start "
                        + "carries no changes, no gap and no fragment, is not chunked, follows an earlier epoch (was "
                        + epochStart.previousEpoch() + ") and a commit id >= 0 (was " + previousCommitId + ")");
            }
        } else if (previousCommitId < 0 || previousCommitId >= commitId) {
            throw new IllegalArgumentException("commit " + commitId + ": previousCommitId must be in [0, "
                    + commitId + "), was " + previousCommitId);
        }
        if (chunkCount < 1 || chunkIndex < 0 || chunkIndex >= chunkCount) {
            throw new IllegalArgumentException("commit " + commitId + ": chunk " + chunkIndex + " of "
                    + chunkCount + " is not a valid chunk position");
        }
        originClusterId = java.util.Objects.requireNonNull(originClusterId, "originClusterId");
        database = java.util.Objects.requireNonNull(database, "database");
        username = username == null ? "" : username;
        metadata = Maps.sortedStrings(metadata);
        createdNodes = List.copyOf(createdNodes);
        deletedNodes = List.copyOf(deletedNodes);
        labelChanges = List.copyOf(labelChanges);
        nodePropertyChanges = List.copyOf(nodePropertyChanges);
        createdRelationships = List.copyOf(createdRelationships);
        deletedRelationships = List.copyOf(deletedRelationships);
        relationshipPropertyChanges = List.copyOf(relationshipPropertyChanges);
        schemaChanges = List.copyOf(schemaChanges);
        bootstrapNodes = bootstrapNodes == null ? List.of() : List.copyOf(bootstrapNodes);
        bootstrapRelationships = bootstrapRelationships == null ? List.of() : List.copyOf(bootstrapRelationships);
        if (bootstrap == null && repair == null && !(bootstrapNodes.isEmpty() && bootstrapRelationships.isEmpty())) {
            throw new IllegalArgumentException("commit " + commitId + ": entity images travel only on bootstrap or "
                    + "repair events");
        }
        if (repair != null && (repair.lastCommitId() != commitId || repair.firstCommitId() <= previousCommitId)) {
            throw new IllegalArgumentException("commit " + commitId + ": a repair event's range (" + repair + ") ends "
                    + "at its commit id and starts after previousCommitId " + previousCommitId);
        }
        if (repair != null && (gap != null || epochStart != null || baseline != null || bootstrap != null
                || !(createdNodes.isEmpty() && labelChanges.isEmpty() && nodePropertyChanges.isEmpty()
                        && createdRelationships.isEmpty() && relationshipPropertyChanges.isEmpty()
                        && schemaChanges.isEmpty()))) {
            throw new IllegalArgumentException("commit " + commitId + ": a repair event (" + repair + ") carries only "
                    + "entity images and deletions by key: no other changes, no gap, no epoch start, no baseline and "
                    + "no bootstrap mark");
        }
        if (bootstrap != null && (gap != null || epochStart != null || baseline != null
                || !(createdNodes.isEmpty() && deletedNodes.isEmpty() && labelChanges.isEmpty()
                        && nodePropertyChanges.isEmpty() && createdRelationships.isEmpty()
                        && deletedRelationships.isEmpty() && relationshipPropertyChanges.isEmpty())
                || (bootstrap.phase() != BootstrapPhase.BEGIN && !schemaChanges.isEmpty())
                || (bootstrap.phase() != BootstrapPhase.NODES && !bootstrapNodes.isEmpty())
                || (bootstrap.phase() != BootstrapPhase.RELATIONSHIPS && !bootstrapRelationships.isEmpty()))) {
            throw new IllegalArgumentException("commit " + commitId + ": a bootstrap event (" + bootstrap + ") carries "
                    + "no ordinary changes, no gap, no epoch start and no baseline; only its begin carries schema, only "
                    + "a NODES chunk node images and only a RELATIONSHIPS chunk relationship images");
        }
        if (gap != null && (gap.lastCommitId() != commitId || gap.firstCommitId() <= previousCommitId
                || !(createdNodes.isEmpty() && deletedNodes.isEmpty() && labelChanges.isEmpty()
                        && nodePropertyChanges.isEmpty() && createdRelationships.isEmpty()
                        && deletedRelationships.isEmpty() && relationshipPropertyChanges.isEmpty()
                        && schemaChanges.isEmpty()) || chunkCount != 1)) {
            throw new IllegalArgumentException("commit " + commitId + ": a gap event carries no changes, is not "
                    + "chunked, and its gap " + gap + " ends at its commit id and starts after previousCommitId "
                    + previousCommitId);
        }
        if (fragment != null && (gap != null || !(createdNodes.isEmpty() && deletedNodes.isEmpty()
                && labelChanges.isEmpty() && nodePropertyChanges.isEmpty() && createdRelationships.isEmpty()
                && deletedRelationships.isEmpty() && relationshipPropertyChanges.isEmpty() && schemaChanges.isEmpty()
                && bootstrapNodes.isEmpty() && bootstrapRelationships.isEmpty()))) {
            throw new IllegalArgumentException("commit " + commitId + ": a fragment chunk carries no changes and no gap");
        }
        if (baseline != null && (previousCommitId != 0 || epochStart != null || gap != null || fragment != null
                || chunkCount != 1 || !(createdNodes.isEmpty() && deletedNodes.isEmpty() && labelChanges.isEmpty()
                        && nodePropertyChanges.isEmpty() && createdRelationships.isEmpty()
                        && deletedRelationships.isEmpty() && relationshipPropertyChanges.isEmpty()
                        && schemaChanges.isEmpty()))) {
            throw new IllegalArgumentException("commit " + commitId + ": a baseline is the first event of the log: it "
                    + "follows nothing (previousCommitId 0, was " + previousCommitId + "), carries no changes, no gap, "
                    + "no fragment and no epoch start, and is not chunked");
        }
    }

    /** An event that is not a gap event (the common case). */
    public TransactionEvent(long commitId, long previousCommitId, long commitTimeMillis, String originClusterId,
                            long epoch, String database, String username, Map<String, String> metadata,
                            List<NodeCreated> createdNodes, List<NodeDeleted> deletedNodes,
                            List<LabelChange> labelChanges, List<NodePropertyChange> nodePropertyChanges,
                            List<RelationshipCreated> createdRelationships,
                            List<RelationshipDeleted> deletedRelationships,
                            List<RelationshipPropertyChange> relationshipPropertyChanges,
                            List<SchemaChange> schemaChanges, int chunkIndex, int chunkCount) {
        this(commitId, previousCommitId, commitTimeMillis, originClusterId, epoch, database, username, metadata,
                createdNodes, deletedNodes, labelChanges, nodePropertyChanges, createdRelationships,
                deletedRelationships, relationshipPropertyChanges, schemaChanges, chunkIndex, chunkCount, null, null,
                null, null, null, List.of(), List.of(), null);
    }

    /**
     * The first event of {@code epoch}: the promoted store's last commit id {@code commitId} at promotion follows
     * {@code previousCommitId} of {@code start.previousEpoch()}, the last commit of that epoch the promoted member had
     * applied.
     */
    public static TransactionEvent epochStartEvent(long commitId, long previousCommitId, long startedAtMillis,
                                                   String originClusterId, long epoch, String database,
                                                   EpochStart start) {
        return new TransactionEvent(commitId, previousCommitId, startedAtMillis, originClusterId, epoch, database, "",
                Map.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), 0, 1,
                null, null, java.util.Objects.requireNonNull(start, "start"), null, null, List.of(), List.of(), null);
    }

    /**
     * The first event of the log: capture started for the first time on this database after the store's commit id
     * {@code commitId}, on a store that held {@code baseline.content()}.
     */
    public static TransactionEvent baselineEvent(long commitId, long startedAtMillis, String originClusterId,
                                                 long epoch, String database, CaptureBaseline baseline) {
        return new TransactionEvent(commitId, 0, startedAtMillis, originClusterId, epoch, database, "", Map.of(),
                List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), 0, 1, null, null,
                null, java.util.Objects.requireNonNull(baseline, "baseline"), null, List.of(), List.of(), null);
    }

    /**
     * A gap event: commit ids {@code gap.firstCommitId()..gap.lastCommitId()} were committed on the origin but not
     * captured. It links into the chain like any event (after {@code previousCommitId}), so the next event follows
     * it and no consumer can pass the range without noticing.
     */
    public static TransactionEvent gapEvent(long previousCommitId, long detectedAtMillis, String originClusterId,
                                            long epoch, String database, CaptureGap gap) {
        return new TransactionEvent(gap.lastCommitId(), previousCommitId, detectedAtMillis, originClusterId, epoch,
                database, "", Map.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of(), 0, 1, gap, null, null, null, null, List.of(), List.of(), null);
    }

    /**
     * A repair event: commit ids {@code repair.firstCommitId()..repair.lastCommitId()} were committed on the origin but
     * not captured, and were rebuilt from Neo4j's transaction log and the store: images of the entities the range
     * created or changed that still exist, and deletions by key of the entities it deleted. It links into the chain
     * like any event (after {@code previousCommitId}) with commit id {@code repair.lastCommitId()}. Any list may be
     * empty.
     */
    public static TransactionEvent repairEvent(long previousCommitId, long commitTimeMillis, String originClusterId,
                                               long epoch, String database, RepairMark repair,
                                               List<NodeCreated> nodeImages,
                                               List<RelationshipCreated> relationshipImages,
                                               List<NodeDeleted> deletedNodes,
                                               List<RelationshipDeleted> deletedRelationships) {
        java.util.Objects.requireNonNull(repair, "repair");
        return new TransactionEvent(repair.lastCommitId(), previousCommitId, commitTimeMillis, originClusterId, epoch,
                database, "", Map.of(), List.of(), deletedNodes, List.of(), List.of(), List.of(), deletedRelationships,
                List.of(), List.of(), 0, 1, null, null, null, null, null, nodeImages, relationshipImages, repair);
    }

    /** Chunk {@code index} of {@code count} of a fragmented transaction: this event's header with one slice. */
    public TransactionEvent fragmentChunk(int index, int count, Fragment slice) {
        return new TransactionEvent(commitId, previousCommitId, commitTimeMillis, originClusterId, epoch, database,
                username, metadata, List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of(), index, count, null, slice, null, null, bootstrap, List.of(), List.of(), repair);
    }

    /** True for a chunk that carries a slice of the encoded whole event instead of changes. */
    public boolean isFragment() {
        return fragment != null;
    }

    /** True for the first event of an epoch (see {@link #epochStart()}). */
    public boolean isEpochStart() {
        return epochStart != null;
    }

    /** True for the first event of the log, written when capture first started (see {@link #baseline()}). */
    public boolean isBaseline() {
        return baseline != null;
    }

    /** True for an event of a bootstrap run (see {@link #bootstrap()}). */
    public boolean isBootstrap() {
        return bootstrap != null;
    }

    /** True for a repair event, or a chunk of one (see {@link #repair()}). */
    public boolean isRepair() {
        return repair != null;
    }

    /** True for a gap event (see {@link #gap()}). */
    public boolean isGap() {
        return gap != null;
    }

    /** Total number of change entries (all lists), a measure of the transaction's size. */
    public int changeCount() {
        return createdNodes.size() + deletedNodes.size() + labelChanges.size() + nodePropertyChanges.size()
                + createdRelationships.size() + deletedRelationships.size()
                + relationshipPropertyChanges.size() + schemaChanges.size() + bootstrapNodes.size()
                + bootstrapRelationships.size();
    }

    /** True when this record is one slice of a transaction split into several records. */
    public boolean isChunked() {
        return chunkCount > 1;
    }

    /** A builder, convenient for capture and tests. */
    public static Builder builder(long commitId, long previousCommitId) {
        return new Builder(commitId, previousCommitId);
    }

    /** Mutable builder for {@link TransactionEvent}; lists are appended to in order. */
    public static final class Builder {
        private final long commitId;
        private final long previousCommitId;
        private long commitTimeMillis;
        private String originClusterId = "";
        private long epoch;
        private String database = "neo4j";
        private String username = "";
        private Map<String, String> metadata = Map.of();
        public final java.util.ArrayList<NodeCreated> createdNodes = new java.util.ArrayList<>();
        public final java.util.ArrayList<NodeDeleted> deletedNodes = new java.util.ArrayList<>();
        public final java.util.ArrayList<LabelChange> labelChanges = new java.util.ArrayList<>();
        public final java.util.ArrayList<NodePropertyChange> nodePropertyChanges = new java.util.ArrayList<>();
        public final java.util.ArrayList<RelationshipCreated> createdRelationships = new java.util.ArrayList<>();
        public final java.util.ArrayList<RelationshipDeleted> deletedRelationships = new java.util.ArrayList<>();
        public final java.util.ArrayList<RelationshipPropertyChange> relationshipPropertyChanges =
                new java.util.ArrayList<>();
        public final java.util.ArrayList<SchemaChange> schemaChanges = new java.util.ArrayList<>();
        public final java.util.ArrayList<NodeCreated> bootstrapNodes = new java.util.ArrayList<>();
        public final java.util.ArrayList<RelationshipCreated> bootstrapRelationships = new java.util.ArrayList<>();
        private BootstrapMark bootstrap;
        private RepairMark repair;

        private Builder(long commitId, long previousCommitId) {
            this.commitId = commitId;
            this.previousCommitId = previousCommitId;
        }

        public Builder commitTime(long millis) { this.commitTimeMillis = millis; return this; }
        public Builder origin(String clusterId, long epoch) { this.originClusterId = clusterId; this.epoch = epoch; return this; }
        public Builder database(String database) { this.database = database; return this; }
        public Builder username(String username) { this.username = username; return this; }
        public Builder metadata(Map<String, String> metadata) { this.metadata = metadata; return this; }
        public Builder bootstrap(BootstrapMark mark) { this.bootstrap = mark; return this; }
        public Builder repair(RepairMark mark) { this.repair = mark; return this; }

        public TransactionEvent build() {
            return new TransactionEvent(commitId, previousCommitId, commitTimeMillis, originClusterId, epoch,
                    database, username, metadata, createdNodes, deletedNodes, labelChanges,
                    nodePropertyChanges, createdRelationships, deletedRelationships,
                    relationshipPropertyChanges, schemaChanges, 0, 1, null, null, null, null, bootstrap,
                    bootstrapNodes, bootstrapRelationships, repair);
        }
    }
}
