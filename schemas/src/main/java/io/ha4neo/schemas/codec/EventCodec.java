package io.ha4neo.schemas.codec;

import io.ha4neo.schemas.event.TransactionEvent;
import java.util.List;

/**
 * Encodes transaction events into Kafka record values and back.
 *
 * <p>Usage:
 * <pre>{@code
 * EventCodec codec = EventCodecs.embedded(512 * 1024);      // no registry: schema known from the jar
 * List<byte[]> records = codec.encode(event);               // 1 record, or N chunks when too large
 * TransactionEvent chunk = codec.decode(records.get(0));    // throws DecodeException on bad input
 * Optional<TransactionEvent> whole = ChunkAssembler.create().accept(chunk);
 * }</pre>
 *
 * <p>Every record value uses the Confluent wire format: magic byte 0, a 4-byte big-endian schema id, then
 * the Avro binary body. In embedded mode the schema id is a fixed, documented id per schema version
 * compiled into the jar; in registry mode it is the id the Schema Registry assigned.
 */
public interface EventCodec {
    /**
     * Encodes one whole transaction into one or more record values. When the encoding of the whole event
     * exceeds the codec's chunk limit, the change lists are split into consecutive chunks (chunkIndex
     * 0..n-1, same header), each record value no larger than the limit.
     *
     * <p>An event that is already a chunk (chunkCount &gt; 1) is encoded as one record with its own chunk
     * position and is never split again.
     *
     * @throws EncodeException when a single change cannot fit under the limit on its own, or (registry mode)
     *         when the schema cannot be registered
     */
    List<byte[]> encode(TransactionEvent event);

    /**
     * Decodes one record value (a whole event or one chunk).
     *
     * @throws DecodeException (never any other exception) when the bytes are not a valid record value:
     *         wrong magic byte, unknown schema id, truncated or corrupt body
     */
    TransactionEvent decode(byte[] recordValue) throws DecodeException;

    /** The largest record value this codec produces, in bytes. */
    int maxRecordBytes();
}
