package io.ha4neo.applier.kafka;

import io.ha4neo.applier.apply.LogItem;
import io.ha4neo.applier.apply.LogPosition;
import io.ha4neo.schemas.codec.ChunkAssembler;
import io.ha4neo.schemas.codec.ChunkSequenceException;
import io.ha4neo.schemas.codec.DecodeException;
import io.ha4neo.schemas.codec.EventCodec;
import io.ha4neo.schemas.event.TransactionEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Turns consumer records, in log order, into {@link LogItem}s: decodes each value and reassembles the chunks of
 * a large transaction, so that only whole transactions are applied. Owned by the loop's thread.
 *
 * <p>Nothing that cannot be applied is dropped or decided here; it becomes an item, in log order, for the
 * {@link io.ha4neo.applier.apply.CommitChain} to judge (fatal, already applied, or the operator's skip):
 * <ul>
 *   <li>a value that cannot be decoded becomes a {@link LogItem.Undecodable}, and the commit it belongs to (by its
 *       key) is <em>broken</em>: the chunks of it already held are dropped, and its further chunks become
 *       {@link LogItem.Fragment}s, so that a bad first, middle or last chunk can all be skipped the same way;
 *       except a record whose writer schema the Schema Registry could not be asked for (registry mode): that is
 *       nobody's verdict on the record, so it throws {@link RegistryUnavailableException}, which the loop retries;</li>
 *   <li>a chunk that cannot continue the sequence (missing, duplicated or out of order, a different header, a chunk
 *       read without the chunks before it) becomes a {@link LogItem.Fragment}, and its commit is broken too;</li>
 *   <li>a commit left incomplete by the start of another one becomes a {@link LogItem.Fragment} before the other
 *       commit's item, so that it can never vanish silently.</li>
 * </ul>
 */
public final class RecordDecoder {
    private static final long NONE = -1;

    private final EventCodec codec;
    private final ChunkAssembler assembler;
    private long assembling = NONE; // commit id of the chunks the assembler holds
    private long broken = NONE;     // commit id whose further chunks are fragments
    private OptionalLong lastEpoch = OptionalLong.empty(); // of the last record, when it could be decoded

    public RecordDecoder(EventCodec codec, ChunkAssembler assembler) {
        this.codec = codec;
        this.assembler = assembler;
    }

    /** The commit id in a record's key, read without decoding the value; empty when the key is unreadable. */
    public static OptionalLong commitIdOf(ConsumerRecord<byte[], byte[]> r) {
        return RecordKeys.commitIdOf(r.key());
    }

    /**
     * The items this record completes, in log order: usually none (a chunk of a transaction still arriving) or one
     * (a whole transaction, positioned at its last chunk; an undecodable record; a fragment); two when the record
     * also ends an incomplete commit (a fragment of that commit first).
     */
    public List<LogItem> decode(ConsumerRecord<byte[], byte[]> r) {
        LogPosition pos = new LogPosition(r.topic(), r.partition(), r.offset());
        TransactionEvent chunk;
        try {
            chunk = decodeValue(r.value());
        } catch (DecodeException e) {
            if (e.reason() == DecodeException.Reason.REGISTRY_UNAVAILABLE) {
                // Not the record's fault: the registry holding its writer schema could not be asked. Nothing is
                // decided about the record; the loop retries with back-off and reads it again (ApplierErrors).
                throw new RegistryUnavailableException(pos, e);
            }
            lastEpoch = OptionalLong.empty();
            return undecodable(commitIdOf(r), pos, e);
        }
        lastEpoch = OptionalLong.of(chunk.epoch());
        return accept(chunk, pos);
    }

    /**
     * The epoch of the last record {@link #decode}d (every chunk carries it), empty when it could not be decoded: a
     * record key has a commit id, but no epoch.
     */
    public OptionalLong epochOfLastRecord() {
        return lastEpoch;
    }

    /** Drops a partially assembled transaction; its chunks will be read again after re-positioning. */
    public void reset() {
        assembler.reset();
        assembling = NONE;
        broken = NONE;
    }

    private TransactionEvent decodeValue(byte[] value) throws DecodeException {
        if (value == null || value.length == 0) {
            throw new DecodeException(DecodeException.Reason.EMPTY, "record has no value");
        }
        return codec.decode(value);
    }

    /** The registry could not be asked for the writer schema of the record at a position; retriable. */
    public static final class RegistryUnavailableException extends RuntimeException {
        RegistryUnavailableException(LogPosition pos, DecodeException cause) {
            super("cannot decode the record at " + pos.topic() + "-" + pos.partition() + " offset " + pos.offset()
                    + ": " + cause.getMessage(), cause);
        }
    }

    private List<LogItem> undecodable(OptionalLong key, LogPosition pos, DecodeException e) {
        List<LogItem> out = new ArrayList<>(2);
        if (key.isEmpty() || key.getAsLong() != assembling) {
            abandonPartial(pos, "the record at offset " + pos.offset() + " (another commit) cannot be decoded")
                    .ifPresent(out::add);
        }
        dropPartial();
        broken = key.orElse(NONE);
        out.add(new LogItem.Undecodable(key, pos, e));
        return out;
    }

    /**
     * A decoded record. Commits are told apart by commit id, which is enough within an epoch; an epoch start is never
     * a chunk (it is never chunked) and belongs to no commit before it, even one of the old epoch with its number.
     */
    private List<LogItem> accept(TransactionEvent chunk, LogPosition pos) {
        long id = chunk.commitId();
        boolean epochStart = chunk.isEpochStart();
        if (id == broken && !epochStart) {
            return List.of(new LogItem.Fragment(id, pos, chunkName(chunk) + " follows a chunk of the same commit "
                    + "that could not be read"));
        }
        broken = NONE;
        List<LogItem> out = new ArrayList<>(2);
        if (id != assembling || epochStart) {
            abandonPartial(pos, (epochStart ? "epoch " + chunk.epoch() + " started" : "commit " + id + " started")
                    + " at offset " + pos.offset() + " before it completed").ifPresent(out::add);
        }
        if (!assembler.hasPartial() && chunk.chunkIndex() > 0) {
            broken = id;
            out.add(new LogItem.Fragment(id, pos, chunkName(chunk) + " was read without chunks 0.."
                    + (chunk.chunkIndex() - 1) + " before it"));
            return out;
        }
        assemble(chunk, pos).ifPresent(out::add);
        return out;
    }

    /** Feeds the assembler; a chunk that breaks the sequence of the commit being assembled breaks that commit. */
    private Optional<LogItem> assemble(TransactionEvent chunk, LogPosition pos) {
        try {
            Optional<TransactionEvent> whole = assembler.accept(chunk);
            assembling = whole.isPresent() ? NONE : chunk.commitId();
            return whole.map(w -> new LogItem.Transaction(w, pos));
        } catch (ChunkSequenceException e) {
            dropPartial();
            broken = chunk.commitId();
            return Optional.of(new LogItem.Fragment(e.commitId(), pos, e.getMessage()));
        }
    }

    /** The chunks held of a commit that can no longer complete, as a fragment of that commit. */
    private Optional<LogItem> abandonPartial(LogPosition pos, String why) {
        if (!assembler.hasPartial()) {
            return Optional.empty();
        }
        LogItem fragment = new LogItem.Fragment(assembling, pos, "the chunks received of commit " + assembling
                + " cannot be completed: " + why);
        dropPartial();
        return Optional.of(fragment);
    }

    private void dropPartial() {
        assembler.reset();
        assembling = NONE;
    }

    private static String chunkName(TransactionEvent chunk) {
        return "chunk " + chunk.chunkIndex() + " of " + chunk.chunkCount() + " of commit " + chunk.commitId();
    }
}
