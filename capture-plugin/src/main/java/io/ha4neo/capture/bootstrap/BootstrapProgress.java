package io.ha4neo.capture.bootstrap;

import io.ha4neo.schemas.event.BootstrapMark;
import io.ha4neo.schemas.event.BootstrapPhase;
import io.ha4neo.schemas.event.StoreContent;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A bootstrap run's progress on the primary: the state of its progress record (one node labelled
 * {@code _ha4neo_Bootstrap} per run, written in the same transaction as each of the run's events) and the cursor
 * rules that decide which event comes next. Pure: {@link #toProperties()} / {@link #fromProperties} are the node's
 * layout, read only by this plugin.
 *
 * <p>The ranges (docs/bootstrap.md, with the refinement of the relationship range):
 * <ul>
 *   <li>Nodes: ids {@code [0, maxNodeId]}. {@code maxNodeId} is recorded at the begin and raised, once, to the highest
 *       node id Neo4j has handed out when the first node chunk is read ({@link Step#FIX_NODE_RANGE}), which is after
 *       the begin committed: every node whose creation is before the begin in the log then has its id in the range
 *       (its id was handed out before it committed), and the standby, which empties itself at the begin, gets its
 *       image; nodes created after the begin reach the standby as creates.</li>
 *   <li>Relationships: ids {@code [0, maxRelationshipId]}, unknown ({@code -1}) until the node phase is complete and
 *       fixed when the first relationship chunk is read ({@link Step#FIX_RELATIONSHIP_RANGE}). A relationship created
 *       during the node phase whose endpoint had no image yet was passed over by the standby; its id is in the range
 *       and it gets an image. One created later has both endpoints on the standby and is applied as a create.</li>
 * </ul>
 *
 * @param run the run's id
 * @param standby the member being seeded
 * @param member this primary's member name
 * @param epoch the primary's epoch at the begin
 * @param phase the phase of the run's last committed event
 * @param chunkSize images per chunk at most
 * @param maxNodeId last node id of the node range
 * @param nodeRangeFixed true once {@code maxNodeId} was re-read at the first node chunk
 * @param nextNodeId first node id not read yet
 * @param maxRelationshipId last relationship id of the relationship range, -1 while unknown
 * @param relationshipRangeFixed true once {@code maxRelationshipId} is known
 * @param nextRelationshipId first relationship id not read yet
 * @param nodesSent node images sent so far
 * @param relationshipsSent relationship images sent so far
 * @param totals what the primary held of user data at the begin
 * @param endCommitId the end event's commit id once known, -1 before (or when it could not be recorded)
 */
public record BootstrapProgress(String run, String standby, String member, long epoch, BootstrapPhase phase,
                                int chunkSize, long maxNodeId, boolean nodeRangeFixed, long nextNodeId,
                                long maxRelationshipId, boolean relationshipRangeFixed, long nextRelationshipId,
                                long nodesSent, long relationshipsSent, StoreContent totals, long endCommitId) {
    /** Node property of the run's id (the record is found by it). */
    public static final String RUN = "run";
    private static final String STANDBY = "standby";
    private static final String MEMBER = "member";
    private static final String EPOCH = "epoch";
    private static final String PHASE = "phase";
    private static final String CHUNK_SIZE = "chunkSize";
    private static final String MAX_NODE_ID = "maxNodeId";
    private static final String NODE_RANGE_FIXED = "nodeRangeFixed";
    private static final String NEXT_NODE_ID = "nextNodeId";
    private static final String MAX_RELATIONSHIP_ID = "maxRelationshipId";
    private static final String RELATIONSHIP_RANGE_FIXED = "relationshipRangeFixed";
    private static final String NEXT_RELATIONSHIP_ID = "nextRelationshipId";
    private static final String NODES_SENT = "nodesSent";
    private static final String RELATIONSHIPS_SENT = "relationshipsSent";
    private static final String TOTAL_NODES = "totalNodes";
    private static final String TOTAL_RELATIONSHIPS = "totalRelationships";
    private static final String TOTAL_INDEXES = "totalIndexes";
    private static final String TOTAL_CONSTRAINTS = "totalConstraints";
    /** Node property of the end event's commit id, written just after the end committed. */
    public static final String END_COMMIT_ID = "endCommitId";

    /** What a call of {@code ha4neo.bootstrap.next} does next. */
    public enum Step {
        /** Re-read the highest node id (first node chunk), then decide again. */
        FIX_NODE_RANGE,
        /** Read and commit a chunk of node images. */
        NODES,
        /** Read the highest relationship id (first relationship chunk), then decide again. */
        FIX_RELATIONSHIP_RANGE,
        /** Read and commit a chunk of relationship images. */
        RELATIONSHIPS,
        /** Commit the end event. */
        END,
        /** The end is committed: nothing more to commit. */
        DONE
    }

    public BootstrapProgress {
        if (chunkSize < 1) {
            throw new IllegalArgumentException("bootstrap run " + run + ": chunk size must be at least 1, was "
                    + chunkSize);
        }
    }

    /** The progress recorded by the begin event. */
    public static BootstrapProgress begun(String run, String standby, String member, long epoch, int chunkSize,
                                          long maxNodeId, StoreContent totals) {
        return new BootstrapProgress(run, standby, member, epoch, BootstrapPhase.BEGIN, chunkSize, maxNodeId, false, 0,
                -1, false, 0, 0, 0, totals, -1);
    }

    /** The next step by the cursor rules. */
    public Step nextStep() {
        if (phase == BootstrapPhase.END) {
            return Step.DONE;
        }
        if (!nodeRangeFixed) {
            return Step.FIX_NODE_RANGE;
        }
        if (nextNodeId <= maxNodeId) {
            return Step.NODES;
        }
        if (!relationshipRangeFixed) {
            return Step.FIX_RELATIONSHIP_RANGE;
        }
        return nextRelationshipId <= maxRelationshipId ? Step.RELATIONSHIPS : Step.END;
    }

    /** The node range ends at the larger of the begin's maximum and {@code highestNodeIdNow}. */
    public BootstrapProgress withNodeRangeFixed(long highestNodeIdNow) {
        return new BootstrapProgress(run, standby, member, epoch, phase, chunkSize, Math.max(maxNodeId,
                highestNodeIdNow), true, nextNodeId, maxRelationshipId, relationshipRangeFixed, nextRelationshipId,
                nodesSent, relationshipsSent, totals, endCommitId);
    }

    /** The relationship range ends at {@code highestRelationshipIdNow}. */
    public BootstrapProgress withRelationshipRangeFixed(long highestRelationshipIdNow) {
        return new BootstrapProgress(run, standby, member, epoch, phase, chunkSize, maxNodeId, nodeRangeFixed,
                nextNodeId, highestRelationshipIdNow, true, nextRelationshipId, nodesSent, relationshipsSent, totals,
                endCommitId);
    }

    /** After a node chunk that read ids up to {@code nextId - 1} and sent {@code images} images. */
    public BootstrapProgress afterNodes(long nextId, int images) {
        return new BootstrapProgress(run, standby, member, epoch, images > 0 ? BootstrapPhase.NODES : phase, chunkSize,
                maxNodeId, nodeRangeFixed, nextId, maxRelationshipId, relationshipRangeFixed, nextRelationshipId,
                nodesSent + images, relationshipsSent, totals, endCommitId);
    }

    /** After a relationship chunk that read ids up to {@code nextId - 1} and sent {@code images} images. */
    public BootstrapProgress afterRelationships(long nextId, int images) {
        return new BootstrapProgress(run, standby, member, epoch, images > 0 ? BootstrapPhase.RELATIONSHIPS : phase,
                chunkSize, maxNodeId, nodeRangeFixed, nextNodeId, maxRelationshipId, relationshipRangeFixed, nextId,
                nodesSent, relationshipsSent + images, totals, endCommitId);
    }

    /** The end event's progress. */
    public BootstrapProgress ended() {
        return new BootstrapProgress(run, standby, member, epoch, BootstrapPhase.END, chunkSize, maxNodeId,
                nodeRangeFixed, nextNodeId, maxRelationshipId, relationshipRangeFixed, nextRelationshipId, nodesSent,
                relationshipsSent, totals, endCommitId);
    }

    /** The mark of the event this progress is recorded by. */
    public BootstrapMark mark() {
        return new BootstrapMark(run, standby, phase, member, totals, nodesSent, relationshipsSent);
    }

    /** The progress node's properties. */
    public Map<String, Object> toProperties() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(RUN, run);
        p.put(STANDBY, standby);
        p.put(MEMBER, member);
        p.put(EPOCH, epoch);
        p.put(PHASE, phase.name());
        p.put(CHUNK_SIZE, (long) chunkSize);
        p.put(MAX_NODE_ID, maxNodeId);
        p.put(NODE_RANGE_FIXED, nodeRangeFixed);
        p.put(NEXT_NODE_ID, nextNodeId);
        p.put(MAX_RELATIONSHIP_ID, maxRelationshipId);
        p.put(RELATIONSHIP_RANGE_FIXED, relationshipRangeFixed);
        p.put(NEXT_RELATIONSHIP_ID, nextRelationshipId);
        p.put(NODES_SENT, nodesSent);
        p.put(RELATIONSHIPS_SENT, relationshipsSent);
        p.put(TOTAL_NODES, totals.nodes());
        p.put(TOTAL_RELATIONSHIPS, totals.relationships());
        p.put(TOTAL_INDEXES, totals.indexes());
        p.put(TOTAL_CONSTRAINTS, totals.constraints());
        p.put(END_COMMIT_ID, endCommitId);
        return p;
    }

    /**
     * Reads a progress node's properties back.
     *
     * @throws IllegalStateException naming the run and the property when the record is incomplete (edited by hand)
     */
    public static BootstrapProgress fromProperties(Map<String, Object> p) {
        String run = text(p, RUN, "?");
        return new BootstrapProgress(run, text(p, STANDBY, run), text(p, MEMBER, run), num(p, EPOCH, run),
                BootstrapPhase.valueOf(text(p, PHASE, run)), (int) num(p, CHUNK_SIZE, run), num(p, MAX_NODE_ID, run),
                flag(p, NODE_RANGE_FIXED, run), num(p, NEXT_NODE_ID, run), num(p, MAX_RELATIONSHIP_ID, run),
                flag(p, RELATIONSHIP_RANGE_FIXED, run), num(p, NEXT_RELATIONSHIP_ID, run), num(p, NODES_SENT, run),
                num(p, RELATIONSHIPS_SENT, run), new StoreContent(num(p, TOTAL_NODES, run),
                num(p, TOTAL_RELATIONSHIPS, run), num(p, TOTAL_INDEXES, run), num(p, TOTAL_CONSTRAINTS, run)),
                p.get(END_COMMIT_ID) instanceof Number n ? n.longValue() : -1);
    }

    private static String text(Map<String, Object> p, String key, String run) {
        if (p.get(key) instanceof String s) {
            return s;
        }
        throw incomplete(key, run, p.get(key));
    }

    private static long num(Map<String, Object> p, String key, String run) {
        if (p.get(key) instanceof Number n) {
            return n.longValue();
        }
        throw incomplete(key, run, p.get(key));
    }

    private static boolean flag(Map<String, Object> p, String key, String run) {
        if (p.get(key) instanceof Boolean b) {
            return b;
        }
        throw incomplete(key, run, p.get(key));
    }

    private static IllegalStateException incomplete(String key, String run, Object value) {
        return new IllegalStateException("the progress record of bootstrap run " + run + " has no valid '" + key
                + "' (found " + value + "): it was modified by hand. Start a new run (ha4neo bootstrap)");
    }
}
