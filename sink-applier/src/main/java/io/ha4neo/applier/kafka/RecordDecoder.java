package io.ha4neo.applier.kafka;

import io.ha4neo.applier.apply.LogItem;
import io.ha4neo.applier.apply.LogPosition;
import io.ha4neo.applier.error.FatalApplierException;
import io.ha4neo.schemas.codec.ChunkAssembler;
import io.ha4neo.schemas.codec.ChunkSequenceException;
import io.ha4neo.schemas.codec.DecodeException;
import io.ha4neo.schemas.codec.EventCodec;
import io.ha4neo.schemas.event.TransactionEvent;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Turns consumer records, in log order, into {@link LogItem}s: decodes each value and reassembles the chunks of
 * a large transaction, so that only whole transactions are applied. A value that cannot be decoded becomes an
 * {@link LogItem.Undecodable} (fatal unless the operator skips it); a broken chunk sequence is fatal at once.
 * Owned by the loop's thread.
 */
public final class RecordDecoder {
    private final EventCodec codec;
    private final ChunkAssembler assembler;

    public RecordDecoder(EventCodec codec, ChunkAssembler assembler) {
        this.codec = codec;
        this.assembler = assembler;
    }

    /** The commit id in a record's key, read without decoding the value; empty when the key is unreadable. */
    public static OptionalLong commitIdOf(ConsumerRecord<byte[], byte[]> r) {
        return RecordKeys.commitIdOf(r.key());
    }

    /**
     * The item this record completes: a whole transaction (its position is that of its last chunk), or the
     * undecodable record itself; empty while the chunks of a transaction are still arriving.
     */
    public Optional<LogItem> decode(ConsumerRecord<byte[], byte[]> r) {
        LogPosition pos = new LogPosition(r.topic(), r.partition(), r.offset());
        try {
            return assemble(decodeValue(r.value()), pos).map(whole -> new LogItem.Transaction(whole, pos));
        } catch (DecodeException e) {
            return Optional.of(new LogItem.Undecodable(commitIdOf(r), pos, e));
        }
    }

    /** Drops a partially assembled transaction; its chunks will be read again after re-positioning. */
    public void reset() {
        assembler.reset();
    }

    private TransactionEvent decodeValue(byte[] value) throws DecodeException {
        if (value == null || value.length == 0) {
            throw new DecodeException(DecodeException.Reason.EMPTY, "record has no value");
        }
        return codec.decode(value);
    }

    private Optional<TransactionEvent> assemble(TransactionEvent chunk, LogPosition pos) {
        try {
            return assembler.accept(chunk);
        } catch (ChunkSequenceException e) {
            throw new FatalApplierException("chunk_sequence", "broken chunk sequence at " + pos + ", commit "
                    + e.commitId() + ": " + e.getMessage() + ". Applier stopped; the topic holds an incomplete "
                    + "transaction. Fix the producer, or skip it with skip.commit.id=" + e.commitId() + ".", e);
        }
    }
}
