package io.ha4neo.schemas.codec;

import io.ha4neo.schemas.event.TransactionEvent;
import java.util.Optional;

/**
 * Reassembles the chunks of one transaction, in log order, into exactly one event. Not thread-safe: one
 * instance per consumed partition.
 *
 * <p>Contract: chunks of a transaction are contiguous in the log. {@link #accept} returns the whole event
 * when the last chunk arrives, and empty while a transaction is incomplete. A missing, duplicated or
 * out-of-order chunk, or a new transaction starting before the previous one completed, throws
 * {@link ChunkSequenceException} naming the commit id and the chunk positions; chunks are never merged
 * silently. A whole event (chunkCount 1) passes straight through when no partial transaction is held.
 *
 * <p>Usage: {@code ChunkAssembler assembler = ChunkAssembler.create();} then feed every decoded record value
 * of a partition to {@link #accept} in offset order.
 */
public interface ChunkAssembler {
    /**
     * A new assembler that accepts chunks strictly in order. After a {@link ChunkSequenceException} its
     * state is unchanged; {@link #reset()} drops the partial transaction.
     */
    static ChunkAssembler create() {
        return create(EventCodecs.embedded());
    }

    /**
     * An assembler for records decoded by {@code codec}: it decodes the concatenated slices of a fragmented
     * transaction (one with a single change too large for one record) with the same codec (registry mode needs it).
     */
    static ChunkAssembler create(EventCodec codec) {
        return new OrderedChunkAssembler(codec);
    }

    /**
     * Accepts the next decoded record value of the partition.
     *
     * @return the whole transaction (chunkIndex 0, chunkCount 1) when {@code chunk} completes one, else empty
     * @throws ChunkSequenceException on a missing, duplicated or out-of-order chunk, a header that differs
     *         from chunk 0's, or a new commit before the previous one completed
     */
    Optional<TransactionEvent> accept(TransactionEvent chunk) throws ChunkSequenceException;

    /** Drops a partial transaction, e.g. after a consumer seek. */
    void reset();

    /** True while chunks of an incomplete transaction are held. */
    boolean hasPartial();
}
