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
 * silently.
 */
public interface ChunkAssembler {
    Optional<TransactionEvent> accept(TransactionEvent chunk) throws ChunkSequenceException;

    /** Drops a partial transaction, e.g. after a consumer seek. */
    void reset();

    /** True while chunks of an incomplete transaction are held. */
    boolean hasPartial();
}
