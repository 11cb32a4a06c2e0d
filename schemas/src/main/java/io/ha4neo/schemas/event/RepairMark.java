package io.ha4neo.schemas.event;

import java.util.Objects;

/**
 * A range of commit ids that the primary committed but did not capture (Neo4j stopped between a commit and its
 * capture), repaired instead of reported: the plugin rebuilt the range's effect from Neo4j's own transaction log and
 * the store (docs/txlog-repair.md, issue 15). It travels as a repair event ({@link TransactionEvent#repair()}), in
 * the place a gap event ({@link CaptureGap}) would otherwise take, so standbys go on instead of stopping there.
 *
 * <p>A repair event is one link of the chain: its commit id is {@link #lastCommitId}, its {@code previousCommitId}
 * the event before the range. It carries no ordinary changes, only the range's net effect as the store holds it
 * after {@link #lastCommitId}:
 * <ul>
 *   <li>complete images ({@link TransactionEvent#bootstrapNodes()}, {@link TransactionEvent#bootstrapRelationships()})
 *       of every entity the range created or changed that still exists;</li>
 *   <li>deletions by replication key ({@link TransactionEvent#deletedNodes()},
 *       {@link TransactionEvent#deletedRelationships()}) of the entities that existed before the range and were
 *       deleted in it; their labels and properties may be empty, as the store no longer has them.</li>
 * </ul>
 * A standby applies it atomically with its watermark, and idempotently: an image replaces its entity entirely (or
 * creates it), and deleting a key the standby does not hold is a no-op. A range of commits that touched no entity
 * (tokens, schema) repairs to an event with no images and no deletions. Like any event, a large one is chunked and
 * every chunk carries the same mark.
 *
 * @param firstCommitId first repaired commit id, inclusive; after the event's {@code previousCommitId}
 * @param lastCommitId last repaired commit id, inclusive; the repair event's own commit id
 * @param transactions how many commits of the range touched entities, for operators (informative, not checked)
 * @param reason why the range was not captured and how it was repaired, for the operator
 */
public record RepairMark(long firstCommitId, long lastCommitId, long transactions, String reason) {
    public RepairMark {
        if (firstCommitId <= 0 || lastCommitId < firstCommitId) {
            throw new IllegalArgumentException("a repair needs 0 < first <= last, was " + firstCommitId + ".."
                    + lastCommitId);
        }
        if (transactions < 0) {
            throw new IllegalArgumentException("repair of commit ids " + firstCommitId + ".." + lastCommitId
                    + ": transactions must not be negative, was " + transactions);
        }
        reason = Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String toString() {
        return "repair of commit ids " + firstCommitId + ".." + lastCommitId + " (" + transactions
                + (transactions == 1 ? " transaction" : " transactions") + " touched entities; " + reason + ")";
    }
}
