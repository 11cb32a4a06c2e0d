package io.ha4neo.capture.bootstrap;

import io.ha4neo.schemas.event.NodeCreated;
import io.ha4neo.schemas.event.RelationshipCreated;
import java.util.List;

/**
 * Decides the next event of a bootstrap run from its progress ({@link BootstrapProgress#nextStep()}), reading what it
 * needs from a {@link Source}: fixes a range when its first chunk is due, reads the next non-empty chunk (a chunk that
 * finds no image ends its range, and the next step is taken in the same call), or ends the run. Pure apart from the
 * source, so the order of a run can be tested without a database.
 */
public final class EventPlanner {
    /** What the planner reads: the primary's highest ids now, and chunks of images. */
    public interface Source {
        long highestNodeId();

        long highestRelationshipId();

        ChunkReader.Chunk<NodeCreated> nodes(long fromId, long maxId, int limit);

        ChunkReader.Chunk<RelationshipCreated> relationships(long fromId, long maxId, int limit);
    }

    /** The event to commit: the progress to record with it, and what to attach (its mark is the progress's). */
    public record Planned(BootstrapProgress progress, PendingBootstrapEvents.Attachment attachment) {
    }

    private EventPlanner() {
    }

    /**
     * The next event after {@code progress}.
     *
     * @throws IllegalStateException when the run has ended already (there is no next event)
     */
    public static Planned next(BootstrapProgress progress, Source source) {
        BootstrapProgress p = progress;
        while (true) {
            switch (p.nextStep()) {
                case FIX_NODE_RANGE -> p = p.withNodeRangeFixed(source.highestNodeId());
                case NODES -> {
                    ChunkReader.Chunk<NodeCreated> c = source.nodes(p.nextNodeId(), p.maxNodeId(), p.chunkSize());
                    p = p.afterNodes(c.nextId(), c.images().size());
                    if (!c.images().isEmpty()) {
                        return planned(p, c.images(), List.of());
                    }
                }
                case FIX_RELATIONSHIP_RANGE -> p = p.withRelationshipRangeFixed(source.highestRelationshipId());
                case RELATIONSHIPS -> {
                    ChunkReader.Chunk<RelationshipCreated> c = source.relationships(p.nextRelationshipId(),
                            p.maxRelationshipId(), p.chunkSize());
                    p = p.afterRelationships(c.nextId(), c.images().size());
                    if (!c.images().isEmpty()) {
                        return planned(p, List.of(), c.images());
                    }
                }
                case END -> {
                    return planned(p.ended(), List.of(), List.of());
                }
                case DONE -> throw new IllegalStateException("bootstrap run " + p.run() + " has ended already (commit "
                        + p.endCommitId() + "): it has no next event");
            }
        }
    }

    private static Planned planned(BootstrapProgress p, List<NodeCreated> nodes, List<RelationshipCreated> rels) {
        return new Planned(p, new PendingBootstrapEvents.Attachment(p.mark(), List.of(), nodes, rels));
    }
}
