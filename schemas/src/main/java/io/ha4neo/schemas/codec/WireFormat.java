package io.ha4neo.schemas.codec;

import io.ha4neo.schemas.codec.DecodeException.Reason;

/**
 * The Confluent wire format shared by every record value: magic byte 0, the schema id as 4 bytes big
 * endian, then the Avro binary body.
 */
final class WireFormat {
    static final byte MAGIC = 0;
    static final int HEADER_BYTES = 5;

    private WireFormat() {
    }

    static void writeHeader(byte[] out, int schemaId) {
        out[0] = MAGIC;
        out[1] = (byte) (schemaId >>> 24);
        out[2] = (byte) (schemaId >>> 16);
        out[3] = (byte) (schemaId >>> 8);
        out[4] = (byte) schemaId;
    }

    /** The schema id of a record value, after checking the header is present and starts with magic 0. */
    static int schemaId(byte[] value) throws DecodeException {
        if (value == null || value.length == 0) {
            throw new DecodeException(Reason.EMPTY, "record value is " + (value == null ? "null" : "empty")
                    + "; expected magic byte 0, a 4-byte schema id and an Avro body");
        }
        if (value[0] != MAGIC) {
            throw new DecodeException(Reason.WRONG_MAGIC_BYTE, "first byte is " + (value[0] & 0xff)
                    + ", expected magic byte 0 of the Confluent wire format");
        }
        if (value.length < HEADER_BYTES) {
            throw new DecodeException(Reason.TRUNCATED, "record value has " + value.length
                    + " bytes, fewer than the 5-byte wire format header");
        }
        return ((value[1] & 0xff) << 24) | ((value[2] & 0xff) << 16) | ((value[3] & 0xff) << 8) | (value[4] & 0xff);
    }
}
