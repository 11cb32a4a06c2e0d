package io.ha4neo.topology.verify;

import java.util.List;

/**
 * The seam between verify and one member's graph: reads in chunks, each in its own short read transaction, already in
 * canonical form ({@link CanonicalEntity}, bookkeeping and reserved names left out). {@link BoltMemberGraph} reads
 * over Bolt; unit tests put a graph in memory behind it. A failed read throws {@link VerifyException} naming the
 * member.
 */
public interface MemberGraph {
    /** The member's name in the cluster file, for messages. */
    String member();

    /** The highest internal id of any node (or relationship) of this store, -1 when it has none. */
    long highestId(EntityKind kind);

    /**
     * The nodes (or relationships) whose internal ids are in [{@code fromId}, {@code fromId + count}): a chunk of the
     * store, in store order. Ids are this store's own; they only bound the chunk and are never compared.
     */
    List<CanonicalEntity> scan(EntityKind kind, long fromId, int count);

    /**
     * Like {@link #scan}, but only each entity's replication key and, for a relationship, its start node's key: the
     * standby's pass needs no more for the entities the primary's pass found equal, and reads no properties for them.
     * The same entities as {@link #scan} (bookkeeping and reserved ones left out).
     */
    List<EntityRef> scanRefs(EntityKind kind, long fromId, int count);

    /**
     * The nodes (or relationships) of {@code candidates} by replication key: several when a key occurs more than once,
     * none when this member lacks it. Relationships are looked up from the candidates' start nodes.
     */
    List<CanonicalEntity> read(EntityKind kind, List<Candidate> candidates);

    /** Every index and constraint except ha4neo's own. */
    List<CanonicalEntity> schema();
}
