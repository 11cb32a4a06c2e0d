package io.ha4neo.schemas.codec;

import io.ha4neo.schemas.codec.DecodeException.Reason;
import io.ha4neo.schemas.event.TransactionEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;

/**
 * The {@link EventCodec} of ha4neo: Avro binary in the Confluent wire format, chunked when an event is
 * larger than {@link #maxRecordBytes()}. Thread-safe. Create it with {@link EventCodecs}.
 */
final class AvroEventCodec implements EventCodec {
    /** Upper bound of the varint that counts a non-empty list's items in one chunk (int range). */
    private static final int LIST_COUNT_BYTES = 5;
    /** The trailing {@code fragment} union when null: its branch index 0, one byte. */
    private static final int NO_FRAGMENT_BYTES = 1;

    private final WriterSchemas schemas;
    private final int maxRecordBytes;
    private final EventRecords records;
    private final Map<Section, GenericDatumWriter<Object>> itemWriters = new EnumMap<>(Section.class);
    private final Map<Integer, GenericDatumReader<GenericRecord>> readers = new ConcurrentHashMap<>();

    AvroEventCodec(WriterSchemas schemas, int maxRecordBytes) {
        this.schemas = schemas;
        this.maxRecordBytes = maxRecordBytes;
        this.records = new EventRecords(EventSchemas.current());
        for (Section s : Section.values()) {
            itemWriters.put(s, new GenericDatumWriter<>(records.itemSchema(s)));
        }
    }

    @Override
    public int maxRecordBytes() {
        return maxRecordBytes;
    }

    // ---- encode -----------------------------------------------------------------------------------
    //
    // Every change is encoded exactly once, to its own bytes. A record value is then assembled from the
    // header bytes and slices of those item bytes (Avro binary is context-free: an item encodes the same
    // alone as inside an array), so a large event costs one encoding pass plus copying, never a re-encode.

    @Override
    public List<byte[]> encode(TransactionEvent event) {
        Objects.requireNonNull(event, "event");
        int id = schemas.currentId();
        try {
            Map<Section, List<byte[]>> items = encodeItems(records.changes(event));
            byte[] header = write(records.headerSchema(), records.headerRecord(event));
            if (event.isChunked() || total(header, items) <= maxRecordBytes) {
                return List.of(single(id, event, header, items));
            }
            return chunks(id, event, header, items);
        } catch (EncodeException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new EncodeException("commit " + event.commitId() + ": cannot encode the event (" + e
                    + "); it was not published", e);
        }
    }

    /** The whole event as one record, or an event that is already a chunk (never split again). */
    private byte[] single(int id, TransactionEvent event, byte[] header, Map<Section, List<byte[]>> items) {
        byte[] bytes = assemble(id, header, items, event.chunkIndex(), event.chunkCount());
        if (bytes.length > maxRecordBytes) {
            throw new EncodeException("commit " + event.commitId() + ": chunk " + event.chunkIndex() + " of "
                    + event.chunkCount() + " encodes to " + bytes.length + " bytes, over the limit of "
                    + maxRecordBytes + "; only whole events are split into chunks");
        }
        return bytes;
    }

    /** Exact size of the whole event as one record. */
    private static long total(byte[] header, Map<Section, List<byte[]>> items) {
        // chunkIndex 0 and chunkCount 1: one byte each; then the null fragment
        long total = WireFormat.HEADER_BYTES + header.length + 2 + NO_FRAGMENT_BYTES;
        for (List<byte[]> list : items.values()) {
            total += 1 + (list.isEmpty() ? 0 : varintLength(list.size()));
            for (byte[] item : list) {
                total += item.length;
            }
        }
        return total;
    }

    /**
     * Splits the change lists into chunks, greedily, in apply order ({@link Section}): each chunk takes
     * contiguous slices until the next change would not fit. Sizes are upper bounds (count varints are
     * counted at their 5-byte maximum), so every chunk is at most the limit.
     */
    private List<byte[]> chunks(int id, TransactionEvent event, byte[] header, Map<Section, List<byte[]>> items) {
        long fixed = WireFormat.HEADER_BYTES + header.length + Section.values().length + 2L * LIST_COUNT_BYTES
                + NO_FRAGMENT_BYTES;
        if (fixed + LIST_COUNT_BYTES >= maxRecordBytes) {
            throw new EncodeException("commit " + event.commitId() + ": the event header (names and metadata) alone "
                    + "encodes to " + fixed + " bytes, too close to the record limit of " + maxRecordBytes);
        }
        List<Map<Section, List<byte[]>>> plan = new ArrayList<>();
        Map<Section, List<byte[]>> chunk = new EnumMap<>(Section.class);
        long size = fixed;
        for (Section section : Section.values()) {
            List<byte[]> list = items.get(section);
            for (int i = 0; i < list.size(); i++) {
                long itemBytes = list.get(i).length;
                if (fixed + LIST_COUNT_BYTES + itemBytes > maxRecordBytes) {
                    return fragments(id, event, header, items);
                }
                long add = itemBytes + (chunk.containsKey(section) ? 0 : LIST_COUNT_BYTES);
                if (size + add > maxRecordBytes) {
                    plan.add(chunk);
                    chunk = new EnumMap<>(Section.class);
                    size = fixed;
                    add = itemBytes + LIST_COUNT_BYTES;
                }
                chunk.computeIfAbsent(section, s -> new ArrayList<>()).add(list.get(i));
                size += add;
            }
        }
        plan.add(chunk);
        List<byte[]> out = new ArrayList<>(plan.size());
        for (int i = 0; i < plan.size(); i++) {
            out.add(assemble(id, header, plan.get(i), i, plan.size()));
        }
        return out;
    }

    /**
     * A transaction with a change too large for one record even alone (a multi-megabyte value): the whole event is
     * assembled as one record value of any size, and cut into slices; chunk i of n carries the i-th slice and no
     * changes ({@link io.ha4neo.schemas.event.Fragment}). The assembler concatenates and decodes them.
     */
    private List<byte[]> fragments(int id, TransactionEvent event, byte[] header, Map<Section, List<byte[]>> items) {
        byte[] whole = assemble(id, header, items, 0, 1, null);
        long fixed = WireFormat.HEADER_BYTES + header.length + Section.values().length + 2L * LIST_COUNT_BYTES
                + 1 + LIST_COUNT_BYTES; // branch index of the fragment union, then its length varint
        long slice = maxRecordBytes - fixed;
        if (slice < 1024) {
            throw new EncodeException("commit " + event.commitId() + ": the event header (names and metadata) alone "
                    + "encodes to " + fixed + " bytes, too close to the record limit of " + maxRecordBytes);
        }
        int count = (int) ((whole.length + slice - 1) / slice);
        List<byte[]> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int from = (int) (i * slice);
            byte[] part = java.util.Arrays.copyOfRange(whole, from, (int) Math.min(whole.length, from + slice));
            out.add(assemble(id, header, Map.of(), i, count, part));
        }
        return out;
    }

    private Map<Section, List<byte[]>> encodeItems(EventRecords.Changes changes) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(buffer, null);
        Map<Section, List<byte[]>> out = new EnumMap<>(Section.class);
        for (Section section : Section.values()) {
            GenericDatumWriter<Object> itemWriter = itemWriters.get(section);
            List<GenericRecord> records = changes.get(section);
            List<byte[]> encoded = new ArrayList<>(records.size());
            for (GenericRecord record : records) {
                buffer.reset();
                try {
                    itemWriter.write(record, encoder);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                encoded.add(buffer.toByteArray());
            }
            out.put(section, encoded);
        }
        return out;
    }

    /** Wire header, event header fields, the change lists in schema field order, chunk position. */
    private byte[] assemble(int id, byte[] header, Map<Section, List<byte[]>> items, int chunkIndex, int chunkCount) {
        return assemble(id, header, items, chunkIndex, chunkCount, null);
    }

    private byte[] assemble(int id, byte[] header, Map<Section, List<byte[]>> items, int chunkIndex, int chunkCount,
                            byte[] fragment) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        out.write(new byte[WireFormat.HEADER_BYTES], 0, WireFormat.HEADER_BYTES);
        out.write(header, 0, header.length);
        try {
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            for (Section section : records.listOrder()) {
                List<byte[]> list = items.getOrDefault(section, List.of());
                encoder.writeArrayStart();
                encoder.setItemCount(list.size());
                for (byte[] item : list) {
                    encoder.startItem();
                    encoder.writeFixed(item);
                }
                encoder.writeArrayEnd();
            }
            encoder.writeInt(chunkIndex);
            encoder.writeInt(chunkCount);
            encoder.writeIndex(fragment == null ? 0 : 1);
            if (fragment != null) {
                encoder.writeBytes(fragment);
            }
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] bytes = out.toByteArray();
        WireFormat.writeHeader(bytes, id);
        return bytes;
    }

    private static byte[] write(Schema schema, GenericRecord record) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try {
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Bytes of Avro's zig-zag varint of a non-negative count. */
    private static int varintLength(long count) {
        long zigzag = count << 1;
        int length = 1;
        while ((zigzag >>>= 7) != 0) {
            length++;
        }
        return length;
    }

    // ---- decode -----------------------------------------------------------------------------------

    @Override
    public TransactionEvent decode(byte[] recordValue) throws DecodeException {
        try {
            int id = WireFormat.schemaId(recordValue);
            Schema writerSchema = schemas.writerSchema(id);
            BoundedBinaryCheck.check(writerSchema, recordValue, WireFormat.HEADER_BYTES, id);
            return toEvent(id, read(id, writerSchema, recordValue));
        } catch (RuntimeException e) {
            // The checks above should leave nothing for Avro to trip on; keep the contract anyway.
            throw new DecodeException(Reason.CORRUPT, "unexpected decoding failure (" + e + ") with "
                    + schemas.describe(), e);
        }
    }

    private GenericRecord read(int id, Schema writerSchema, byte[] value) throws DecodeException {
        GenericDatumReader<GenericRecord> reader = readers.computeIfAbsent(id,
                i -> new GenericDatumReader<>(writerSchema, records.schema()));
        try {
            int bodyLength = value.length - WireFormat.HEADER_BYTES;
            return reader.read(null, DecoderFactory.get().binaryDecoder(value, WireFormat.HEADER_BYTES, bodyLength, null));
        } catch (IOException | RuntimeException e) {
            throw new DecodeException(Reason.CORRUPT, "Avro body of schema id " + id + " is unreadable: " + e, e);
        }
    }

    private TransactionEvent toEvent(int id, GenericRecord record) throws DecodeException {
        try {
            return records.toEvent(record);
        } catch (RuntimeException e) {
            throw new DecodeException(Reason.INVALID_EVENT, "record of schema id " + id + " (commit "
                    + record.get("commitId") + ") is not a valid event: " + e, e);
        }
    }

    @Override
    public String toString() {
        return "AvroEventCodec{" + schemas.describe() + ", maxRecordBytes=" + maxRecordBytes + "}";
    }
}
