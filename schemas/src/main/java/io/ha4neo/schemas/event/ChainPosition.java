package io.ha4neo.schemas.event;

/**
 * A place in the replication log's history: a commit id within an epoch. Commit ids of different epochs come from
 * different stores, so positions of different epochs are never ordered by commit id; only the log's order (and the
 * {@link EpochStart} events that link epochs) relates them.
 *
 * @param epoch the epoch of the primary that wrote the event
 * @param commitId the commit id on that primary's store; 0 for "before the first event"
 */
public record ChainPosition(long epoch, long commitId) {
    /** Before anything: no event applied or published yet. */
    public static final ChainPosition START = new ChainPosition(0, 0);

    public ChainPosition {
        if (epoch < 0 || commitId < 0) {
            throw new IllegalArgumentException("epoch and commit id must not be negative, were " + epoch + " and "
                    + commitId);
        }
    }

    /** The position an event leaves a consumer at after it is applied. */
    public static ChainPosition of(TransactionEvent e) {
        return new ChainPosition(e.epoch(), e.commitId());
    }

    /** The position a consumer must be at to apply {@code e}: its predecessor in the chain. */
    public static ChainPosition before(TransactionEvent e) {
        return new ChainPosition(e.isEpochStart() ? e.epochStart().previousEpoch() : e.epoch(), e.previousCommitId());
    }

    /** True when both are in the same epoch and this one is at or after {@code other}. */
    public boolean atOrAfterInSameEpoch(ChainPosition other) {
        return epoch == other.epoch && commitId >= other.commitId;
    }

    @Override
    public String toString() {
        return "(epoch " + epoch + ", commit " + commitId + ")";
    }
}
