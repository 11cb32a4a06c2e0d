package io.ha4neo.applier.kafka;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;

/**
 * Reads the commit id from a record key without decoding the value, so that an undecodable record can
 * still be named (and skipped by an operator). Accepts a decimal string or an 8-byte big-endian long.
 */
final class RecordKeys {
    private RecordKeys() {
    }

    static OptionalLong commitIdOf(byte[] key) {
        if (key == null || key.length == 0) {
            return OptionalLong.empty();
        }
        String text = new String(key, StandardCharsets.UTF_8).trim();
        if (text.matches("[0-9]{1,18}")) {
            return OptionalLong.of(Long.parseLong(text));
        }
        if (key.length == Long.BYTES) {
            return OptionalLong.of(ByteBuffer.wrap(key).getLong());
        }
        return OptionalLong.empty();
    }
}
