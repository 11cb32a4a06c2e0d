package io.ha4neo.schemas.event;

import java.util.Arrays;

/**
 * A slice of the encoded record value of a whole transaction, carried by chunk {@code i} of {@code n} when the
 * transaction holds a single change too large for one Kafka record (a multi-megabyte string or byte array). The
 * slices of chunks 0..n-1, concatenated, are the whole event's record value; {@code ChunkAssembler} decodes it.
 * Compares by content.
 */
public final class Fragment {
    private final byte[] bytes;

    public Fragment(byte[] bytes) {
        this.bytes = bytes.clone();
    }

    /** The slice's bytes (a copy). */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Length of the slice. */
    public int length() {
        return bytes.length;
    }

    /** Appends the slice to {@code out} without copying it twice. */
    public void writeTo(java.io.ByteArrayOutputStream out) {
        out.write(bytes, 0, bytes.length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Fragment f && Arrays.equals(bytes, f.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "Fragment[" + bytes.length + " bytes]";
    }
}
