package io.ha4neo.schemas.codec;

import io.ha4neo.schemas.codec.DecodeException.Reason;
import io.ha4neo.schemas.event.TransactionEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
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

    private final WriterSchemas schemas;
    private final int maxRecordBytes;
    private final EventRecords records;
    private final GenericDatumWriter<GenericRecord> writer;
    private final Map<Section, GenericDatumWriter<Object>> itemWriters = new EnumMap<>(Section.class);
    private final Map<Integer, GenericDatumReader<GenericRecord>> readers = new ConcurrentHashMap<>();

    AvroEventCodec(WriterSchemas schemas, int maxRecordBytes) {
        this.schemas = schemas;
        this.maxRecordBytes = maxRecordBytes;
        this.records = new EventRecords(EventSchemas.current());
        this.writer = new GenericDatumWriter<>(records.schema());
        for (Section s : Section.values()) {
            itemWriters.put(s, new GenericDatumWriter<>(records.itemSchema(s)));
        }
    }

    @Override
    public int maxRecordBytes() {
        return maxRecordBytes;
    }

    // ---- encode -----------------------------------------------------------------------------------

    @Override
    public List<byte[]> encode(TransactionEvent event) {
        Objects.requireNonNull(event, "event");
        int id = schemas.currentId();
        try {
            EventRecords.Changes changes = records.changes(event);
            byte[] whole = write(id, records.eventRecord(event, changes.bySection(), event.chunkIndex(), event.chunkCount()));
            if (whole.length <= maxRecordBytes) {
                return List.of(whole);
            }
            if (event.isChunked()) {
                throw new EncodeException("commit " + event.commitId() + ": chunk " + event.chunkIndex() + " of "
                        + event.chunkCount() + " encodes to " + whole.length + " bytes, over the limit of "
                        + maxRecordBytes + "; only whole events are split into chunks");
            }
            return chunks(id, event, changes);
        } catch (EncodeException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new EncodeException("commit " + event.commitId() + ": cannot encode the event (" + e
                    + "); it was not published", e);
        }
    }

    /**
     * Splits the change lists into chunks. Each change is encoded once to learn its size; the chunk plan
     * is then pure arithmetic, and each chunk is encoded once: linear in the event size.
     */
    private List<byte[]> chunks(int id, TransactionEvent event, EventRecords.Changes changes) {
        int header = write(id, records.eventRecord(event, Map.of(), Integer.MAX_VALUE, Integer.MAX_VALUE)).length;
        if (header + LIST_COUNT_BYTES >= maxRecordBytes) {
            throw new EncodeException("commit " + event.commitId() + ": the event header (names and metadata) alone "
                    + "encodes to " + header + " bytes, too close to the record limit of " + maxRecordBytes);
        }
        List<Map<Section, List<GenericRecord>>> plan = plan(event, changes, header);
        List<byte[]> out = new ArrayList<>(plan.size());
        for (int i = 0; i < plan.size(); i++) {
            byte[] chunk = write(id, records.eventRecord(event, plan.get(i), i, plan.size()));
            if (chunk.length > maxRecordBytes) {
                // Cannot happen while the size arithmetic above holds; refuse rather than publish an
                // oversized record that the broker would reject.
                throw new IllegalStateException("chunk " + i + " encodes to " + chunk.length + " bytes, over "
                        + maxRecordBytes);
            }
            out.add(chunk);
        }
        return out;
    }

    /** Greedy: fill each chunk, in apply order, with contiguous slices until the next change would not fit. */
    private List<Map<Section, List<GenericRecord>>> plan(TransactionEvent event, EventRecords.Changes changes, int header) {
        List<Map<Section, List<GenericRecord>>> plan = new ArrayList<>();
        Map<Section, List<GenericRecord>> chunk = new EnumMap<>(Section.class);
        long size = header;
        CountingStream counter = new CountingStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(counter, null);
        for (Section section : Section.values()) {
            List<GenericRecord> items = changes.get(section);
            for (int i = 0; i < items.size(); i++) {
                long itemBytes = sizeOf(section, items.get(i), counter, encoder);
                if (header + LIST_COUNT_BYTES + itemBytes > maxRecordBytes) {
                    throw tooLarge(event, section, i, itemBytes);
                }
                long add = itemBytes + (chunk.containsKey(section) ? 0 : LIST_COUNT_BYTES);
                if (size + add > maxRecordBytes) {
                    plan.add(chunk);
                    chunk = new EnumMap<>(Section.class);
                    size = header;
                    add = itemBytes + LIST_COUNT_BYTES;
                }
                chunk.computeIfAbsent(section, s -> new ArrayList<>()).add(items.get(i));
                size += add;
            }
        }
        plan.add(chunk);
        return plan;
    }

    private long sizeOf(Section section, GenericRecord item, CountingStream counter, BinaryEncoder encoder) {
        long before = counter.count;
        try {
            itemWriters.get(section).write(item, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return counter.count - before;
    }

    private EncodeException tooLarge(TransactionEvent event, Section section, int index, long itemBytes) {
        Object change = section.of(event).get(index);
        return new EncodeException("commit " + event.commitId() + ": " + section.describe(change) + " ("
                + section.field + "[" + index + "]) encodes to " + itemBytes + " bytes and cannot fit in a record of at "
                + "most " + maxRecordBytes + " bytes even alone; a single change is never split. Reduce the value "
                + "size or raise the record limit (and the topic's max.message.bytes)");
    }

    private byte[] write(int schemaId, GenericRecord event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        out.write(new byte[WireFormat.HEADER_BYTES], 0, WireFormat.HEADER_BYTES);
        try {
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            writer.write(event, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] bytes = out.toByteArray();
        WireFormat.writeHeader(bytes, schemaId);
        return bytes;
    }

    /** Counts bytes without keeping them: sizing a change must not copy it. */
    private static final class CountingStream extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
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
