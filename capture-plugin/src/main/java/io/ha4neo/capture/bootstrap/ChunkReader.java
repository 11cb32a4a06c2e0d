package io.ha4neo.capture.bootstrap;

import io.ha4neo.capture.mapping.EntityImages;
import io.ha4neo.schemas.event.NodeCreated;
import io.ha4neo.schemas.event.RelationshipCreated;
import io.ha4neo.schemas.topology.ReservedNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongFunction;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.NotFoundException;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.Transaction;

/**
 * Reads one chunk of a bootstrap run: the images of the entities with ids from a cursor on, in ascending id order,
 * each under a shared lock that the chunk's transaction holds until it is committed (and sequenced by capture).
 *
 * <p>Why the image is right: a writer that changed the entity before the lock was granted has committed, and was put
 * in order by capture (which happens before Neo4j releases its locks), so its event is before the chunk in the log; a
 * writer that changes it later waits for the shared lock, so its event is after the chunk. Locks are taken in
 * ascending id order; a deadlock with a writer fails the chunk's transaction, which the caller retries.
 *
 * <p>Ids that name no entity (never used, or deleted) and ha4neo's bookkeeping nodes are skipped, and so is an entity
 * deleted between its lookup and its lock. Labels and properties are read after the lock.
 */
public final class ChunkReader {
    /** A chunk: the images read and the first id after the ids read. */
    public record Chunk<T>(List<T> images, long nextId) {
        public Chunk {
            images = List.copyOf(images);
        }
    }

    private ChunkReader() {
    }

    /** Node images of ids {@code [fromId, maxId]}, at most {@code limit}. */
    public static Chunk<NodeCreated> nodes(Transaction tx, long fromId, long maxId, int limit) {
        return scan(fromId, maxId, limit, id -> nodeImage(tx, id));
    }

    /** Relationship images of ids {@code [fromId, maxId]}, at most {@code limit}. */
    public static Chunk<RelationshipCreated> relationships(Transaction tx, long fromId, long maxId, int limit) {
        return scan(fromId, maxId, limit, id -> relationshipImage(tx, id));
    }

    /**
     * The cursor rule: reads ids upwards from {@code fromId} until {@code limit} images are read or {@code maxId} is
     * passed; {@code imageOf} gives an id's image, or nothing to skip it. An empty chunk therefore always ends the
     * range ({@code nextId > maxId}).
     */
    static <T> Chunk<T> scan(long fromId, long maxId, int limit, LongFunction<Optional<T>> imageOf) {
        List<T> images = new ArrayList<>();
        long id = fromId;
        while (id <= maxId && images.size() < limit) {
            imageOf.apply(id).ifPresent(images::add);
            id++;
        }
        return new Chunk<>(images, id);
    }

    private static Optional<NodeCreated> nodeImage(Transaction tx, long id) {
        try {
            Node n = tx.getNodeById(id);
            if (ReservedNames.isBookkeeping(EntityImages.labelNames(n))) {
                return Optional.empty();
            }
            tx.acquireReadLock(n);
            return Optional.of(EntityImages.node(n));
        } catch (NotFoundException e) {
            return Optional.empty(); // no such node, or deleted before its lock was granted
        }
    }

    private static Optional<RelationshipCreated> relationshipImage(Transaction tx, long id) {
        try {
            Relationship r = tx.getRelationshipById(id);
            tx.acquireReadLock(r);
            return Optional.of(EntityImages.relationship(r));
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }
}
