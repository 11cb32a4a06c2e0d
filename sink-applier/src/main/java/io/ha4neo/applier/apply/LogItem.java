package io.ha4neo.applier.apply;

import io.ha4neo.schemas.codec.DecodeException;
import io.ha4neo.schemas.event.TransactionEvent;
import java.util.OptionalLong;

/**
 * One unit read from the log and handed to the {@link ChangeApplier}, in log order: a whole transaction
 * (chunks already reassembled), a record that could not be decoded, or a piece of a chunked transaction that
 * cannot be reassembled.
 */
public sealed interface LogItem {
    /** Where the item ends in the log: its last record. */
    LogPosition position();

    /**
     * A whole transaction.
     *
     * @param event the transaction, chunkIndex 0 of 1
     * @param position the position of its last chunk
     */
    record Transaction(TransactionEvent event, LogPosition position) implements LogItem {
    }

    /**
     * A record whose value could not be decoded. Fatal, unless the operator skips exactly its commit id.
     *
     * @param commitId the commit id read from the record key, if the key is readable
     * @param position the record's position
     * @param error why decoding failed
     */
    record Undecodable(OptionalLong commitId, LogPosition position, DecodeException error) implements LogItem {
    }

    /**
     * A piece of a chunked transaction that cannot be reassembled into a whole one: a chunk after an undecodable
     * chunk of the same commit, a chunk read without the chunks before it (after re-positioning past an operator
     * skip), or the chunks received so far of a commit whose sequence broke (missing, duplicated or out-of-order
     * chunk). Passed over when the watermark already covers the commit; otherwise fatal unless the operator skips
     * exactly this commit id.
     *
     * @param commitId the commit the piece belongs to
     * @param position the record that revealed it
     * @param problem why it cannot be reassembled, for the error message
     */
    record Fragment(long commitId, LogPosition position, String problem) implements LogItem {
    }
}
