package io.ha4neo.capture.rewind;

import io.ha4neo.capture.txlog.RelationshipTouch;
import io.ha4neo.capture.txlog.Touch;
import io.ha4neo.capture.txlog.TouchedEntities;
import io.ha4neo.capture.txlog.TouchedTransaction;
import java.util.Collections;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The undo of commits a former primary made but never captured (the process stopped between commit and capture), when
 * Neo4j's own transaction log shows that they only created nodes and relationships: deleting exactly those entities
 * undoes them. Their content is unknown to the plugin, but an undo of a creation needs none: only which entities.
 * Label, relationship type and property key tokens they created stay (a token is no graph content).
 *
 * <p>Anything else (a change to, or a delete of, an entity that existed before the range, or a schema change) needs
 * the previous values, which the log holds only as store records; such a range is refused with
 * {@link NotUndoableException}, naming the commit and the entity, and the member stays fenced.
 *
 * @param first           the range's first commit id
 * @param last            its last commit id
 * @param nodeIds         the nodes the range created and did not delete again, by store id
 * @param relationshipIds the relationships the range created and did not delete again, by store id
 */
public record UncapturedCreations(long first, long last, SortedSet<Long> nodeIds, SortedSet<Long> relationshipIds) {
    public UncapturedCreations {
        nodeIds = Collections.unmodifiableSortedSet(new TreeSet<>(nodeIds));
        relationshipIds = Collections.unmodifiableSortedSet(new TreeSet<>(relationshipIds));
    }

    /** Why a range of uncaptured commits cannot be undone; the message names the commit and the entity. */
    public static final class NotUndoableException extends Exception {
        public NotUndoableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * The creations of {@code touched}, in commit order: an entity created in the range may be changed or deleted
     * later in it; one that existed before it may not be touched at all.
     *
     * @throws NotUndoableException naming the first commit and entity that makes the range impossible to undo
     */
    public static UncapturedCreations of(TouchedEntities touched) throws NotUndoableException {
        SortedSet<Long> nodes = new TreeSet<>();
        SortedSet<Long> relationships = new TreeSet<>();
        for (TouchedTransaction t : touched.transactions()) {
            if (t.schema()) {
                throw new NotUndoableException("commit " + t.commitId() + " changed the schema (an index or "
                        + "constraint), which is not undone automatically", null);
            }
            for (Map.Entry<Long, RelationshipTouch> r : t.relationships().entrySet()) {
                follow(relationships, r.getKey(), r.getValue().touch(), t.commitId(), "relationship");
            }
            for (Map.Entry<Long, Touch> n : t.nodes().entrySet()) {
                follow(nodes, n.getKey(), n.getValue(), t.commitId(), "node");
            }
        }
        return new UncapturedCreations(touched.first(), touched.last(), nodes, relationships);
    }

    private static void follow(SortedSet<Long> created, long id, Touch touch, long commitId, String what)
            throws NotUndoableException {
        switch (touch) {
            case CREATED -> created.add(id);
            case CHANGED -> {
                if (!created.contains(id)) {
                    throw new NotUndoableException("commit " + commitId + " changed " + what + " " + id
                            + ", which existed before the uncaptured commits: its previous labels and properties are "
                            + "unknown", null);
                }
            }
            case DELETED -> {
                if (!created.remove(id)) {
                    throw new NotUndoableException("commit " + commitId + " deleted " + what + " " + id
                            + ", which existed before the uncaptured commits: its content is unknown", null);
                }
            }
        }
    }

    /** For the log and the rejoin report. */
    public String describe() {
        return "commit ids " + first + ".." + last + " were never captured, but Neo4j's transaction log shows they only "
                + "created " + nodeIds.size() + " node(s) and " + relationshipIds.size() + " relationship(s)";
    }
}
