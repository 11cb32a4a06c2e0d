package io.ha4neo.schemas.codec;

import io.ha4neo.schemas.codec.DecodeException.Reason;
import java.util.IdentityHashMap;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * Walks an Avro binary body along its writer schema, without allocating, and rejects it before Avro's
 * decoder sees it when any length or item count claims more bytes than remain, a varint is malformed, a
 * union or enum index is out of range, or bytes are left over.
 *
 * <p>Why: Avro's {@code BinaryDecoder} and {@code GenericDatumReader} allocate a string, byte array or
 * list of the size a length prefix announces before reading its content, and only check it against
 * {@code org.apache.avro.limits.*} (about 2 GiB by default). A corrupt prefix could therefore exhaust the
 * heap. After this check passes, every allocation Avro makes is bounded by the record's own size.
 */
final class BoundedBinaryCheck {
    /** Nesting limit: the event schema nests about 6 deep; a registry schema could be recursive. */
    private static final int MAX_DEPTH = 64;
    /** Items of a type that may encode to zero bytes (null, empty record) cannot be bounded by size. */
    private static final long MAX_EMPTY_ITEMS = 1 << 16;

    private final byte[] buf;
    private final int end;
    private final int schemaId;
    private final Map<Schema, Integer> minSizes = new IdentityHashMap<>();
    private int pos;
    private int depth;

    private BoundedBinaryCheck(byte[] buf, int offset, int schemaId) {
        this.buf = buf;
        this.pos = offset;
        this.end = buf.length;
        this.schemaId = schemaId;
    }

    /** Checks {@code buf[offset..]} holds exactly one datum of {@code schema}. */
    static void check(Schema schema, byte[] buf, int offset, int schemaId) throws DecodeException {
        BoundedBinaryCheck check = new BoundedBinaryCheck(buf, offset, schemaId);
        check.datum(schema);
        if (check.pos != check.end) {
            throw check.fail(Reason.CORRUPT, (check.end - check.pos) + " unread bytes after the end of the event");
        }
    }

    private void datum(Schema s) throws DecodeException {
        if (++depth > MAX_DEPTH) {
            throw fail(Reason.CORRUPT, "values nested deeper than " + MAX_DEPTH);
        }
        switch (s.getType()) {
            case NULL -> { }
            case BOOLEAN -> bool();
            case INT -> varint(5);
            case LONG -> varint(10);
            case FLOAT -> skip(4, "float");
            case DOUBLE -> skip(8, "double");
            case STRING, BYTES -> skip(length(s.getType().getName()), s.getType().getName());
            case FIXED -> skip(s.getFixedSize(), "fixed");
            case ENUM -> index(varint(5), s.getEnumSymbols().size(), "enum " + s.getFullName());
            case UNION -> datum(s.getTypes().get(index(varint(5), s.getTypes().size(), "union")));
            case ARRAY -> blocks(s.getElementType(), false);
            case MAP -> blocks(s.getValueType(), true);
            case RECORD -> {
                for (Schema.Field f : s.getFields()) {
                    datum(f.schema());
                }
            }
        }
        depth--;
    }

    /** Array and map encoding: blocks of {count, [byte size if count < 0], items}, ended by count 0. */
    private void blocks(Schema item, boolean map) throws DecodeException {
        long minItem = minSize(item) + (map ? 1 : 0);
        while (true) {
            long count = varint(10);
            if (count == 0) {
                return;
            }
            if (count < 0) {
                count = -count;
                long blockBytes = varint(10);
                if (count < 0 || blockBytes < 0) {
                    throw fail(Reason.CORRUPT, "negative block size");
                }
            }
            requireItems(count, minItem);
            for (long i = 0; i < count; i++) {
                if (map) {
                    skip(length("map key"), "map key");
                }
                datum(item);
            }
        }
    }

    private void requireItems(long count, long minItem) throws DecodeException {
        if (minItem == 0 ? count > MAX_EMPTY_ITEMS : count > (end - pos) / minItem) {
            throw fail(Reason.TRUNCATED, "a block announces " + count + " items, more than the "
                    + (end - pos) + " remaining bytes can hold");
        }
    }

    private void bool() throws DecodeException {
        need(1, "boolean");
        byte b = buf[pos++];
        if (b != 0 && b != 1) {
            throw fail(Reason.CORRUPT, "boolean byte " + b);
        }
    }

    private long length(String what) throws DecodeException {
        long length = varint(10);
        if (length < 0) {
            throw fail(Reason.CORRUPT, "negative " + what + " length " + length);
        }
        return length;
    }

    private void skip(long bytes, String what) throws DecodeException {
        need(bytes, what);
        pos += (int) bytes;
    }

    private void need(long bytes, String what) throws DecodeException {
        if (bytes > end - pos) {
            throw fail(Reason.TRUNCATED, what + " needs " + bytes + " bytes, only " + (end - pos) + " remain");
        }
    }

    private static int index(long index, int size, String what) throws DecodeException {
        if (index < 0 || index >= size) {
            throw new DecodeException(Reason.CORRUPT, what + " index " + index + " outside 0.." + (size - 1));
        }
        return (int) index;
    }

    /** Reads a zig-zag varint of at most {@code maxBytes} bytes, as Avro writes int (5) and long (10). */
    private long varint(int maxBytes) throws DecodeException {
        long raw = 0;
        for (int shift = 0, i = 0; i < maxBytes; i++, shift += 7) {
            need(1, "varint");
            int b = buf[pos++] & 0xff;
            raw |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw fail(Reason.CORRUPT, "varint longer than " + maxBytes + " bytes");
    }

    /** The fewest bytes a datum of the schema can encode to; recursion counts as 0 (conservative). */
    private long minSize(Schema s) {
        Integer known = minSizes.get(s);
        if (known != null) {
            return known;
        }
        minSizes.put(s, 0);
        long size = switch (s.getType()) {
            case NULL -> 0;
            case FLOAT -> 4;
            case DOUBLE -> 8;
            case FIXED -> s.getFixedSize();
            case UNION -> 1 + s.getTypes().stream().mapToLong(this::minSize).min().orElse(0);
            case RECORD -> s.getFields().stream().mapToLong(f -> minSize(f.schema())).sum();
            default -> 1;
        };
        int capped = (int) Math.min(size, Integer.MAX_VALUE);
        minSizes.put(s, capped);
        return capped;
    }

    private DecodeException fail(Reason reason, String message) {
        return new DecodeException(reason, message + " at byte " + pos + " (schema id " + schemaId + ")");
    }
}
